// trailerlab-cli models: import weights once into the data folder, and list
// where each model's weights are found (the model registry's search).
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/features/ModelRegistry.h"
#include "core/project/Project.h"

namespace tl::cli {

namespace fs = std::filesystem;
using features::ModelRegistry;

std::string missingWeightsAdvice()
{
    return "Import the file once with `trailerlab-cli models import FILE` (it is copied into the data folder and "
           "found from then on), pass it explicitly (--weights FILE, --weights-dir DIR), or ask for seeded random "
           "weights (--random-weights SEED).";
}

int modelsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli models import FILE [--model NAME] | trailerlab-cli models list [--project FILE]",
                "Model weights, found in this order: the file given on the command line, the project's models\n"
                "folder (<project folder>/models), your data folder ($XDG_DATA_HOME/trailerlab/models), the\n"
                "installed models folder (<prefix>/share/trailerlab/models), and in a source build the\n"
                "checkout's reference models folder.\n"
                "  import  copies FILE into the data folder under the model's file name and records its SHA-256;\n"
                "          a later change of the copy is reported when it is used\n"
                "  list    shows, for every model, the file that would be used or every place looked in");
    p.addPositional("action", "import or list");
    p.addPositional("file", "the weights file to import", false);
    p.addOption("model", "NAME",
                "the model FILE is for: mobilenetv2, vgg11, vgg16, vgg19, torchscript:NAME.pt "
                "[default: from the file name: *.onnx mobilenetv2, vggNN*.safetensors, *.pt]");
    p.addOption("project", "FILE", "list: also search this project's models folder");
    p.addEpilog("\nexamples:\n"
                "  trailerlab-cli models import ~/Downloads/mobilenetv2-12-int8.onnx\n"
                "  trailerlab-cli models import weights/vgg19.safetensors\n"
                "  trailerlab-cli models list\n");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    const std::string action = *p.positional("action");
    if (action == "import") {
        const auto file = p.positional("file");
        if (!file)
            throw UsageError("import needs the weights FILE");
        const std::string model = p.value("model") ? *p.value("model") : ModelRegistry::modelForFile(*file);
        if (model.empty())
            throw UsageError("cannot tell the model from the name " + fs::path(*file).filename().string() +
                             ": give --model (mobilenetv2, vgg11, vgg16, vgg19, torchscript:NAME.pt)");
        const auto imported = ModelRegistry::standard().importWeights(model, *file);
        out << imported.file.string() << "\n";
        err << "imported " << model << " weights: " << imported.file.string() << " (sha256 " << imported.sha256
            << ")\n";
        return 0;
    }
    if (action == "list") {
        if (p.positional("file"))
            throw UsageError("list takes no file (give --project FILE to include a project's models folder)");
        const fs::path projectFolder = p.value("project") ? loadProject(*p.value("project")).folder() : fs::path();
        const ModelRegistry registry = ModelRegistry::standard(projectFolder);
        for (const char* model : {"mobilenetv2", "vgg11", "vgg16", "vgg19"}) {
            const auto lookup = registry.find(model);
            if (lookup.found())
                out << model << ": " << lookup.file.string() << " (" << features::describeSource(lookup.source)
                    << ")\n";
            else
                out << lookup.describeMissing() << "\n";
        }
        return 0;
    }
    throw UsageError("unknown action '" + action + "' (import, list)");
}

}  // namespace tl::cli

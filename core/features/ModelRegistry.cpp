#include "core/features/ModelRegistry.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/XdgPaths.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/Sha256.h"

// Set by core/features/CMakeLists.txt for this file only.
#ifndef TRAILERLAB_INSTALL_DATADIR
#define TRAILERLAB_INSTALL_DATADIR "share"
#endif
#ifndef TRAILERLAB_CHECKOUT_MODELS_DIR
#define TRAILERLAB_CHECKOUT_MODELS_DIR ""
#endif
#ifndef TRAILERLAB_BUILD_DIR
#define TRAILERLAB_BUILD_DIR ""
#endif

namespace fs = std::filesystem;

namespace tl::features {

namespace {

constexpr const char* kIndexName = "index.json";

fs::path runningProgram()
{
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{} : exe;
}

// <prefix>/share/trailerlab/models for a program installed as <prefix>/bin/NAME.
fs::path installedModelsDir()
{
    const fs::path datadir(TRAILERLAB_INSTALL_DATADIR);
    if (datadir.is_absolute())
        return datadir / "trailerlab" / "models";
    const fs::path exe = runningProgram();
    if (exe.empty())
        return {};
    return exe.parent_path().parent_path() / datadir / "trailerlab" / "models";
}

// Whether the running program is one of this build tree's (not an installed copy).
bool runningFromBuildTree()
{
    const fs::path build(TRAILERLAB_BUILD_DIR);
    const fs::path exe = runningProgram();
    if (build.empty() || exe.empty())
        return false;
    std::error_code ec;
    const fs::path relative = fs::weakly_canonical(exe, ec).lexically_relative(fs::weakly_canonical(build, ec));
    return !ec && !relative.empty() && *relative.begin() != "..";
}

bool isFile(const fs::path& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

nlohmann::json readIndex(const fs::path& folder)
{
    const fs::path file = folder / kIndexName;
    std::error_code ec;
    if (!fs::exists(file, ec))
        return nlohmann::json::object();
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ModelError("cannot read the weights index " + file.string());
    nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
    if (index.is_discarded() || !index.is_object() || (index.contains("models") && !index["models"].is_array()))
        throw ModelError("the weights index " + file.string() +
                         " is not valid JSON with a \"models\" list: import the weights again to rewrite it");
    return index;
}

const nlohmann::json* indexEntry(const nlohmann::json& index, const std::string& fileName)
{
    if (!index.contains("models"))
        return nullptr;
    for (const auto& entry : index["models"])
        if (entry.is_object() && entry.value("file", std::string()) == fileName)
            return &entry;
    return nullptr;
}

}  // namespace

std::string describeSource(WeightsSource source)
{
    switch (source) {
    case WeightsSource::Explicit: return "the file given";
    case WeightsSource::Project: return "the project's models folder";
    case WeightsSource::UserData: return "your data folder (imported weights)";
    case WeightsSource::Installed: return "the installed models folder";
    case WeightsSource::Checkout: return "the checkout's reference models folder";
    }
    return "?";
}

std::string WeightsLookup::describeMissing() const
{
    std::ostringstream out;
    out << model << " weights (" << fileName << ") not found. Looked for:";
    for (const auto& [place, path] : searched)
        out << "\n  " << describeSource(place) << ": " << path.string();
    return out.str();
}

ModelRegistry::ModelRegistry(RegistryFolders folders) : folders_(std::move(folders)) {}

ModelRegistry ModelRegistry::standard(const fs::path& projectFolder)
{
    RegistryFolders f;
    if (!projectFolder.empty())
        f.project = projectFolder / "models";
    f.userData = xdg::appDataDir() / "models";
    f.installed = installedModelsDir();
    std::error_code ec;
    if (const fs::path checkout(TRAILERLAB_CHECKOUT_MODELS_DIR);
        !checkout.empty() && fs::is_directory(checkout, ec) && runningFromBuildTree())
        f.checkout = fs::weakly_canonical(checkout, ec);
    return ModelRegistry(std::move(f));
}

std::string ModelRegistry::weightsFileName(const std::string& model)
{
    if (model == "mobilenetv2")
        return "mobilenetv2-12-int8.onnx";
    if (model == "vgg11" || model == "vgg16" || model == "vgg19")
        return model + ".safetensors";
    if (model.rfind("torchscript:", 0) == 0 && model.size() > 12)
        return fs::path(model.substr(12)).filename().string();
    throw ModelError("unknown model '" + model + "' (mobilenetv2, vgg11, vgg16, vgg19, torchscript:FILE)");
}

std::string ModelRegistry::modelForFile(const fs::path& file)
{
    const std::string ext = file.extension().string();
    const std::string stem = file.stem().string();
    if (ext == ".onnx")
        return "mobilenetv2";
    if (ext == ".pt")
        return "torchscript:" + file.filename().string();
    if (ext == ".safetensors")
        for (const char* vgg : {"vgg11", "vgg16", "vgg19"})
            if (stem.rfind(vgg, 0) == 0)
                return vgg;
    return {};
}

WeightsLookup ModelRegistry::find(const std::string& model, const fs::path& explicitFile) const
{
    WeightsLookup lookup;
    lookup.model = model;
    lookup.fileName = weightsFileName(model);
    if (!explicitFile.empty()) {
        lookup.searched.emplace_back(WeightsSource::Explicit, explicitFile);
        if (isFile(explicitFile)) {
            lookup.file = explicitFile;
            lookup.source = WeightsSource::Explicit;
        }
        return lookup;
    }
    const std::pair<WeightsSource, const fs::path*> places[] = {
        {WeightsSource::Project, &folders_.project},
        {WeightsSource::UserData, &folders_.userData},
        {WeightsSource::Installed, &folders_.installed},
        {WeightsSource::Checkout, &folders_.checkout},
    };
    for (const auto& [source, folder] : places) {
        if (folder->empty())
            continue;
        const fs::path candidate = *folder / lookup.fileName;
        lookup.searched.emplace_back(source, candidate);
        if (isFile(candidate)) {
            lookup.file = candidate;
            lookup.source = source;
            return lookup;
        }
    }
    return lookup;
}

fs::path ModelRegistry::require(const std::string& model, const fs::path& explicitFile, const std::string& advice) const
{
    const WeightsLookup lookup = find(model, explicitFile);
    if (!lookup.found())
        throw ModelError(lookup.describeMissing() + (advice.empty() ? std::string() : "\n" + advice));
    checkImported(lookup.file);
    return lookup.file;
}

ImportedWeights ModelRegistry::importWeights(const std::string& model, const fs::path& file) const
{
    const std::string fileName = weightsFileName(model);
    if (folders_.userData.empty())
        throw ModelError("no data folder to import weights into");
    if (!isFile(file))
        throw ModelError("cannot import " + file.string() + ": no such file");
    std::error_code ec;
    fs::create_directories(folders_.userData, ec);
    if (ec)
        throw ModelError("cannot create the data folder " + folders_.userData.string() + ": " + ec.message());
    // Read the index first: a broken index stops the import before anything is copied.
    nlohmann::json index = readIndex(folders_.userData);

    ImportedWeights result;
    result.model = model;
    result.file = folders_.userData / fileName;
    result.importedFrom = fs::absolute(file).lexically_normal().string();
    result.sha256 = sha256File(file);
    if (!fs::equivalent(file, result.file, ec)) {
        requireRegularFile(file, "weights file");
        if (fs::file_size(file) == 0)
            throw ModelError(file.string() + " is empty: not a weights file");
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw ModelError("cannot read " + file.string());
        writeFileAtomically(result.file, [&](std::ostream& out) {
            out << in.rdbuf();
            if (in.bad())
                throw ModelError("cannot read " + file.string());
        });
        // The copy is what gets used: hash it, not the original (which may change meanwhile).
        result.sha256 = sha256File(result.file);
    }

    nlohmann::json entries = nlohmann::json::array();
    if (index.contains("models"))
        for (const auto& entry : index["models"])
            if (!entry.is_object() || entry.value("file", std::string()) != fileName)
                entries.push_back(entry);
    entries.push_back({{"model", model},
                       {"file", fileName},
                       {"sha256", result.sha256},
                       {"size", static_cast<std::uint64_t>(fs::file_size(result.file))},
                       {"imported_from", result.importedFrom}});
    index["version"] = 1;
    index["models"] = std::move(entries);
    writeFileAtomically(folders_.userData / kIndexName, index.dump(2) + "\n");
    return result;
}

std::vector<ImportedWeights> ModelRegistry::imported() const
{
    std::vector<ImportedWeights> out;
    if (folders_.userData.empty())
        return out;
    const nlohmann::json index = readIndex(folders_.userData);
    if (!index.contains("models"))
        return out;
    for (const auto& entry : index["models"]) {
        if (!entry.is_object())
            continue;
        ImportedWeights w;
        w.model = entry.value("model", std::string());
        w.file = folders_.userData / entry.value("file", std::string());
        w.sha256 = entry.value("sha256", std::string());
        w.importedFrom = entry.value("imported_from", std::string());
        out.push_back(std::move(w));
    }
    return out;
}

void checkImported(const fs::path& file, const std::string& knownSha256)
{
    const nlohmann::json index = readIndex(file.parent_path());
    const nlohmann::json* entry = indexEntry(index, file.filename().string());
    if (!entry)
        return;
    const std::string recorded = entry->value("sha256", std::string());
    const std::string actual = knownSha256.empty() ? sha256File(file) : knownSha256;
    if (actual != recorded)
        throw ModelError("weights file " + file.string() + " changed since it was imported: its SHA-256 is " + actual +
                         ", the import recorded " + recorded + " (" + (file.parent_path() / kIndexName).string() +
                         "). Import the original file again.");
}

}  // namespace tl::features

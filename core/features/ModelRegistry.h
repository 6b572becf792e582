#pragma once
// Where a model's weights file comes from: one registry that the command line,
// the workbench's views and the background extraction all ask, so that a file
// found or imported once is used everywhere.
//
// Search order for a model's weights file (weightsFileName(): mobilenetv2 ->
// mobilenetv2-12-int8.onnx, vggNN -> vggNN.safetensors, torchscript:FILE -> FILE's
// name), first hit wins:
//   1. an explicit file (a command-line option, a file chosen in the GUI); when
//      one is given and does not exist, the search stops there: a typo never
//      falls back to some other file silently;
//   2. the project's models folder, <project folder>/models;
//   3. the user's data folder, $XDG_DATA_HOME/trailerlab/models
//      (~/.local/share/trailerlab/models), where importWeights() copies files;
//   4. the installed models folder, <prefix>/share/trailerlab/models, found
//      relative to the running program (/usr/share/trailerlab/models for the .deb);
//   5. the checkout's reference models folder, compiled in from a source build
//      and only searched when that folder exists and the running program is one
//      of that build tree's (an installed copy never looks there).
// When nothing is found, WeightsLookup::searched lists every file looked for,
// and describeMissing() says so in one message.
//
// Imports: importWeights() copies a file into the data folder under the model's
// file name and records its SHA-256 in index.json there (written to a temporary
// file and renamed, so a crash never leaves half an index). A file listed in an
// index is verified against the recorded hash when used (checkImported()): a
// file changed after its import is reported, never used silently.
//
// No Qt. Thread-safety: const member functions only read the file system; two
// processes importing at the same time each write a whole index (last wins).

#include <filesystem>
#include <string>
#include <vector>

namespace tl::features {

enum class WeightsSource { Explicit, Project, UserData, Installed, Checkout };

// "the file given", "the project's models folder", "your data folder", ...
std::string describeSource(WeightsSource source);

struct WeightsLookup {
    std::string model;                           // as asked, e.g. "mobilenetv2"
    std::string fileName;                        // what was looked for, e.g. "mobilenetv2-12-int8.onnx"
    std::filesystem::path file;                  // the file found; empty when none
    WeightsSource source = WeightsSource::Explicit;  // where it was found (when found)
    // Every candidate looked at, in search order, with its place.
    std::vector<std::pair<WeightsSource, std::filesystem::path>> searched;

    bool found() const { return !file.empty(); }
    // "mobilenetv2 weights (mobilenetv2-12-int8.onnx) not found. Looked for:\n  <place>: <file>\n..."
    std::string describeMissing() const;
};

// The folders searched after an explicit file. An empty folder is skipped.
struct RegistryFolders {
    std::filesystem::path project;    // <project folder>/models
    std::filesystem::path userData;   // $XDG_DATA_HOME/trailerlab/models: imports go here
    std::filesystem::path installed;  // <prefix>/share/trailerlab/models
    std::filesystem::path checkout;   // the checkout's reference models folder
};

struct ImportedWeights {
    std::string model;
    std::filesystem::path file;  // the copy in the data folder
    std::string sha256;          // lower-case hex, as recorded in the index
    std::string importedFrom;    // the original file
};

class ModelRegistry {
public:
    explicit ModelRegistry(RegistryFolders folders);

    // The standard folders: the project's models folder when projectFolder is
    // given, the user's data folder (XDG), the installed folder next to the running
    // program, and the checkout's folder when it exists and the program runs from
    // its build tree.
    static ModelRegistry standard(const std::filesystem::path& projectFolder = {});

    const RegistryFolders& folders() const { return folders_; }

    // The file a model's weights are kept in. Throws tl::ModelError for an unknown model.
    static std::string weightsFileName(const std::string& model);

    // The model a weights file is for, from its name: *.onnx -> mobilenetv2,
    // vgg11/16/19*.safetensors -> that VGG, *.pt -> torchscript:<name>; empty when unknown.
    static std::string modelForFile(const std::filesystem::path& file);

    // Searches in the order above; never throws for a missing file.
    WeightsLookup find(const std::string& model, const std::filesystem::path& explicitFile = {}) const;

    // find(), then checkImported() on the hit. Throws tl::ModelError when nothing is
    // found (describeMissing() followed by `advice`) or the file changed since its import.
    std::filesystem::path require(const std::string& model, const std::filesystem::path& explicitFile = {},
                                  const std::string& advice = {}) const;

    // Copies `file` into the data folder as weightsFileName(model) (replacing an
    // earlier import of that model) and records its SHA-256 in the index. Throws
    // tl::ModelError when the file cannot be read or the data folder written.
    ImportedWeights importWeights(const std::string& model, const std::filesystem::path& file) const;

    // The imports recorded in the data folder's index.
    std::vector<ImportedWeights> imported() const;

private:
    RegistryFolders folders_;
};

// When `file` is listed in the index.json of its folder, checks that its SHA-256
// (computed here, or `knownSha256` when the caller already has it) is the recorded
// one; throws tl::ModelError naming both hashes otherwise. Files not listed in an
// index are not checked.
void checkImported(const std::filesystem::path& file, const std::string& knownSha256 = {});

}  // namespace tl::features

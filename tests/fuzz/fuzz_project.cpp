// libFuzzer target: project files (validation, confinement of the cache folder).
#include "core/common/Error.h"
#include "core/project/Project.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const tl::Project project = tl::loadProject(tl::fuzz::writeInput("p.trailerlab.json", data, size));
        (void)tl::readsOutsideFolder(project);
    } catch (const tl::Error&) {
    }
    return 0;
}

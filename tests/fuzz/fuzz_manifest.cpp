// libFuzzer target: manifests (item_id,video CSV) and the one-pass existence check.
#include "core/common/Error.h"
#include "core/project/Project.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        auto entries = tl::readManifest(tl::fuzz::writeInput("manifest.csv", data, size));
        (void)tl::checkManifestVideos(entries);
    } catch (const tl::Error&) {
    }
    return 0;
}

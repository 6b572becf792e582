// libFuzzer target: the item-features .npy reader (with a sidecar of three ids).
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const bool ids = (tl::fuzz::writeInput("features.ids.txt", "a\nb\nc\n"), true);
    (void)ids;
    try {
        tl::readFeatureNpy(tl::fuzz::writeInput("features.npy", data, size));
    } catch (const tl::Error&) {
    }
    return 0;
}

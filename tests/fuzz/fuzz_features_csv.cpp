// libFuzzer target: the item-features CSV reader.
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        tl::readFeatureCsv(tl::fuzz::writeInput("features.csv", data, size));
    } catch (const tl::Error&) {
    }
    return 0;
}

// libFuzzer target: the ratings reader (MovieLens 100K / 1M / CSV, format detected).
#include "core/common/Error.h"
#include "core/data/Ratings.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = tl::fuzz::writeInput("u.data", data, size);
    for (const bool skip : {false, true}) {
        try {
            tl::Dataset dataset;
            tl::ReadOptions options;
            options.skipBadLines = skip;
            tl::readRatings(path, dataset, options);
        } catch (const tl::Error&) {
        }
    }
    return 0;
}

// libFuzzer target: a feature-store entry, read and verified against its key.
#include "core/common/Error.h"
#include "core/features/FeatureStore.h"
#include "core/features/Safetensors.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // The key of the seed corpus's entries (tests/fuzz/make_corpus.py).
    static const tl::features::StoreKey key{"videohash", "fuzz dim=4 frames/sample=1", "weights", "uniform fps=1",
                                            "direct"};
    const auto path = tl::fuzz::writeInput("entry.safetensors", data, size);
    try {
        const auto file = tl::features::readSafetensors(path);
        (void)tl::features::decodeStoreEntry(file, &key, path.string());
        (void)tl::features::decodeStoreEntry(file, nullptr, path.string());
    } catch (const tl::Error&) {
    }
    return 0;
}

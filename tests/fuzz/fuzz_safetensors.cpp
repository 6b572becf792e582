// libFuzzer target: the safetensors reader, and converting what it returns to floats.
#include "core/common/Error.h"
#include "core/features/Safetensors.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto file = tl::features::readSafetensors(tl::fuzz::writeInput("weights.safetensors", data, size));
        for (const auto& [name, tensor] : file.tensors) {
            try {
                (void)tensor.toFloat();
            } catch (const tl::Error&) {
            }
        }
    } catch (const tl::Error&) {
    }
    return 0;
}

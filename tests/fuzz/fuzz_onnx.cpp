// libFuzzer target: loading MobileNetV2 weights from an ONNX file.
#include "core/common/Error.h"
#include "core/features/MobileNetV2Weights.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        (void)tl::features::loadMobileNetV2Onnx(tl::fuzz::writeInput("model.onnx", data, size));
    } catch (const tl::Error&) {
    }
    return 0;
}

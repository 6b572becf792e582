#pragma once
// A reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
//   8 bytes little-endian u64 N | N bytes of JSON header | raw little-endian tensor data.
// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
// (offsets relative to the data section) and may hold "__metadata__": {string: string}.
// Chosen for model weights because any PyTorch version (or none) can write it:
// models/export_weights.py writes it by hand when the safetensors package is absent.
// No LibTorch here: tensors are raw bytes plus dtype and shape.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tl::features {

struct RawTensor {
    std::string dtype;                 // "F32", "F16", "BF16", "F64", "I64", "I32", "I8", "U8", ...
    std::vector<std::int64_t> shape;
    std::vector<unsigned char> bytes;  // little-endian element data, C order

    std::int64_t numel() const;
    // The elements converted to float (F32, F64, F16, BF16). Throws tl::ModelError otherwise.
    std::vector<float> toFloat() const;
};

struct SafetensorsFile {
    std::map<std::string, RawTensor> tensors;
    std::map<std::string, std::string> metadata;
};

// Size in bytes of one element of a safetensors dtype; 0 when unknown.
std::size_t safetensorsDtypeSize(const std::string& dtype);

// Throws tl::ModelError naming the file and the problem (truncated file, bad header,
// offsets out of range or overlapping, size that does not match dtype x shape).
SafetensorsFile readSafetensors(const std::filesystem::path& path);

// Writes the tensors (sorted by name, as the reference implementation does) and the
// metadata; atomically (writeFileAtomically). Throws tl::ModelError for inconsistent
// tensors and tl::WriteError on I/O failure (nothing is left behind then).
void writeSafetensors(const SafetensorsFile& file, const std::filesystem::path& path);

// Convenience: an F32 tensor from floats.
RawTensor makeF32Tensor(const std::vector<float>& values, std::vector<std::int64_t> shape);

}  // namespace tl::features

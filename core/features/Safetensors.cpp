#include "core/features/Safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"

static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

namespace tl::features {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason)
{
    throw ModelError("safetensors file " + path.string() + ": " + reason);
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
    std::uint32_t exponent = (h >> 10) & 0x1f;
    std::uint32_t mantissa = h & 0x3ff;
    std::uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            do { ++e; mantissa <<= 1; } while ((mantissa & 0x400) == 0);
            bits = sign | (std::uint32_t(127 - 15 - e) << 23) | ((mantissa & 0x3ff) << 13);
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    return std::bit_cast<float>(bits);
}

}  // namespace

std::size_t safetensorsDtypeSize(const std::string& dtype)
{
    if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
    return 0;
}

std::int64_t RawTensor::numel() const
{
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        if (d < 0 || __builtin_mul_overflow(n, d, &n))
            throw ModelError("tensor shape with a negative or overflowing size");
    return n;
}

std::vector<float> RawTensor::toFloat() const
{
    const auto n = static_cast<std::size_t>(numel());
    const std::size_t size = safetensorsDtypeSize(dtype);
    if (size == 0 || bytes.size() / size != n || bytes.size() % size != 0)
        throw ModelError("tensor of " + std::to_string(bytes.size()) + " bytes does not match its " + dtype +
                         " shape");
    std::vector<float> out(n);
    if (dtype == "F32") {
        std::memcpy(out.data(), bytes.data(), n * 4);
    } else if (dtype == "F64") {
        for (std::size_t i = 0; i < n; ++i) {
            double v;
            std::memcpy(&v, bytes.data() + 8 * i, 8);
            out[i] = static_cast<float>(v);
        }
    } else if (dtype == "F16" || dtype == "BF16") {
        for (std::size_t i = 0; i < n; ++i) {
            std::uint16_t v;
            std::memcpy(&v, bytes.data() + 2 * i, 2);
            out[i] = dtype == "F16" ? halfToFloat(v) : std::bit_cast<float>(std::uint32_t(v) << 16);
        }
    } else {
        throw ModelError("tensor of dtype " + dtype + " cannot be used as floating-point weights");
    }
    return out;
}

SafetensorsFile readSafetensors(const std::filesystem::path& path)
{
    try {
        requireRegularFile(path, "safetensors file");
    } catch (const DataError& e) {
        fail(path, e.reason());
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot open");
    in.seekg(0, std::ios::end);
    const auto fileSize = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    if (fileSize < 8)
        fail(path, "shorter than the 8-byte header length");
    unsigned char lengthBytes[8];
    in.read(reinterpret_cast<char*>(lengthBytes), 8);
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i) headerLength = (headerLength << 8) | lengthBytes[i];
    if (headerLength > fileSize - 8 || headerLength > (100u << 20))
        fail(path, "header length " + std::to_string(headerLength) + " exceeds the file");
    std::string headerText(headerLength, '\0');
    in.read(headerText.data(), static_cast<std::streamsize>(headerLength));
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerText);
    } catch (const nlohmann::json::exception& e) {
        fail(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        fail(path, "header is not a JSON object");
    const std::uint64_t dataSize = fileSize - 8 - headerLength;

    SafetensorsFile result;
    struct Span { std::uint64_t begin, end; std::string name; };
    std::vector<Span> spans;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object())
                fail(path, "__metadata__ is not an object");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string())
                    fail(path, "metadata value of '" + key + "' is not a string");
                result.metadata[key] = value.get<std::string>();
            }
            continue;
        }
        try {
            RawTensor t;
            t.dtype = entry.at("dtype").get<std::string>();
            // Whole numbers only: nlohmann converts a JSON float such as 2e31 to an integer by a
            // plain cast, which is undefined beyond the integer's range.
            const nlohmann::json& tensor = entry;  // lambdas cannot capture structured bindings (C++17)
            const std::string tensorName = name;
            const auto wholeNumbers = [&](const char* field) {
                const auto& list = tensor.at(field);
                if (!list.is_array())
                    fail(path, "tensor '" + tensorName + "': " + field + " is not a list");
                for (const auto& v : list)
                    if (!v.is_number_integer())
                        fail(path, "tensor '" + tensorName + "': " + field + " holds " + v.dump() +
                                       ", not a whole number");
                return &list;
            };
            t.shape = wholeNumbers("shape")->get<std::vector<std::int64_t>>();
            const auto offsetList = wholeNumbers("data_offsets");
            for (const auto& v : *offsetList)
                if (!v.is_number_unsigned())
                    fail(path, "tensor '" + name + "' has a negative data offset");
            const auto offsets = offsetList->get<std::vector<std::uint64_t>>();
            const std::size_t elementSize = safetensorsDtypeSize(t.dtype);
            if (elementSize == 0)
                fail(path, "tensor '" + name + "' has unknown dtype " + t.dtype);
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > dataSize)
                fail(path, "tensor '" + name + "' has data offsets outside the file (truncated?)");
            std::uint64_t count = 1;
            for (std::int64_t d : t.shape) {
                if (d < 0)
                    fail(path, "tensor '" + name + "' has a negative dimension");
                if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(d), &count) ||
                    count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                    fail(path, "tensor '" + name + "' has a shape whose size overflows");
            }
            std::uint64_t byteSize = 0;
            if (__builtin_mul_overflow(count, elementSize, &byteSize) || byteSize != offsets[1] - offsets[0])
                fail(path, "tensor '" + name + "' byte size does not match dtype x shape");
            spans.push_back({offsets[0], offsets[1], name});
            result.tensors.emplace(name, std::move(t));
        } catch (const nlohmann::json::exception& e) {
            fail(path, "bad entry for tensor '" + name + "': " + e.what());
        }
    }
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
    for (std::size_t i = 1; i < spans.size(); ++i)
        if (spans[i].begin < spans[i - 1].end)
            fail(path, "tensors '" + spans[i - 1].name + "' and '" + spans[i].name + "' overlap");
    for (const Span& span : spans) {
        RawTensor& t = result.tensors.at(span.name);
        t.bytes.resize(span.end - span.begin);
        in.seekg(static_cast<std::streamoff>(8 + headerLength + span.begin));
        in.read(reinterpret_cast<char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
        if (!in)
            fail(path, "read error in tensor '" + span.name + "'");
    }
    return result;
}

void writeSafetensors(const SafetensorsFile& file, const std::filesystem::path& path)
{
    nlohmann::json header = nlohmann::json::object();
    std::uint64_t offset = 0;
    for (const auto& [name, t] : file.tensors) {  // std::map: sorted by name
        if (static_cast<std::uint64_t>(t.numel()) * safetensorsDtypeSize(t.dtype) != t.bytes.size())
            throw ModelError("tensor '" + name + "': byte size does not match dtype x shape");
        header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
        offset += t.bytes.size();
    }
    if (!file.metadata.empty())
        header["__metadata__"] = file.metadata;
    std::string text = header.dump();
    while ((text.size() + 8) % 8 != 0) text += ' ';  // keep data 8-byte aligned, as the reference does

    writeFileAtomically(path, [&](std::ostream& out) {
        unsigned char lengthBytes[8];
        std::uint64_t n = text.size();
        for (int i = 0; i < 8; ++i) { lengthBytes[i] = static_cast<unsigned char>(n & 0xff); n >>= 8; }
        out.write(reinterpret_cast<const char*>(lengthBytes), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        for (const auto& entry : file.tensors)
            out.write(reinterpret_cast<const char*>(entry.second.bytes.data()),
                      static_cast<std::streamsize>(entry.second.bytes.size()));
    });
}

RawTensor makeF32Tensor(const std::vector<float>& values, std::vector<std::int64_t> shape)
{
    RawTensor t;
    t.dtype = "F32";
    t.shape = std::move(shape);
    t.bytes.resize(values.size() * 4);
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    if (t.numel() != static_cast<std::int64_t>(values.size()))
        throw ModelError("makeF32Tensor: shape does not match the number of values");
    return t;
}

}  // namespace tl::features

#pragma once
// SHA-256 (FIPS 180-4), used to key the feature store by video content and to
// stamp model weights in provenance strings. Incremental: update() any number
// of times, then hex(). No external crypto library, so GPU servers need none.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tl::features {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view text) { update(text.data(), text.size()); }
    std::array<std::uint8_t, 32> digest();  // finalises; the object is spent afterwards
    std::string hex();                       // finalises; lower-case hex digest

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

std::string sha256Hex(std::string_view bytes);
// Hash of a file's bytes, streamed in 1 MiB blocks. Throws tl::DataError when unreadable.
std::string sha256File(const std::filesystem::path& path);

}  // namespace tl::features

#include "tests/fuzz/FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <unistd.h>

namespace tl::fuzz {

namespace {
const std::filesystem::path& scratch()
{
    static const std::filesystem::path dir = [] {
        // $TMPDIR, else memory (/dev/shm) when there is one: a disk-backed /tmp cut the rate tenfold here.
        const char* base = std::getenv("TMPDIR");
        std::filesystem::path root = base && *base ? base : (::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        std::filesystem::path d = root / ("trailerlab-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch(), ec);
        });
        return d;
    }();
    return dir;
}
}  // namespace

std::filesystem::path writeInput(const std::string& name, const std::uint8_t* data, std::size_t size)
{
    const auto path = scratch() / name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        throw std::runtime_error("fuzz scratch: cannot write " + path.string());
    if (size > 0)
        std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

std::filesystem::path writeInput(const std::string& name, const std::string& text)
{
    return writeInput(name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

}  // namespace tl::fuzz

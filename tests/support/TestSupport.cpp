#include "tests/support/TestSupport.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace tl::test {

std::filesystem::path sharedDir()
{
    if (const char* env = std::getenv("TRAILERLAB_SHARED"); env && *env)
        return std::filesystem::exists(env) ? std::filesystem::path(env) : std::filesystem::path();
    const std::filesystem::path dir = TRAILERLAB_SHARED_DIR;
    return std::filesystem::exists(dir) ? dir : std::filesystem::path();
}

std::filesystem::path sharedFile(const std::string& relative)
{
    const auto dir = sharedDir();
    if (dir.empty())
        return {};
    const auto file = dir / relative;
    return std::filesystem::exists(file) ? file : std::filesystem::path();
}

TempDir::TempDir()
{
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("trailerlab-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void writeFile(const std::filesystem::path& path, const std::string& text)
{
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
    out << text;
}

}  // namespace tl::test

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

std::size_t addTinyRatings(Dataset& data)
{
    auto add = [&](const char* u, const char* i, float r) {
        data.ratings.push_back({data.users.intern(u), data.items.intern(i), r, 0});
    };
    add("u1", "i1", 5), add("u1", "i2", 1);
    add("u2", "i1", 4), add("u2", "i3", 2);
    add("u3", "i2", 5), add("u3", "i3", 3);
    add("u4", "i1", 3), add("u4", "i2", 4), add("u4", "i3", 4), add("u4", "i5", 5);
    const std::size_t trainCount = data.ratings.size();
    add("u1", "i3", 2), add("u1", "i5", 5);
    return trainCount;
}

}  // namespace tl::test

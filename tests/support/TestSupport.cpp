#include "tests/support/TestSupport.h"

#include "core/common/Random.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
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

std::string pythonWith(const std::string& modules)
{
    for (const char* candidate : {"/usr/bin/python3", "python3"})
        if (std::system((std::string(candidate) + " -c 'import " + modules + "' > /dev/null 2>&1").c_str()) == 0)
            return candidate;
    return {};
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

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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

RandomCase makeRandomCase(std::size_t users, std::size_t items, std::uint64_t seed, const RandomCaseShape& shape)
{
    RandomCase c;
    Rng rng(seed);
    for (std::size_t i = 0; i < items; ++i)
        c.data.items.intern(std::to_string(i));
    for (std::size_t u = 0; u < users; ++u) {
        const std::uint32_t user = c.data.users.intern(std::to_string(u));
        for (std::size_t i = 0; i < items; ++i)
            if (rng.uniform() < shape.density) {
                const auto r = c.data.ratings.size();
                c.data.ratings.push_back({user, static_cast<std::uint32_t>(i), static_cast<float>(1 + rng.below(5))});
                const bool test = (shape.coldFirstItem && i == 0) || r % shape.testEvery == 0;
                (test ? c.testIdx : c.trainIdx).push_back(r);
            }
    }
    c.features.values.resize(static_cast<Eigen::Index>(items - 1), shape.dims);
    for (std::size_t i = 0; i + 1 < items; ++i) {
        c.features.ids.push_back(std::to_string(i));
        for (Eigen::Index f = 0; f < shape.dims; ++f)
            c.features.values(static_cast<Eigen::Index>(i), f) = static_cast<float>(rng.uniform() + shape.featureOffset);
    }
    return c;
}

}  // namespace tl::test

#pragma once
// Helpers shared by the core tests: where the shared reference data lives,
// and scratch folders that clean themselves up.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/FeatureMatrix.h"
#include "core/data/Ratings.h"

namespace tl::test {

// TRAILERLAB_SHARED_DIR (next to the checkout), or $TRAILERLAB_SHARED when set. Empty path when absent.
std::filesystem::path sharedDir();

// A path inside sharedDir(), or empty when the shared folder or the file is missing.
std::filesystem::path sharedFile(const std::string& relative);

// A fresh temporary folder, removed with its contents when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Writes text to a file, creating its folder (binary mode: line ends are written as given).
void writeFile(const std::filesystem::path& path, const std::string& text);
// A whole file's bytes (empty when it cannot be read).
std::string readFile(const std::filesystem::path& path);

// The first of /usr/bin/python3 and python3 that imports `modules` ("torch", "torch, numpy"),
// or empty: the tests that save their TorchScript models with python3-torch skip without it.
std::string pythonWith(const std::string& modules);

// The five-user ratings whose CF answers the known-answer tests work out by hand:
// training u1: i1=5 i2=1; u2: i1=4 i3=2; u3: i2=5 i3=3; u4: i1=3 i2=4 i3=4 i5=5, then the
// test ratings u1: i3=2 i5=5. Appends them to data; returns how many are training ratings
// (the first ones), for explicitSplit.
std::size_t addTinyRatings(Dataset& data);

// A seeded random case for the model tests: users x items, each pair rated (1-5) with
// probability `density`; the r-th rating goes to test when r % testEvery == 0, and with
// coldFirstItem every rating of item 0 does too (an item nobody rated in training that
// has a profile). Items 0 .. items-2 get `dims` profile columns drawn uniform in
// [featureOffset, featureOffset + 1); the last item has no profile.
struct RandomCase {
    Dataset data;
    std::vector<std::size_t> trainIdx, testIdx;
    FeatureMatrix features;
};
struct RandomCaseShape {
    double density = 0.4;
    std::size_t testEvery = 4;
    bool coldFirstItem = false;
    int dims = 5;
    double featureOffset = 0;
};
RandomCase makeRandomCase(std::size_t users, std::size_t items, std::uint64_t seed, const RandomCaseShape& shape);

}  // namespace tl::test

// Skips the current GoogleTest test when a shared file is missing.
#define TL_REQUIRE_SHARED(var, relative)                                                        \
    const std::filesystem::path var = ::tl::test::sharedFile(relative);                        \
    if (var.empty())                                                                            \
    GTEST_SKIP() << "shared reference data not found (" << (relative)                          \
                 << "): expected ../shared next to the repository or $TRAILERLAB_SHARED"

// Skips the current GoogleTest test in a build without video support
// (configured with -DTRAILERLAB_WITH_FFMPEG=OFF: decoding and encoding throw).
#ifdef TRAILERLAB_NO_VIDEO
#define TL_REQUIRE_VIDEO() \
    GTEST_SKIP() << "this build has no video support (configured with -DTRAILERLAB_WITH_FFMPEG=OFF)"
#else
#define TL_REQUIRE_VIDEO() static_cast<void>(0)
#endif

#pragma once
// Helpers shared by the core tests: where the shared reference data lives,
// and scratch folders that clean themselves up.

#include <filesystem>
#include <string>

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

// The five-user ratings whose CF answers the known-answer tests work out by hand:
// training u1: i1=5 i2=1; u2: i1=4 i3=2; u3: i2=5 i3=3; u4: i1=3 i2=4 i3=4 i5=5, then the
// test ratings u1: i3=2 i5=5. Appends them to data; returns how many are training ratings
// (the first ones), for explicitSplit.
std::size_t addTinyRatings(Dataset& data);

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

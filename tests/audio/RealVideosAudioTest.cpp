// The real videos of the shared reference data: the four with a soundtrack
// (AAC or MP3) give finite descriptor rows; the six without are "no audio".
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/audio/AudioProfile.h"
#include "tests/support/TestSupport.h"

namespace tl::audio {
namespace {

TEST(AudioRealVideos, FourWithSoundSixWithout)
{
    TL_REQUIRE_SHARED(sums, "videos/SHA256SUMS");
    const auto folder = sums.parent_path();
    std::set<std::string> withSound, without;
    std::map<std::string, std::string> codecs;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().filename() == "SHA256SUMS")
            continue;
        const std::string name = entry.path().filename().string();
        const AudioProfile p = describeAudioFile(entry.path());
        if (!p.hasAudio()) {
            without.insert(name);
            EXPECT_TRUE(p.values.empty()) << name;
            continue;
        }
        withSound.insert(name);
        codecs[name] = p.decode.codec;
        ASSERT_EQ(p.values.size(), audioDescriptorNames().size()) << name;
        for (std::size_t i = 0; i < p.values.size(); ++i)
            EXPECT_TRUE(std::isfinite(p.values[i])) << name << " " << audioDescriptorNames()[i];
        EXPECT_GT(p.decode.seconds(), 0.5) << name;
        EXPECT_FALSE(p.decode.damaged()) << name << ": " << describeDamage(p.decode);
    }
    for (const auto& [name, codec] : codecs)
        std::printf("%s: %s\n", name.c_str(), codec.c_str());
    EXPECT_EQ(withSound.size(), 4u);
    EXPECT_EQ(without.size(), 6u);
}

}  // namespace
}  // namespace tl::audio

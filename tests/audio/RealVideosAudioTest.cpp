// The real videos of the shared reference data: the four with a soundtrack
// (AAC or MP3) give finite descriptor rows; the six without are "no audio". Two of the
// four tracks are digitally silent (cockatoo's mp3, balle-jbart's AAC): their rows hold
// the defined silence values; the other two are heard.
#include <gtest/gtest.h>

#include <algorithm>
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
    std::map<std::string, float> loudness, centroid;
    const auto& names = audioDescriptorNames();
    const auto column = [&](const char* n) {
        return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin());
    };
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
        loudness[name] = p.values[column("loudness_lufs")];
        centroid[name] = p.values[column("centroid_hz_mean")];
        EXPECT_FALSE(p.decode.damaged()) << name << ": " << describeDamage(p.decode);
    }
    for (const auto& [name, codec] : codecs)
        std::printf("%s: %s\n", name.c_str(), codec.c_str());
    EXPECT_EQ(withSound, (std::set<std::string>{"balle-jbart.mp4", "balle1-vp9.avi", "cockatoo.mp4", "realshort.mp4"}));
    EXPECT_EQ(without.size(), 6u);
    for (const char* silent : {"balle-jbart.mp4", "cockatoo.mp4"}) {
        EXPECT_FLOAT_EQ(loudness[silent], static_cast<float>(kSilenceLufs)) << silent;
        EXPECT_FLOAT_EQ(centroid[silent], 0.0f) << silent;
    }
    for (const char* heard : {"balle1-vp9.avi", "realshort.mp4"}) {
        EXPECT_GT(loudness[heard], -60.0f) << heard;
        EXPECT_LT(loudness[heard], 0.0f) << heard;
        EXPECT_GT(centroid[heard], 100.0f) << heard;
    }
}

}  // namespace
}  // namespace tl::audio

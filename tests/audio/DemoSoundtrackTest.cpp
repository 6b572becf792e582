// The demo's soundtracks, known answers: each trailer's sound is synthesised from
// the same hidden properties as its picture (core/demo/DemoProject.h), so the
// audio descriptors recover them (rank correlations over the items), CF on the
// audio descriptors beats the user-mean baseline, and adding the sound changes
// neither the pictures nor the ratings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"
#include "core/eval/Evaluator.h"
#include "core/video/FfmpegPtr.h"
#include "core/video/VideoProbe.h"
#include "tests/audio/DemoWithSound.h"

namespace tl {
namespace {

// 60 items (ten of each family) of 4-6 s, small pictures: a few seconds to make.
DemoSpec smallSpec()
{
    DemoSpec spec;
    spec.items = 60;
    spec.users = 400;
    spec.width = 64;
    spec.height = 48;
    spec.minSeconds = 4;
    spec.maxSeconds = 6;
    return spec;
}

const test::DemoWithSound& demo()
{
    static const auto made = test::makeDemoWithSound(smallSpec());
    return *made;
}

TEST(DemoSoundtrack, DescriptorsRecoverTheHiddenProperties)
{
    TL_REQUIRE_VIDEO();
    const auto& d = demo();
    ASSERT_EQ(d.audio.rows(), 60u);
    const double tempo = test::spearman(d.audioColumn("tempo_bpm"), d.propertyColumn("cut_rate"));
    const double onsets = test::spearman(d.audioColumn("onset_rate_hz"), d.propertyColumn("cut_rate"));
    const double centroid = test::spearman(d.audioColumn("centroid_hz_p50"), d.propertyColumn("warmth"));
    const double loudness = test::spearman(d.audioColumn("loudness_lufs"), d.propertyColumn("brightness"));
    const double flicker = test::spearman(d.audioColumn("logmel38_std"), d.propertyColumn("texture"));
    const double motion = test::spearman(d.audioColumn("tempo_bpm"), d.propertyColumn("motion"));
    // TL_DEMO_SOUND_DUMP=1: the six descriptors that follow each property best.
    if (std::getenv("TL_DEMO_SOUND_DUMP"))
        for (const auto& prop : test::kDemoProperties) {
            std::vector<std::pair<double, std::string>> best;
            for (const auto& name : audio::audioDescriptorNames())
                best.emplace_back(-std::abs(test::spearman(d.audioColumn(name), d.propertyColumn(prop))), name);
            std::sort(best.begin(), best.end());
            std::cout << prop << ":";
            for (std::size_t i = 0; i < 6; ++i)
                std::cout << " " << best[i].second << " " << -best[i].first;
            std::cout << "\n";
        }
    std::cout << "spearman: tempo~cut " << tempo << ", onsets~cut " << onsets << ", centroid~warmth " << centroid
              << ", loudness~brightness " << loudness << ", top band's flicker~texture " << flicker << ", tempo~motion " << motion
              << "\n";
    // Measured on this demo (seed 2025): 0.999, 0.71, -0.88, 0.98, -0.98.
    EXPECT_GT(tempo, 0.95);
    EXPECT_GT(onsets, 0.5);     // cold (bright) pads add onsets of their own
    EXPECT_LT(centroid, -0.75);  // warm trailers sound muffled (low centroid), cold ones bright
    EXPECT_GT(loudness, 0.9);
    // Steady noise fills the top mel band, whose level otherwise jumps with each thump.
    EXPECT_LT(flicker, -0.85);
}

// Onsets at the picture's cuts: at every cut (shots last 1 / (0.15 + 1.05 cut rate) s,
// as in the picture) the onset envelope peaks above the onset threshold (1.0) within
// +-2 hops (46 ms), and on average more than twice as high as half-way between two
// beats, where nothing starts (steady noise and bright pads keep the envelope above 0 there).
TEST(DemoSoundtrack, OnsetsAtThePicturesCuts)
{
    TL_REQUIRE_VIDEO();
    const auto& d = demo();
    const auto cutRate = d.propertyColumn("cut_rate");
    const double hop = static_cast<double>(audio::kHopSize) / audio::kAudioSampleRate;
    int cuts = 0, peaked = 0;
    double atCuts = 0, between = 0;
    int betweenCount = 0;
    for (std::size_t i = 0; i < d.audio.rows(); ++i) {
        audio::AudioDescriptorAccumulator acc(audio::kAudioSampleRate);
        const auto clip = d.projectFile.parent_path() / "clips" / ("trailer_" + d.audio.ids[i] + ".mp4");
        audio::decodeAudio(clip, [&](const float* x, std::size_t n) { acc.add(x, n); });
        acc.finish();
        const auto& envelope = acc.onsetEnvelope();
        const auto peakNear = [&](double t) {
            const auto centre = static_cast<std::ptrdiff_t>(std::lround(t / hop));
            double best = 0;
            for (std::ptrdiff_t f = centre - 2; f <= centre + 2; ++f)
                if (f >= 0 && f < static_cast<std::ptrdiff_t>(envelope.size()))
                    best = std::max(best, envelope[static_cast<std::size_t>(f)]);
            return best;
        };
        const double shot = 1.0 / (0.15 + 1.05 * cutRate[i]);
        const double beat = 60.0 / (80.0 + 80.0 * cutRate[i]);
        const double seconds = static_cast<double>(envelope.size()) * hop;
        for (double t = shot; t < seconds - 0.2; t += shot) {
            ++cuts;
            const double peak = peakNear(t);
            peaked += peak > 1.0;
            atCuts += peak;
        }
        // Half-way between two beats, away from any cut: nothing starts there.
        for (double t = beat / 2; t < seconds - 0.2; t += beat) {
            const double sinceCut = std::fmod(t, shot);
            if (sinceCut > 0.12 && shot - sinceCut > 0.12) {
                between += peakNear(t);
                ++betweenCount;
            }
        }
    }
    ASSERT_GT(cuts, 60);
    ASSERT_GT(betweenCount, 20);
    EXPECT_GE(peaked, cuts * 95 / 100) << peaked << " of " << cuts << " cuts";
    // Measured: every cut peaks; mean peak 16.1 at cuts, 6.7 half-way between beats.
    EXPECT_GT(atCuts / cuts, 2 * between / betweenCount)
        << "mean peak at cuts " << atCuts / cuts << ", between beats " << between / betweenCount;
}

TEST(DemoSoundtrack, CfOnAudioDescriptorsBeatsTheUserMean)
{
    TL_REQUIRE_VIDEO();
    const auto& d = demo();
    const Split split = randomHoldout(d.data, 0.2, 42);
    EvalSettings settings;
    settings.ks = {10, 20, 30, 40, 50};
    settings.baselines = true;
    const auto result = evaluateSplit(d.data, split, {{"audio", &d.audio}}, settings);
    double userMean = 0, audio = 1e9;
    for (const auto& row : result.rows) {
        if (row.method == "user-mean")
            userMean = row.metrics.rmse;
        if (row.method == "audio")
            audio = std::min(audio, row.metrics.rmse);
    }
    std::cout << "RMSE: audio " << audio << ", user mean " << userMean << "\n";
    ASSERT_GT(userMean, 0);
    EXPECT_LT(audio, userMean - 0.05) << "audio " << audio << ", user mean " << userMean;
}

// The bytes and timestamps of every packet of a file's video stream.
std::string videoPackets(const std::filesystem::path& file)
{
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, file.string().c_str(), nullptr, nullptr) < 0)
        return "unreadable";
    video::InputFormatPtr format(raw);
    avformat_find_stream_info(format.get(), nullptr);
    const int stream = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    const AVRational base = format->streams[stream]->time_base;
    std::string out;
    video::PacketPtr packet = video::makePacket();
    while (av_read_frame(format.get(), packet.get()) >= 0) {
        if (packet->stream_index == stream) {
            out += std::to_string(av_rescale_q(packet->pts, base, {1, 1000})) + ":";
            out.append(reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size));
        }
        av_packet_unref(packet.get());
    }
    return out;
}

// Sound is added, nothing else changes: the same seed gives the same ratings,
// metadata and pictures (packet for packet) with and without soundtracks.
TEST(DemoSoundtrack, TheSoundChangesNeitherPicturesNorRatings)
{
    TL_REQUIRE_VIDEO();
    test::TempDir withSound, silent;
    DemoSpec spec;
    spec.items = 3;
    spec.users = 30;
    spec.width = 64;
    spec.height = 48;
    spec.minSeconds = spec.maxSeconds = 2;
    createDemoProject(withSound.path(), spec);
    spec.sound = false;
    createDemoProject(silent.path(), spec);
    for (const char* file : {"ratings.csv", "movies.csv", "properties.csv"})
        EXPECT_EQ(test::readFile(withSound / file), test::readFile(silent / file)) << file;
    for (int i = 1; i <= 3; ++i) {
        const auto clip = "clips/trailer_" + std::to_string(i) + ".mp4";
        const std::string packets = videoPackets(withSound / clip);
        EXPECT_GT(packets.size(), 1000u);
        EXPECT_EQ(packets, videoPackets(silent / clip)) << clip;
        EXPECT_TRUE(video::probeVideo(withSound / clip).hasAudio) << clip;
        EXPECT_FALSE(video::probeVideo(silent / clip).hasAudio) << clip;
    }
    EXPECT_NE(test::readFile(withSound / "README.txt").find("soundtrack"), std::string::npos);
    EXPECT_NE(test::readFile(silent / "README.txt").find("silent"), std::string::npos);
}

}  // namespace
}  // namespace tl

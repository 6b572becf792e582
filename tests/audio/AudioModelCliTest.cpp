// trailerlab-cli extract --model audio-torchscript:FILE, in-process, with TorchScript
// models saved by Debian's python3-torch at test time (skipped, saying so, without it):
// a model with a known answer (each patch's mean log-mel value and its loudest band) on
// tones at the centres of known mel bands gives the hand-computed pooled row; items
// without sound are listed, never rows; a missing file, models of the wrong output rank
// and misplaced options are refused with the reason.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/audio/AudioProfile.h"
#include "core/audio/LogMelPatches.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/AudioTorchScript.h"
#include "core/features/Sha256.h"
#include "tests/audio/WavWriter.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

namespace tl::audio {
namespace {

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

// stats.pt: [N,1,40,F] -> [N,2]: each patch's mean value and the band with the largest
// mean over the patch's frames. rank3.pt returns [N,1,40]; rank1.pt returns [N].
const char* kScript = R"PY(
import sys, torch
class Stats(torch.nn.Module):
    def forward(self, x):
        assert x.dim() == 4 and x.size(1) == 1 and x.size(2) == 40
        band = x.mean(dim=3)[:, 0, :].argmax(dim=1).to(torch.float32)
        return torch.stack([x.mean(dim=(1, 2, 3)), band], dim=1)
class Rank3(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=3)
class Rank1(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=(1, 2, 3))
torch.jit.script(Stats()).save(sys.argv[1] + "/stats.pt")
torch.jit.script(Rank3()).save(sys.argv[1] + "/rank3.pt")
torch.jit.script(Rank1()).save(sys.argv[1] + "/rank1.pt")
)PY";

// 32 spectrogram frames exactly: two patches of 16 frames cover every frame once.
constexpr std::size_t kToneSamples = kFrameSize + 31 * kHopSize;

class AudioModelCli : public ::testing::Test {
protected:
    // The models are made once for the suite (python3 importing torch takes seconds).
    static void SetUpTestSuite()
    {
        const std::string python = test::pythonWith("torch");
        if (python.empty())
            return;
        models_ = new test::TempDir;
        test::writeFile(*models_ / "make.py", kScript);
        made_ = std::system((python + " " + (*models_ / "make.py").string() + " " + models_->path().string()).c_str()) == 0;
    }
    static void TearDownTestSuite()
    {
        delete models_;
        models_ = nullptr;
    }

    void SetUp() override
    {
        if (!models_)
            GTEST_SKIP() << "no python3 with torch (Debian: apt install python3-torch): the TorchScript audio models "
                            "of this test cannot be made";
        TL_REQUIRE_VIDEO();
        ASSERT_TRUE(made_) << "python3 could not save the test models";
        for (const char* model : {"stats.pt", "rank3.pt", "rank1.pt"})
            std::filesystem::copy_file(*models_ / model, dir_ / model);
        // Tones at the centres of mel bands 12 and 25: there the band's filter is 1, its neighbours' 0.
        const std::vector<double> edges = melBandEdgesHz(kAudioSampleRate);
        const double seconds = static_cast<double>(kToneSamples) / kAudioSampleRate;
        wav::writeWav(dir_ / "b12.wav", kAudioSampleRate, 1, wav::toneS16(edges[13], kAudioSampleRate, seconds, 0.5));
        wav::writeWav(dir_ / "b25.wav", kAudioSampleRate, 1, wav::toneS16(edges[26], kAudioSampleRate, seconds, 0.2));
        video::ClipSpec spec;
        spec.codec = "mpeg4";
        spec.frames = 10;
        video::writeClip(dir_ / "mute.mp4", spec, video::test::paintIndex);
        test::writeFile(dir_ / "items.csv", "item_id,video_path\nb12,b12.wav\nmute,mute.mp4\nb25,b25.wav\n");
    }

    test::CliRun extract(const std::string& model, const std::string& out, std::vector<std::string> more = {})
    {
        std::vector<std::string> args{"extract", "--manifest", (dir_ / "items.csv").string(), "--model",
                                      model, "--out", (dir_ / out).string(), "--quiet"};
        args.insert(args.end(), more.begin(), more.end());
        return test::runCli(args);
    }

    static inline test::TempDir* models_ = nullptr;
    static inline bool made_ = false;
    test::TempDir dir_;
};

TEST_F(AudioModelCli, PooledRowsEqualTheHandComputedAnswer)
{
    const std::string model = "audio-torchscript:" + (dir_ / "stats.pt").string();
    const test::CliRun run = extract(model, "ts.csv", {"--patch-frames", "16", "--patch-hop", "16", "--batch", "1"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("no audio: mute"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("2 items x 2 features (mean pooling of 4 log-mel patches"), std::string::npos) << run.out;

    const std::string text = readText(dir_ / "ts.csv");
    EXPECT_EQ(text.substr(0, text.find('\n')), "item_id,audio-ts.d00,audio-ts.d01");
    const FeatureMatrix m = readFeatureMatrix(dir_ / "ts.csv");
    ASSERT_EQ(m.ids, (std::vector<std::string>{"b12", "b25"}));
    ASSERT_EQ(m.dims(), 2u);
    for (std::size_t r = 0; r < 2; ++r) {
        // The two patches cover the 32 frames once each, so the pooled mean is the mean of the
        // 40 log-mel bands over all frames: the descriptors' logmelBB_mean, averaged over bands.
        const AudioProfile p = describeAudioFile(dir_ / (m.ids[r] + ".wav"));
        double mean = 0;
        for (int b = 0; b < kMelBands; ++b)
            mean += p.values[static_cast<std::size_t>(b) * 5];  // logmelBB_mean
        mean /= kMelBands;
        EXPECT_NEAR(m.values(static_cast<Eigen::Index>(r), 0), mean, 1e-3) << m.ids[r];
        EXPECT_EQ(m.values(static_cast<Eigen::Index>(r), 1), r == 0 ? 12.0f : 25.0f) << m.ids[r];
    }

    EXPECT_EQ(readText(dir_ / "ts.no-audio.txt"), "mute\n");
    const auto meta = nlohmann::json::parse(readText(dir_ / "ts.meta.json"));
    const std::string sha = features::sha256File(dir_ / "stats.pt");
    EXPECT_EQ(meta.at("model"), "audio-torchscript:stats.pt");
    EXPECT_EQ(meta.at("weights_id"), sha);
    EXPECT_EQ(meta.at("provenance"), "pretrained:stats.pt sha256=" + sha);
    EXPECT_EQ(meta.at("input").at("sample_rate"), kAudioSampleRate);
    EXPECT_EQ(meta.at("input").at("mel_bands"), 40);
    EXPECT_EQ(meta.at("input").at("patch_frames"), 16);
    EXPECT_EQ(meta.at("input").at("tensor"), "float32 [N, 1, 40, 16]");
    EXPECT_EQ(meta.at("patches"), 4);
    ASSERT_EQ(meta.at("no_audio").size(), 1u);
    EXPECT_EQ(meta.at("no_audio")[0].at("item"), "mute");

    // Max pooling over the patches keeps the loudest band; the default patch shape (64 frames)
    // pads these 32-frame tracks with silence (-100 dB) to one patch, which lowers the mean.
    const test::CliRun max = extract(model, "max.npy", {"--pooling", "max"});
    ASSERT_EQ(max.code, 0) << max.err;
    const FeatureMatrix mm = readFeatureMatrix(dir_ / "max.npy");
    ASSERT_EQ(mm.ids, m.ids);
    EXPECT_EQ(mm.values(0, 1), 12.0f);
    EXPECT_EQ(mm.values(1, 1), 25.0f);
    for (Eigen::Index r = 0; r < 2; ++r)
        EXPECT_NEAR(mm.values(r, 0), (m.values(r, 0) * 32 + kLogMelFloorDb * 32) / 64, 1e-3);
}

// The model class alone on hand-made patches: silence with one loud band.
TEST_F(AudioModelCli, ModelOnHandMadePatchesAndPaddedBatches)
{
    features::AudioModelSpec spec;
    spec.file = dir_ / "stats.pt";
    spec.device = ComputeDevice::cpu();
    spec.frames = 8;
    features::AudioTorchScriptModel net(spec);
    EXPECT_EQ(net.featureDim(), 2u);
    EXPECT_EQ(net.name(), "audio-torchscript:stats.pt");
    EXPECT_EQ(net.provenance(), "pretrained:stats.pt sha256=" + features::sha256File(spec.file));
    // Patch 0: band 7 at 0 dB, the rest -100 dB; patch 1: band 31 at -20 dB.
    std::vector<float> patches(2 * 40 * 8, -100.0f);
    for (std::size_t f = 0; f < 8; ++f) {
        patches[7 * 8 + f] = 0.0f;
        patches[40 * 8 + 31 * 8 + f] = -20.0f;
    }
    for (std::size_t padTo : {0u, 2u, 5u}) {
        const RowMatrixF y = net.forward(patches.data(), 2, padTo);
        ASSERT_EQ(y.rows(), 2) << padTo;
        ASSERT_EQ(y.cols(), 2) << padTo;
        EXPECT_FLOAT_EQ(y(0, 0), -97.5f) << padTo;  // (39 x -100 + 0) / 40
        EXPECT_FLOAT_EQ(y(0, 1), 7.0f) << padTo;
        EXPECT_FLOAT_EQ(y(1, 0), -98.0f) << padTo;  // (39 x -100 - 20) / 40
        EXPECT_FLOAT_EQ(y(1, 1), 31.0f) << padTo;
    }
    spec.file = dir_ / "rank3.pt";
    EXPECT_THROW(features::AudioTorchScriptModel{spec}, ModelError);
}

TEST_F(AudioModelCli, BadModelsAndOptionsAreRefusedWithTheReason)
{
    const test::CliRun missing = extract("audio-torchscript:" + (dir_ / "nowhere.pt").string(), "a.csv");
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("nowhere.pt: no such file"), std::string::npos) << missing.err;

    for (const char* bad : {"rank3.pt", "rank1.pt"}) {
        const test::CliRun run = extract("audio-torchscript:" + (dir_ / bad).string(), "a.csv");
        EXPECT_EQ(run.code, 1) << bad;
        EXPECT_NE(run.err.find(bad), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("expected rank 2: [1, D]"), std::string::npos) << run.err;
        EXPECT_FALSE(std::filesystem::exists(dir_ / "a.csv"));
    }
    EXPECT_NE(extract("audio-torchscript:" + (dir_ / "rank3.pt").string(), "a.csv").err.find("shape [1, 1, 40]"),
              std::string::npos);

    const std::string stats = "audio-torchscript:" + (dir_ / "stats.pt").string();
    const test::CliRun fps = extract(stats, "a.csv", {"--fps", "2"});
    EXPECT_EQ(fps.code, 2);
    EXPECT_NE(fps.err.find("--fps does not apply to --model audio-torchscript:FILE"), std::string::npos) << fps.err;
    const test::CliRun patch = extract("audio", "a.csv", {"--patch-frames", "8"});
    EXPECT_EQ(patch.code, 2);
    EXPECT_NE(patch.err.find("--patch-frames applies only to --model audio-torchscript:FILE"), std::string::npos)
        << patch.err;
    const test::CliRun zero = extract(stats, "a.csv", {"--patch-hop", "0"});
    EXPECT_EQ(zero.code, 2);
    const test::CliRun txt = extract(stats, "a.txt");
    EXPECT_EQ(txt.code, 2);

    test::writeFile(dir_ / "items.csv", "item_id,video_path\nmute,mute.mp4\n");
    const test::CliRun mute = extract(stats, "a.csv");
    EXPECT_EQ(mute.code, 1);
    EXPECT_NE(mute.err.find("no video gave audio model features (1 without sound"), std::string::npos) << mute.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "a.csv"));

    const test::CliRun help = test::runCli({"extract", "--help"});
    EXPECT_NE(help.out.find("audio-torchscript:FILE"), std::string::npos);
    EXPECT_NE(help.out.find("--patch-frames"), std::string::npos);
}

}  // namespace
}  // namespace tl::audio

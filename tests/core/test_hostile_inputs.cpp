// Hostile and careless inputs, and faults: every case here once crashed, hung, lost
// results silently or wrote where it should not. Readers get malformed files; writers
// get a full disk (a small tmpfs, when running as root) and concurrent writers; project
// files try to write outside their folder; commands report what failed with a distinct
// exit status.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Ratings.h"
#include "core/experiment/Experiment.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureStore.h"
#include "core/features/MobileNetV2Weights.h"
#include "core/features/Safetensors.h"
#include "core/project/Import.h"
#include "core/project/Project.h"
#include "core/project/ProjectData.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#ifndef TRAILERLAB_NO_VIDEO
#include "core/video/ClipWriter.h"
#include "core/video/FrameSampler.h"
#include "core/video/Playback.h"
#include "core/video/VideoProbe.h"
extern "C" {
#include <libavutil/log.h>
}
#endif

namespace tl {
namespace {

namespace fs = std::filesystem;
using namespace tl::features;

using test::CliRun;
using test::runCli;

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

template <typename Fn>
std::string errorOf(Fn fn)
{
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("NOT A tl::Error: ") + e.what();
    }
    return "NO ERROR";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::size_t tempFilesIn(const fs::path& dir)
{
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".tmp" || contains(e.path().filename().string(), ".tmp"))
            ++n;
    return n;
}

// ---------------------------------------------------------------------------------------
// Feature store entries (issue point 1): short, long and NaN entries are rejected by
// name, moved aside and recomputed; itemProfileMatrix never copies a row of another size.

constexpr int kSize = 8;
constexpr std::size_t kDims = 4;

class TinyExtractor : public FeatureExtractor {
public:
    std::string name() const override { return "tiny"; }
    std::size_t featureDim() const override { return kDims; }
    int inputSize() const override { return kSize; }
    std::string provenance() const override { return "RANDOM WEIGHTS (test)"; }
    bool randomWeights() const override { return true; }
    std::string weightsId() const override { return "tiny"; }
    std::string deviceName() const override { return "cpu"; }
    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        RowMatrixF out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(kDims));
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t f = 0; f < kDims; ++f)
                out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) = frames[i * 3 * kSize * kSize + f];
        return out;
    }
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override { return {}; }
    std::vector<float> parameterValues(const std::string&) const override { return {}; }
};

// Video "vK" gives K + 2 frames whose first values encode (K, frame).
PipelineOptions tinyOptions(const fs::path& cache)
{
    PipelineOptions o;
    o.cacheDir = cache;
    o.sampler.inputSize = kSize;
    o.sampler.resizeShorterSide = kSize;
    o.source = [](const VideoItem& item, const FrameSink& sink, const JobContext&) {
        const int k = item.id[1] - '0';
        for (int j = 0; j < k + 2; ++j) {
            std::vector<float> chw(3 * kSize * kSize, 0.f);
            for (std::size_t f = 0; f < kDims; ++f)
                chw[f] = static_cast<float>(k * 10 + j) + 0.25f * static_cast<float>(f);
            sink(std::move(chw));
        }
        return 0;
    };
    return o;
}

struct StoreFixture {
    test::TempDir dir;
    std::vector<VideoItem> videos;
    StoreFixture()
    {
        for (int k = 1; k <= 3; ++k) {  // the store hashes the video files: give each its own bytes
            const fs::path file = dir / ("v" + std::to_string(k) + ".mp4");
            test::writeFile(file, "video " + std::to_string(k));
            videos.push_back({"v" + std::to_string(k), file});
        }
    }
    ExtractionResult run()
    {
        TinyExtractor extractor;
        return extractFeatures(extractor, videos, tinyOptions(dir / "cache"));
    }
    // Rewrites the store entry of video 2 with `mean` (max and std alike), metadata kept.
    fs::path damageEntry(const std::vector<float>& values)
    {
        for (const auto& e : fs::recursive_directory_iterator(dir / "cache")) {
            if (e.path().extension() != ".safetensors")
                continue;
            SafetensorsFile file = readSafetensors(e.path());
            if (file.metadata.at("item") != "v2")
                continue;
            const auto n = static_cast<std::int64_t>(values.size());
            file.tensors["mean"] = makeF32Tensor(values, {n});
            file.tensors["max"] = makeF32Tensor(values, {n});
            file.tensors["std"] = makeF32Tensor(values, {n});
            writeSafetensors(file, e.path());
            return e.path();
        }
        ADD_FAILURE() << "no store entry of v2";
        return {};
    }
};

void expectRejectedAndRecomputed(const std::vector<float>& damaged, const std::string& why)
{
    StoreFixture f;
    const ExtractionResult first = f.run();
    const FeatureMatrix expected = itemProfileMatrix(first);
    ASSERT_EQ(expected.rows(), 3u);
    const fs::path entry = f.damageEntry(damaged);

    const ExtractionResult second = f.run();
    ASSERT_EQ(second.videos.size(), 3u);
    const VideoOutcome& v2 = second.videos[1];
    EXPECT_TRUE(v2.ok);
    EXPECT_FALSE(v2.cached) << "the damaged entry was used";
    EXPECT_TRUE(contains(v2.storeProblem, entry.string())) << v2.storeProblem;  // names the entry
    EXPECT_TRUE(contains(v2.storeProblem, why)) << v2.storeProblem;
    EXPECT_TRUE(fs::exists(f.dir / "cache" / "rejected" / entry.filename()));
    EXPECT_TRUE(second.videos[0].cached);
    const FeatureMatrix again = itemProfileMatrix(second);
    EXPECT_EQ(again.ids, expected.ids);
    EXPECT_EQ(again.values, expected.values);

    const ExtractionResult third = f.run();  // the recomputed entry is good: all from the store
    EXPECT_EQ(third.cachedVideos, 3u);
    EXPECT_TRUE(third.videos[1].storeProblem.empty());
}

TEST(HostileStore, ShortEntryIsRejectedAndRecomputed)
{
    expectRejectedAndRecomputed({1, 2}, "holds 2 values, the model gives 4");
}

TEST(HostileStore, LongEntryIsRejectedAndRecomputed)
{
    expectRejectedAndRecomputed({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "holds 10 values, the model gives 4");
}

TEST(HostileStore, NanEntryIsRejectedByNameAndRecomputed)
{
    expectRejectedAndRecomputed({1, std::numeric_limits<float>::quiet_NaN(), 3, 4}, "non-finite");
}

TEST(HostileStore, EntryOfAnotherKeyIsRejected)
{
    StoreFixture f;
    f.run();
    for (const auto& e : fs::recursive_directory_iterator(f.dir / "cache")) {
        if (e.path().extension() != ".safetensors")
            continue;
        SafetensorsFile file = readSafetensors(e.path());
        file.metadata["model"] = "another model dim=4";
        writeSafetensors(file, e.path());
    }
    const ExtractionResult again = f.run();
    EXPECT_EQ(again.cachedVideos, 0u);
    for (const auto& v : again.videos)
        EXPECT_TRUE(contains(v.storeProblem, "\"model\"")) << v.storeProblem;
}

TEST(HostileStore, ItemProfileMatrixRefusesRowsOfAnotherLength)
{
    ExtractionResult r;
    r.videos.resize(2);
    r.videos[0].id = "a";
    r.videos[0].path = "a.mp4";
    r.videos[1].id = "b";
    r.videos[1].path = "b.mp4";
    r.videos[1].cached = true;
    r.profiles.push_back({"a", 1, std::vector<float>(1280, 1.f), std::vector<float>(1280), std::vector<float>(1280)});
    r.profiles.push_back({"b", 1, std::vector<float>(10, 1.f), std::vector<float>(10), std::vector<float>(10)});
    const std::string message = errorOf([&] { itemProfileMatrix(r); });
    EXPECT_TRUE(contains(message, "item b")) << message;
    EXPECT_TRUE(contains(message, "feature-store entry of b.mp4")) << message;
    EXPECT_TRUE(contains(message, "10 values")) << message;
    r.profiles[1].mean.assign(1280, std::numeric_limits<float>::infinity());
    EXPECT_TRUE(contains(errorOf([&] { itemProfileMatrix(r); }), "item b")) << errorOf([&] { itemProfileMatrix(r); });
}

// ---------------------------------------------------------------------------------------
// Feature values that overflow float32 (issue point 4).

TEST(HostileFeatures, ValuesThatOverflowFloat32AreRefusedWithLineAndItem)
{
    test::TempDir dir;
    test::writeFile(dir / "f.csv", "item_id,f1,f2\n1,0.5,1\n2,1e39,2\n");
    std::string m = errorOf([&] { readFeatureCsv(dir / "f.csv"); });
    EXPECT_TRUE(contains(m, "f.csv:3")) << m;
    EXPECT_TRUE(contains(m, "item 2")) << m;
    EXPECT_TRUE(contains(m, "non-finite")) << m;
    test::writeFile(dir / "g.csv", "item_id,f1,f2\n1,0.5,1\n2,-3e38,2\n");  // finite float, overflows the sums
    m = errorOf([&] { readFeatureCsv(dir / "g.csv"); });
    EXPECT_TRUE(contains(m, "g.csv:3")) << m;
    EXPECT_TRUE(contains(m, "1e30")) << m;
    test::writeFile(dir / "ok.csv", "item_id,f1\n1,1e29\n2,-1e-40\n");  // large but safe; denormal
    EXPECT_EQ(readFeatureCsv(dir / "ok.csv").rows(), 2u);
}

TEST(HostileFeatures, DuplicateIdsAreNamedWithFileAndLine)
{
    test::TempDir dir;
    test::writeFile(dir / "f.csv", "item_id,f1\n1,0.5\n2,1\n1,2\n");
    const std::string m = errorOf([&] { readFeatureCsv(dir / "f.csv"); });
    EXPECT_TRUE(contains(m, "f.csv:4")) << m;
    EXPECT_TRUE(contains(m, "first on line 2")) << m;
}

TEST(HostileFeatures, ZeroFeatureCsvIsRefused)
{
    test::TempDir dir;
    test::writeFile(dir / "f.csv", "1,\n");
    EXPECT_TRUE(contains(errorOf([&] { readFeatureCsv(dir / "f.csv"); }), "f.csv")) ;
}

// ---------------------------------------------------------------------------------------
// .npy headers (issue point 5): checked against the file before anything is allocated.

std::string npyBytes(const std::string& shape, const std::string& descr, std::size_t dataBytes, int version = 1,
                     std::uint32_t lengthOverride = 0)
{
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header += std::string((64 - (10 + header.size() + 1) % 64) % 64, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    const std::uint32_t length = lengthOverride ? lengthOverride : static_cast<std::uint32_t>(header.size());
    out += static_cast<char>(length & 0xff);
    out += static_cast<char>((length >> 8) & 0xff);
    if (version >= 2) {
        out += static_cast<char>((length >> 16) & 0xff);
        out += static_cast<char>(length >> 24);
    }
    return out + header + std::string(dataBytes, '\0');
}

std::string npyError(const std::string& bytes, std::size_t ids = 2)
{
    test::TempDir dir;
    test::writeFile(dir / "m.npy", bytes);
    std::string idsText;
    for (std::size_t i = 0; i < ids; ++i)
        idsText += "id" + std::to_string(i) + "\n";
    test::writeFile(dir / "m.ids.txt", idsText);
    return errorOf([&] { readFeatureNpy(dir / "m.npy"); });
}

TEST(HostileNpy, HeaderClaimingMoreThanTheFileFailsBeforeAllocating)
{
    const auto start = std::chrono::steady_clock::now();
    // 13.5 KB that claim 25e6 x 20 float64 (4 GB): used to take 4 GB and 23 s.
    const std::string m = npyError(npyBytes("(25000000, 20)", "<f8", 13500));
    EXPECT_TRUE(contains(m, "m.npy")) << m;
    EXPECT_TRUE(contains(m, "truncated data")) << m;
    EXPECT_TRUE(contains(m, "4000000000 bytes")) << m;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
}

TEST(HostileNpy, HugeAndOverflowingShapesNameTheFile)
{
    std::string m = npyError(npyBytes("(1000000000000, 2)", "<f4", 64));
    EXPECT_TRUE(contains(m, "m.npy") && contains(m, "truncated data")) << m;  // not std::bad_alloc
    m = npyError(npyBytes("(4611686018427387904, 8)", "<f8", 64));
    EXPECT_TRUE(contains(m, "m.npy") && contains(m, "overflows")) << m;
    m = npyError(npyBytes("(2, x)", "<f4", 64));
    EXPECT_TRUE(contains(m, "shape entry 'x'")) << m;
}

TEST(HostileNpy, HeaderLengthBeyondTheFileIsRefused)
{
    const std::string m = npyError(npyBytes("(2, 2)", "<f4", 16, 2, 0xFFFFFFF0u));
    EXPECT_TRUE(contains(m, "m.npy") && contains(m, "header length 4294967280 exceeds the file")) << m;
}

TEST(HostileNpy, EmptyArraysAreRefusedAsCsvOnesAre)
{
    EXPECT_TRUE(contains(npyError(npyBytes("(0, 4)", "<f4", 0), 0), "empty array")) << npyError(npyBytes("(0, 4)", "<f4", 0), 0);
    EXPECT_TRUE(contains(npyError(npyBytes("(2, 0)", "<f4", 0)), "empty array"));
}

TEST(HostileNpy, DuplicateIdsNameTheSidecarLine)
{
    test::TempDir dir;
    test::writeFile(dir / "m.npy", npyBytes("(2, 1)", "<f4", 8));
    test::writeFile(dir / "m.ids.txt", "a\na\n");
    const std::string m = errorOf([&] { readFeatureNpy(dir / "m.npy"); });
    EXPECT_TRUE(contains(m, "m.ids.txt:2") && contains(m, "listed twice")) << m;
}

// ---------------------------------------------------------------------------------------
// Safetensors shapes whose element count overflows (UBSan: signed overflow in numel).

TEST(HostileSafetensors, OverflowingShapesAreAnErrorNotUndefinedBehaviour)
{
    RawTensor t;
    t.dtype = "F32";
    t.shape = {std::int64_t(1) << 40, std::int64_t(1) << 40};
    EXPECT_THROW(t.numel(), ModelError);
    test::TempDir dir;
    const std::string header = R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}})";
    std::string bytes(8, '\0');
    for (std::size_t i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    test::writeFile(dir / "w.safetensors", bytes + header);
    const std::string m = errorOf([&] { readSafetensors(dir / "w.safetensors"); });
    EXPECT_TRUE(contains(m, "w.safetensors") && contains(m, "overflows")) << m;
}

// A shape or offset written as a float (2.2e31) or a negative offset: a named error, not a
// cast beyond the integer's range (found by fuzz_store_entry).
TEST(HostileSafetensors, NonIntegerShapesAndOffsetsAreAnError)
{
    test::TempDir dir;
    const auto write = [&](const std::string& name, const std::string& header) {
        std::string bytes(8, '\0');
        for (std::size_t i = 0; i < 8; ++i)
            bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
        test::writeFile(dir / name, bytes + header);
        return errorOf([&] { readSafetensors(dir / name); });
    };
    const std::string a = write("a.safetensors", R"({"w":{"dtype":"F32","shape":[2.2e31,32],"data_offsets":[0,0]}})");
    EXPECT_TRUE(contains(a, "a.safetensors") && contains(a, "shape") && contains(a, "not a whole number")) << a;
    const std::string b = write("b.safetensors", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}})");
    EXPECT_TRUE(contains(b, "data_offsets") && contains(b, "not a whole number")) << b;
    const std::string c = write("c.safetensors", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})");
    EXPECT_TRUE(contains(c, "negative data offset")) << c;
}

// ---------------------------------------------------------------------------------------
// Non-regular files (issue point 6): FIFOs are refused, never opened.

TEST(HostileFiles, FifosAreRefusedByEveryReader)
{
    test::TempDir dir;
    ASSERT_EQ(::mkfifo((dir / "f.csv").c_str(), 0600), 0);
    ASSERT_EQ(::mkfifo((dir / "w.safetensors").c_str(), 0600), 0);
    ASSERT_EQ(::mkfifo((dir / "trailer.mp4").c_str(), 0600), 0);
    EXPECT_TRUE(contains(errorOf([&] { readFeatureCsv(dir / "f.csv"); }), "not a regular file"));
    EXPECT_TRUE(contains(errorOf([&] { readSafetensors(dir / "w.safetensors"); }), "not a regular file"));
    Dataset d;
    EXPECT_TRUE(contains(errorOf([&] { readRatings(dir / "f.csv", d, {}); }), "not a regular file"));
    std::vector<ManifestEntry> entries{{"1", dir / "trailer.mp4", 2}, {"2", dir / "missing.mp4", 3}};
    const auto problems = checkManifestVideos(entries);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_TRUE(contains(problems[0].reason, "not a regular file"));
    EXPECT_EQ(problems[1].reason, "file not found");
#ifndef TRAILERLAB_NO_VIDEO
    EXPECT_TRUE(contains(errorOf([&] { video::probeVideo(dir / "trailer.mp4"); }), "not a regular file"));
    // The trailer player's sound track is opened with the same guards.
    EXPECT_TRUE(contains(errorOf([&] { video::PlaybackAudio(dir / "trailer.mp4", 48000, 2, 0.0); }),
                         "not a regular file"));
#endif
}

TEST(HostileFiles, AFifoInAVideoFolderIsReportedByName)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    ASSERT_EQ(::mkfifo((dir / "trailer.mp4").c_str(), 0600), 0);
    // A folder of videos: the FIFO is reported by name, not skipped in silence.
    const CliRun r = runCli({"extract", "--videos", dir.path().string(), "--random-weights", "1", "--device", "cpu",
                             "--out", (dir / "out.csv").string(), "--quiet"});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "trailer.mp4") && contains(r.err, "not a regular file")) << r.err;
}

TEST(HostileFiles, ManifestReportsEveryMissingFileWithItsLine)
{
    test::TempDir dir;
    std::string manifest = "item_id,video\n";
    constexpr int kRows = 3000;
    for (int i = 0; i < kRows; ++i)
        manifest += std::to_string(i) + ",missing/" + std::to_string(i) + ".mp4\n";
    test::writeFile(dir / "items.csv", manifest);
    const auto start = std::chrono::steady_clock::now();
    const CliRun r = runCli({"extract", "--manifest", (dir / "items.csv").string(), "--random-weights", "1",
                             "--device", "cpu", "--out", (dir / "mip.npy").string(), "--quiet"});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.code, cli::kExitError);
    EXPECT_TRUE(contains(r.err, "none of its 3000 videos can be used")) << r.err.substr(r.err.size() - 300);
    std::size_t reported = 0;
    for (std::size_t at = 0; (at = r.err.find("items.csv:", at)) != std::string::npos; ++at)
        ++reported;
    EXPECT_GE(reported, static_cast<std::size_t>(kRows));  // each missing file, with its manifest line
    EXPECT_TRUE(contains(r.err, "items.csv:3001): file not found"));
    EXPECT_LT(seconds, 20.0);  // generous: a stat per row (the old path took 0.7 ms a row, plus the model)
}

// ---------------------------------------------------------------------------------------
// Writers: one atomic helper, unique temporary names (issue points 2 and 3).

TEST(HostileWrites, ConcurrentWritersOfOneFileNeverCollide)
{
    test::TempDir dir;
    FeatureMatrix m;
    m.ids = {"a", "b"};
    m.values = RowMatrixF::Constant(2, 3, 1.f);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            FeatureMatrix mine = m;
            mine.values.array() += static_cast<float>(t);
            for (int i = 0; i < 25; ++i) {
                try {
                    writeFeatureMatrix(mine, dir / "out.npy");
                    writeFileAtomically(dir / "out.meta.json", std::string(1000 + t, 'x'));
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0);
    const FeatureMatrix back = readFeatureMatrix(dir / "out.npy");  // one writer's whole file
    EXPECT_EQ(back.values, RowMatrixF::Constant(2, 3, back.values(0, 0)));
    EXPECT_EQ(tempFilesIn(dir.path()), 0u);
}

TEST(HostileWrites, ThrowingWriterLeavesTheOldFileAndNoTemporary)
{
    test::TempDir dir;
    writeFileAtomically(dir / "r.csv", std::string("old\n"));
    EXPECT_THROW(writeFileAtomically(dir / "r.csv",
                                     [](std::ostream& out) {
                                         out << "half";
                                         throw DataError("x", 0, "stop");
                                     }),
                 WriteError);
    EXPECT_EQ(slurp(dir / "r.csv"), "old\n");
    EXPECT_EQ(tempFilesIn(dir.path()), 0u);
    ASSERT_EQ(::mkfifo((dir / "pipe.csv").c_str(), 0600), 0);
    EXPECT_THROW(writeFileAtomically(dir / "pipe.csv", std::string("x")), WriteError);
}

// A 64 KiB tmpfs, mounted when the test runs as root (skipped otherwise).
class FullDisk : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (::geteuid() != 0)
            GTEST_SKIP() << "the full-disk cases need root (they mount a 64 KiB tmpfs)";
        if (::mount("tmpfs", mount_.path().c_str(), "tmpfs", 0, "size=64k") != 0)
            GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << ")";
        mounted_ = true;
        // Fill it to the last few bytes.
        std::FILE* f = std::fopen((disk() / "filler").c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::vector<char> block(4096, 'f');
        while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
        }
        std::fclose(f);
    }
    void TearDown() override
    {
        if (mounted_)
            ::umount(mount_.path().c_str());
    }
    fs::path disk() const { return mount_.path(); }

    test::TempDir mount_;
    bool mounted_ = false;
};

TEST_F(FullDisk, EvaluateOutFailsLoudlyAndLeavesNothing)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(runCli({"synth", "--out", data, "--users", "40", "--items", "30", "--ratings", "600", "--features", "4",
                      "--seed", "3"})
                  .code,
              0);
    const CliRun r = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                             data + "/features.csv", "--k", "5", "--baselines", "--out",
                             (disk() / "r.csv").string(), "--quiet"});
    EXPECT_EQ(r.code, cli::kExitError) << r.err;
    EXPECT_TRUE(contains(r.err, "r.csv") && contains(r.err, "disk is full")) << r.err;
    EXPECT_FALSE(contains(r.err, "wrote")) << r.err;
    EXPECT_FALSE(fs::exists(disk() / "r.csv"));
    EXPECT_EQ(tempFilesIn(disk()), 0u);
}

TEST_F(FullDisk, ExperimentReportAndFeatureFilesFailLoudly)
{
    ExperimentReport report;
    report.project = "full";
    report.results.rows.push_back({"user-mean", 0, Metrics{}});
    report.table = bestPerMethod(report.results.rows);
    const std::string m = errorOf([&] { writeExperimentReport(report, disk() / "reports"); });
    EXPECT_TRUE(contains(m, "disk is full")) << m;
    FeatureMatrix big;
    big.ids = {"a"};
    big.values = RowMatrixF::Constant(1, 100000, 0.5f);
    EXPECT_THROW(writeFeatureMatrix(big, disk() / "mip.npy"), WriteError);
    EXPECT_FALSE(fs::exists(disk() / "mip.npy"));
    EXPECT_EQ(tempFilesIn(disk()), 0u);
}

// ---------------------------------------------------------------------------------------
// Project files (issue points 5 and 7): confinement and validation, field named.

fs::path writeProject(const test::TempDir& dir, const std::string& extra)
{
    const fs::path file = dir / "p.trailerlab.json";
    test::writeFile(file, R"({"format": "trailerlab-project", "version": 1, "ratings": "ratings.csv")" + extra + "}");
    return file;
}

TEST(HostileProject, CacheOutsideTheFolderIsRefusedUnlessGivenOnTheCommandLine)
{
    test::TempDir dir, elsewhere;
    std::string m = errorOf([&] { loadProject(writeProject(dir, R"(, "cache": ")" + elsewhere.path().string() + "/c\""));});
    EXPECT_TRUE(contains(m, "field \"cache\"") && contains(m, "outside the project folder")) << m;
    EXPECT_TRUE(contains(m, "--cache")) << m;
    m = errorOf([&] { loadProject(writeProject(dir, R"(, "cache": "../../etc/trailerlab")")); });
    EXPECT_TRUE(contains(m, "field \"cache\"")) << m;
    fs::create_symlink(elsewhere.path(), dir / "link");  // a link inside the folder that leads out
    m = errorOf([&] { loadProject(writeProject(dir, R"(, "cache": "link/cache")")); });
    EXPECT_TRUE(contains(m, "field \"cache\"")) << m;

    ProjectLoadOptions given;
    given.cache = elsewhere / "cache";
    EXPECT_EQ(loadProject(writeProject(dir, R"(, "cache": "/etc/x")"), given).cache, elsewhere / "cache");
    EXPECT_EQ(loadProject(writeProject(dir, R"(, "cache": "sub/cache")")).cache, dir / "sub" / "cache");

    // The command refuses before creating anything.
    const CliRun r = runCli({"experiment", writeProject(dir, R"(, "cache": ")" + elsewhere.path().string() + "/c\"").string(), "--quiet"});
    EXPECT_EQ(r.code, cli::kExitError);
    EXPECT_FALSE(fs::exists(elsewhere / "c"));
}

TEST(HostileProject, TheCacheAskedForOutsideTheFolderIsNamedForConfirmation)
{
    test::TempDir dir, elsewhere;
    EXPECT_EQ(requestedCacheOutsideFolder(writeProject(dir, R"(, "cache": ")" + elsewhere.path().string() + "/c\"")),
              elsewhere / "c");
    EXPECT_TRUE(requestedCacheOutsideFolder(writeProject(dir, R"(, "cache": "sub/cache")")).empty());
    EXPECT_TRUE(requestedCacheOutsideFolder(writeProject(dir, "")).empty());
    EXPECT_EQ(requestedCacheOutsideFolder(writeProject(dir, R"(, "cache": "../x")")), (dir.path().parent_path() / "x"));
    test::writeFile(dir / "broken.json", "{\"cache\": ");
    EXPECT_TRUE(requestedCacheOutsideFolder(dir / "broken.json").empty());  // loadProject names the problem
}

TEST(HostileProject, ReadsOutsideTheFolderAreListed)
{
    test::TempDir dir, data;
    const Project p = loadProject(writeProject(dir, R"(, "items": ")" + (data / "u.item").string() + "\""));
    const auto outside = readsOutsideFolder(p);
    ASSERT_EQ(outside.size(), 1u);
    EXPECT_EQ(outside[0], "items: " + (data / "u.item").string());

    // The workbench's project data carries the same list, which the window shows on opening.
    test::writeFile(dir / "ratings.csv", "1,1,4\n1,2,3\n2,1,5\n");
    EXPECT_EQ(tl::loadProjectData(p)->readsOutside, outside);
}

TEST(HostileProject, BadValuesNameTheField)
{
    test::TempDir dir;
    const std::pair<std::string, std::string> cases[] = {
        {R"(, "models": [])", "field \"models\""},        {R"(, "fps": [])", "field \"fps\""},
        {R"(, "fps": [0])", "field \"fps\""},             {R"(, "fps": ["2"])", "field \"fps\""},
        {R"(, "seed": 1.5)", "field \"seed\""},           {R"(, "seed": -1)", "field \"seed\""},
        {R"(, "k": "ten")", "field \"k\""},               {R"(, "split": "half")", "field \"split\""},
        {R"(, "name": 7)", "field \"name\""},             {R"(, "ratings_format": "xml")", "field \"ratings_format\""},
    };
    for (const auto& [extra, field] : cases) {
        const std::string m = errorOf([&] { loadProject(writeProject(dir, extra)); });
        EXPECT_TRUE(contains(m, field) && contains(m, "p.trailerlab.json")) << extra << " -> " << m;
    }
    test::writeFile(dir / "v.json", R"({"format": "trailerlab-project", "version": 99, "ratings": "r.csv"})");
    const std::string m = errorOf([&] { loadProject(dir / "v.json"); });
    EXPECT_TRUE(contains(m, "field \"version\"") && contains(m, "99")) << m;
}

TEST(HostileProject, NumberTooLargeForADoubleIsADataError)  // found by fuzz_project
{
    test::TempDir dir;
    const std::string m = errorOf([&] { loadProject(writeProject(dir, R"(, "seed": 22222e0000000000000000000000001695989186421)")); });
    EXPECT_TRUE(contains(m, "p.trailerlab.json") && contains(m, "number overflow")) << m;
}

TEST(HostileProject, TruncatedFileNamesTheLineAndWhatToDo)
{
    test::TempDir dir;
    test::writeFile(dir / "t.json", "{\n  \"format\": \"trailerlab-project\",\n  \"version\": 1,\n  \"ratings\": \"r.c");
    try {
        loadProject(dir / "t.json");
        FAIL() << "a truncated project loaded";
    } catch (const DataError& e) {
        EXPECT_EQ(e.line(), 4u) << e.what();
        EXPECT_TRUE(contains(e.what(), "truncated")) << e.what();
        EXPECT_TRUE(contains(e.what(), "restore")) << e.what();
    }
}

// ---------------------------------------------------------------------------------------
// Smaller ones (issue point 8).

TEST(HostileImport, RandomBytesAsRatingsAreAnErrorNamingTheFile)
{
    test::TempDir dir;
    std::string noise;
    std::uint32_t x = 12345;
    for (int i = 0; i < 4000; ++i) {
        x = x * 1664525u + 1013904223u;
        noise += static_cast<char>(x >> 24);
    }
    test::writeFile(dir / "u.data", noise);
    test::writeFile(dir / "u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    ImportOptions options;
    options.movielensDir = dir.path();
    options.projectFile = dir / "p.trailerlab.json";
    const std::string m = errorOf([&] { importMovieLens(options); });
    EXPECT_TRUE(contains(m, "u.data")) << m;
    EXPECT_FALSE(fs::exists(dir / "p.trailerlab.json"));
}

TEST(HostileOnnx, EmptyFileSaysSo)
{
    if (!onnxSupportBuilt())
        GTEST_SKIP() << "no ONNX support in this build";
    test::TempDir dir;
    test::writeFile(dir / "m.onnx", "");
    const std::string m = errorOf([&] { loadMobileNetV2Onnx(dir / "m.onnx"); });
    EXPECT_TRUE(contains(m, "empty file")) << m;
    EXPECT_FALSE(contains(m, "QuantizeLinear")) << m;
}

TEST(HostileCli, EveryCommandDocumentsItsExitStatuses)
{
    for (const auto& command : cli::commands()) {
        const CliRun r = runCli({command.name, "--help"});
        EXPECT_EQ(r.code, 0) << command.name;
        EXPECT_TRUE(contains(r.out, "exit status:")) << command.name;
        EXPECT_TRUE(contains(r.out, "  3    ")) << command.name;
    }
    for (const std::string name : {"extract", "experiment", "merge", "import"})
        EXPECT_TRUE(contains(runCli({name, "--help"}).out, "--max-failed N")) << name;
}

#ifndef TRAILERLAB_NO_VIDEO
// A 64 x 48 MPEG-4 clip of `frames` frames at 5 fps whose pixels change every frame.
void writeSmallClip(const fs::path& file, int frames)
{
    video::ClipSpec spec;
    spec.codec = "mpeg4";
    spec.width = 64;
    spec.height = 48;
    spec.frames = frames;
    spec.fps = 5;
    spec.threads = 1;
    video::writeClip(file, spec, [](int i, int w, int h, std::vector<std::uint8_t>& rgb) {
        for (int p = 0; p < w * h * 3; ++p)
            rgb[static_cast<std::size_t>(p)] = static_cast<std::uint8_t>((p * 7 + i * 13) % 256);
    });
}

TEST(HostileCli, QuietSilencesFfmpegsLog)
{
    av_log_set_level(AV_LOG_INFO);
    std::ostringstream sink;
    { cli::ConsoleProgress quiet(sink, true); }
    EXPECT_EQ(av_log_get_level(), AV_LOG_QUIET);
    { cli::ConsoleProgress talkative(sink, false); }
    EXPECT_EQ(av_log_get_level(), AV_LOG_ERROR);
}

// Extraction with a FIFO and a missing file among good videos: finishes, reports each, exit 3.
TEST(HostileCli, ExtractWithSomeFailedVideosExitsThreeAndHonoursMaxFailed)
{
    test::TempDir dir;
    writeSmallClip(dir / "good.mp4", 10);
    ASSERT_EQ(::mkfifo((dir / "fifo.mp4").c_str(), 0600), 0);
    test::writeFile(dir / "items.csv", "item_id,video\n1,good.mp4\n2,fifo.mp4\n3,gone.mp4\n");
    const std::vector<std::string> base{"extract", "--manifest", (dir / "items.csv").string(), "--random-weights",
                                        "3", "--device", "cpu", "--fps", "1", "--quiet", "--out"};
    auto args = base;
    args.push_back((dir / "mip.npy").string());
    const CliRun r = runCli(args);
    EXPECT_EQ(r.code, cli::kExitSomeFailed) << r.err;
    EXPECT_TRUE(contains(r.err, "items.csv:3): not a regular file")) << r.err;
    EXPECT_TRUE(contains(r.err, "items.csv:4): file not found")) << r.err;
    EXPECT_TRUE(contains(r.err, "2 of 3 videos failed")) << r.err;
    EXPECT_EQ(readFeatureMatrix(dir / "mip.npy").ids, std::vector<std::string>{"1"});
    EXPECT_TRUE(contains(slurp(dir / "mip.meta.json"), "\"manifest_line\": 3"));

    args = base;
    args.insert(args.end(), {(dir / "mip2.npy").string(), "--max-failed", "1"});
    const CliRun strict = runCli(args);
    EXPECT_EQ(strict.code, cli::kExitError) << strict.err;
    EXPECT_TRUE(fs::exists(dir / "mip2.npy"));  // results are written either way
    args = base;
    args.insert(args.end(), {(dir / "mip3.npy").string(), "--max-failed", "2"});
    EXPECT_EQ(runCli(args).code, cli::kExitSomeFailed);
}

TEST(HostileVideo, TruncatedAviIsCountedAsAWarning)
{
    test::TempDir dir;
    writeSmallClip(dir / "whole.avi", 50);
    const std::string bytes = slurp(dir / "whole.avi");
    test::writeFile(dir / "cut.avi", bytes.substr(0, bytes.size() * 6 / 10));
    video::SamplerOptions options;
    options.fps = 5;
    const video::FrameSampler sampler(options);
    const auto sink = [](video::SampledFrame&&) {};
    EXPECT_FALSE(sampler.run(dir / "whole.avi", sink).warnings.truncated);
    const auto cut = sampler.run(dir / "cut.avi", sink);  // used to pass with "warnings: 0"
    EXPECT_TRUE(cut.warnings.truncated);
    EXPECT_GT(cut.warnings.total(), 0);
}

TEST(HostileVideo, OpeningAndProbingAreBoundedInTime)
{
    test::TempDir dir;
    writeSmallClip(dir / "c.mp4", 3);
    EXPECT_NO_THROW(video::probeVideo(dir / "c.mp4"));
    ::setenv("TRAILERLAB_OPEN_TIMEOUT", "0.000000001", 1);  // every open now runs past its limit
    const std::string m = errorOf([&] { video::probeVideo(dir / "c.mp4"); });
    ::unsetenv("TRAILERLAB_OPEN_TIMEOUT");
    EXPECT_TRUE(contains(m, "c.mp4") && contains(m, "took longer than")) << m;
}
#endif

}  // namespace
}  // namespace tl

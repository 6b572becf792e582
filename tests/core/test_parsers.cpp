// The one parser of each concept a project file, an option or a view names: K
// lists (parseIntList), splits (parseSplitSpec + makeSplit/makeSplits) and
// compute devices (ComputeDevice). Known answers for each grammar and its
// errors, and regression tests for the places that used to parse them apart
// and disagree: the workbench's project loader against the experiment runner,
// and the three CLI commands that take --device.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "core/cf/DeviceNeighbours.h"
#include "core/common/ComputeDevice.h"
#include "core/common/Error.h"
#include "core/common/Lists.h"
#include "core/data/Split.h"
#include "core/data/SyntheticData.h"
#include "core/experiment/Experiment.h"
#include "core/features/FeatureExtractor.h"
#include "core/project/ProjectData.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using test::runCli;

std::vector<int> range(int from, int to, int step = 1)
{
    std::vector<int> v;
    for (int k = from; k <= to; k += step)
        v.push_back(k);
    return v;
}

std::string errorOf(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no ConfigError)";
}

// --- K lists ---------------------------------------------------------------

TEST(KList, KnownAnswers)
{
    EXPECT_EQ(parseIntList("50", "K"), (std::vector<int>{50}));
    EXPECT_EQ(parseIntList("10,20,50", "K"), (std::vector<int>{10, 20, 50}));
    EXPECT_EQ(parseIntList("50,10,10", "K"), (std::vector<int>{10, 50}));
    EXPECT_EQ(parseIntList("10:50:20", "K"), (std::vector<int>{10, 30, 50}));
    EXPECT_EQ(parseIntList("10:55:20", "K"), (std::vector<int>{10, 30, 50}));  // TO itself only when on the step
    EXPECT_EQ(parseIntList("10:100", "K"), range(10, 100));                    // FROM:TO steps by 1
    EXPECT_EQ(parseIntList("10:100:10", "K"), range(10, 100, 10));
    EXPECT_EQ(parseIntList("5:5", "K"), (std::vector<int>{5}));
    EXPECT_EQ(parseIntList("10:30:10,25", "K"), (std::vector<int>{10, 20, 25, 30}));  // terms mix, sorted
    EXPECT_EQ(parseIntList(" 10 , 20:22 ", "K"), (std::vector<int>{10, 20, 21, 22}));  // spaces around numbers
    EXPECT_EQ(parseIntList("1000000", "K"), (std::vector<int>{1000000}));
}

TEST(KList, ErrorsNameTheTextAndTheFault)
{
    struct Case {
        const char* text;
        const char* says;
    };
    for (const Case& c : {Case{"", "empty"}, Case{"  ", "empty"}, Case{"0", "0 is out of range (1 to 1000000)"},
                          Case{"1000001", "out of range"}, Case{"-5", "-5 is out of range"},
                          Case{"+5", "'+5' is not a whole number"}, Case{"5.0", "'5.0' is not a whole number"},
                          Case{"a,b", "'a' is not a whole number"}, Case{"10,,20", "'' is not a whole number"},
                          Case{"10,", "'' is not a whole number"}, Case{"10:", "'' (TO of '10:')"},
                          Case{":10", "'' (FROM of ':10')"}, Case{"10:x", "'x' (TO of '10:x')"},
                          Case{"10:20:0", "0 (STEP of '10:20:0') is out of range"},
                          Case{"10:5", "the range '10:5' runs backwards"},
                          Case{"1:2:3:4", "'1:2:3:4' has more than FROM:TO:STEP"}}) {
        const std::string message = errorOf([&] { (void)parseIntList(c.text, "option --k"); });
        EXPECT_EQ(message.rfind(std::string("option --k '") + c.text + "': ", 0), 0u) << message;
        EXPECT_NE(message.find(c.says), std::string::npos) << c.text << ": " << message;
    }
}

// A small project: synthetic ratings and genres, no videos (so an experiment runs
// the genre CF and the baselines only, in a fraction of a second).
Project smallProject(const test::TempDir& dir, const std::string& k, const std::string& split)
{
    SyntheticSpec spec;
    spec.users = 60, spec.items = 30, spec.ratings = 600, spec.features = 0, spec.seed = 5;
    writeSynthetic(generateSynthetic(spec), spec, dir / "data");
    Project project;
    project.name = "parsers";
    project.file = dir / "p.trailerlab.json";
    project.ratings = dir / "data" / "ratings.csv";
    project.items = dir / "data" / "movies.csv";
    project.k = k;
    project.split = split;
    project.cache = dir / "cache";
    return project;
}

std::set<int> reportedKs(const std::filesystem::path& resultsJson)
{
    std::ifstream in(resultsJson);
    const auto doc = nlohmann::json::parse(in);
    std::set<int> ks;
    for (const auto& row : doc.at("rows"))
        if (row.at("k").get<int>() > 0)
            ks.insert(row.at("k").get<int>());
    return ks;
}

// The disagreement: a project file with k "10:100" passed the file's validation and
// `trailerlab-cli experiment`, but the workbench's loader refused it.
TEST(KList, ProjectFileLoadsTheSameInTheWorkbenchAndTheExperiment)
{
    test::TempDir dir;
    Project project = smallProject(dir, "10:100", "holdout:0.2");
    saveProject(project, project.file);

    const Project loaded = loadProject(project.file);
    const auto data = loadProjectData(loaded);
    EXPECT_EQ(data->ks, range(10, 100));

    const auto run = runCli({"experiment", project.file.string(), "--out", (dir / "report").string(), "--quiet"});
    ASSERT_EQ(run.code, 0) << run.err;
    const std::set<int> expected(data->ks.begin(), data->ks.end());
    EXPECT_EQ(reportedKs(dir / "report" / "results.json"), expected);
}

// The CLI's --k and the project's "k" are the same grammar with the same errors.
TEST(KList, OptionAndProjectFieldAgree)
{
    EXPECT_EQ(cli::parseIntList("10:100", "k"), parseIntList("10:100", "K range"));
    try {
        (void)cli::parseIntList("10:5", "k");
        FAIL() << "10:5 accepted";
    } catch (const cli::UsageError& e) {
        EXPECT_EQ(std::string(e.what()), errorOf([] { (void)parseIntList("10:5", "option --k"); }));
    }
}

// --- splits ----------------------------------------------------------------

TEST(SplitSpecParse, KnownAnswers)
{
    using K = SplitSpec::Kind;
    EXPECT_EQ(parseSplitSpec("holdout:0.2"), (SplitSpec{K::Holdout, 0.2, 5}));
    EXPECT_EQ(parseSplitSpec("holdout:.25"), (SplitSpec{K::Holdout, 0.25, 5}));
    EXPECT_EQ(parseSplitSpec("holdout:2e-1"), (SplitSpec{K::Holdout, 0.2, 5}));
    EXPECT_EQ(parseSplitSpec("peruser:0.1"), (SplitSpec{K::PerUser, 0.1, 5}));
    EXPECT_EQ(parseSplitSpec("kfold:2"), (SplitSpec{K::KFold, 0.2, 2}));
    EXPECT_EQ(parseSplitSpec("kfold:100"), (SplitSpec{K::KFold, 0.2, 100}));
    EXPECT_EQ(parseSplitSpec("kfold:5.0"), (SplitSpec{K::KFold, 0.2, 5}));
    EXPECT_EQ(parseSplitSpec("kfold:1e1"), (SplitSpec{K::KFold, 0.2, 10}));
    EXPECT_EQ(parseSplitSpec(" kfold : 5 "), (SplitSpec{K::KFold, 0.2, 5}));
}

TEST(SplitSpecParse, ErrorsNameTheTextAndTheFault)
{
    struct Case {
        const char* text;
        const char* says;
    };
    for (const Case& c :
         {Case{"", "no ':'"}, Case{"holdout", "no ':'"}, Case{"holdout:", "the ratio '' is not"},
          Case{"holdout:0", "the ratio '0' is not a number strictly between 0 and 1"}, Case{"holdout:1", "'1'"},
          Case{"holdout:1.5", "'1.5'"}, Case{"peruser:x", "the ratio 'x'"}, Case{"holdout:nan", "'nan'"},
          Case{"holdout:0x0.4", "'0x0.4'"}, Case{"holdout:0.2:3", "'0.2:3'"},
          Case{"kfold:1", "the fold count '1' is not a whole number from 2 to 100"}, Case{"kfold:101", "'101'"},
          Case{"kfold:200", "the fold count '200' is not a whole number from 2 to 100"}, Case{"kfold:2.5", "'2.5'"},
          Case{"kfold:5abc", "'5abc'"}, Case{"kfold:0x10", "'0x10'"}, Case{"kfold:", "''"},
          Case{"random:0.2", "unknown kind 'random'"}, Case{"Holdout:0.2", "unknown kind 'Holdout'"}}) {
        const std::string message = errorOf([&] { (void)parseSplitSpec(c.text); });
        EXPECT_EQ(message.rfind(std::string("split '") + c.text + "': ", 0), 0u) << message;
        EXPECT_NE(message.find(c.says), std::string::npos) << c.text << ": " << message;
        EXPECT_NE(message.find("expected holdout:RATIO"), std::string::npos) << message;
    }
}

// makeSplit computes a k-fold spec's first fold alone; it must be makeSplits' first.
TEST(SplitMake, FirstSplitEqualsTheFirstOfAll)
{
    SyntheticSpec spec;
    spec.users = 60, spec.items = 30, spec.ratings = 401, spec.features = 0, spec.seed = 2;
    const Dataset data = generateSynthetic(spec).dataset;
    for (const char* text : {"holdout:0.3", "peruser:0.25", "kfold:2", "kfold:7", "kfold:100"}) {
        const SplitSpec s = parseSplitSpec(text);
        for (std::uint64_t seed : {1u, 42u}) {
            const Split one = makeSplit(data, s, seed);
            const Split first = makeSplits(data, s, seed).front();
            EXPECT_EQ(one.train, first.train) << text;
            EXPECT_EQ(one.test, first.test) << text;
            EXPECT_EQ(one.train.size() + one.test.size(), data.ratings.size()) << text;
        }
    }
}

// The disagreement: the workbench's loader took kfold:200 (and kfold:5abc, as 5) that
// the project file's validation and the experiment runner refuse; kfold:1e1 the other
// way round (the experiment runner reads it with parseSplitSpec, checked above). A
// Project built in memory (as a session may) reaches both.
TEST(SplitMake, LoaderAndExperimentAgree)
{
    test::TempDir dir;
    for (const char* bad : {"kfold:200", "kfold:5abc"}) {
        const Project project = smallProject(dir, "5,10", bad);
        const std::string loader = errorOf([&] { (void)loadProjectData(project); });
        const std::string experiment = errorOf([&] { (void)runExperiment(project, ExperimentOptions{}); });
        EXPECT_EQ(loader, errorOf([&] { (void)parseSplitSpec(bad); })) << bad;
        EXPECT_EQ(loader, experiment) << bad;
    }
    const Project project = smallProject(dir, "5,10", "kfold:1e1");
    const auto data = loadProjectData(project);
    const Split first = makeSplits(data->data, SplitSpec{SplitSpec::KFold, 0.2, 10}, project.seed).front();
    EXPECT_EQ(data->split.test, first.test);
    EXPECT_EQ(data->split.train, first.train);
}

// --- devices ---------------------------------------------------------------

TEST(ComputeDeviceParse, KnownAnswers)
{
    EXPECT_EQ(ComputeDevice::parse("auto"), ComputeDevice::automatic());
    EXPECT_EQ(ComputeDevice::parse("cpu"), ComputeDevice::cpu());
    EXPECT_EQ(ComputeDevice::parse("cuda"), ComputeDevice::cuda());
    EXPECT_EQ(ComputeDevice::parse("cuda:0"), ComputeDevice::cuda(0));
    EXPECT_EQ(ComputeDevice::parse("cuda:1").index(), 1);
    EXPECT_TRUE(ComputeDevice::parse("cuda:1").isCuda());
    EXPECT_EQ(ComputeDevice::parse("cuda:12"), ComputeDevice::cuda(12));
    EXPECT_NE(ComputeDevice::cuda(), ComputeDevice::cuda(0));  // the default device is not a number
    EXPECT_EQ(ComputeDevice().kind(), ComputeDevice::Kind::Auto);
    for (const char* text : {"auto", "cpu", "cuda", "cuda:0", "cuda:3"})
        EXPECT_EQ(ComputeDevice::parse(text).str(), text);
    EXPECT_EQ(ComputeDevice::parse("cuda:007").str(), "cuda:7");
}

TEST(ComputeDeviceParse, ErrorsNameTheDevice)
{
    for (const char* bad : {"", "gpu", "tpu", "CUDA", "Cpu", " cpu", "cpu ", "cuda0", "cuda:", "cuda:-1", "cuda:+1",
                            "cuda:1x", "cuda:1:2", "cuda: 1", "cuda:99999999999"}) {
        const std::string message = errorOf([&] { (void)ComputeDevice::parse(bad); });
        EXPECT_EQ(message.rfind(std::string("device '") + bad + "': ", 0), 0u) << message;
        EXPECT_TRUE(message.find("expected cpu, cuda, cuda:N") != std::string::npos ||
                    message.find("must be a whole number 0, 1, ...") != std::string::npos)
            << message;
    }
}

TEST(ComputeDeviceResolve, KnownAnswers)
{
    EXPECT_EQ(ComputeDevice::automatic().resolve(0), ComputeDevice::cpu());
    EXPECT_EQ(ComputeDevice::automatic().resolve(2), ComputeDevice::cuda());
    EXPECT_EQ(ComputeDevice::cpu().resolve(0), ComputeDevice::cpu());
    EXPECT_EQ(ComputeDevice::cpu().resolve(4), ComputeDevice::cpu());
    EXPECT_EQ(ComputeDevice::cuda().resolve(1), ComputeDevice::cuda());
    EXPECT_EQ(ComputeDevice::cuda(1).resolve(2), ComputeDevice::cuda(1));
    const std::string none = errorOf([] { (void)ComputeDevice::cuda().resolve(0); });
    EXPECT_EQ(none.rfind("device 'cuda': this LibTorch has no CUDA or no GPU is visible", 0), 0u) << none;
    const std::string one = errorOf([] { (void)ComputeDevice::cuda(1).resolve(1); });
    EXPECT_EQ(one, "device 'cuda:1': only 1 CUDA device(s) visible (cuda:0)");
    const std::string two = errorOf([] { (void)ComputeDevice::cuda(5).resolve(2); });
    EXPECT_EQ(two, "device 'cuda:5': only 2 CUDA device(s) visible (cuda:0 to cuda:1)");
}

// The line a CLI command prints for a usage error, without its "trailerlab-cli NAME: ".
std::string usageMessage(const test::CliRun& run, const std::string& command)
{
    const std::string prefix = "trailerlab-cli " + command + ": ";
    const auto at = run.err.rfind(prefix);
    return at == std::string::npos ? run.err : run.err.substr(at + prefix.size());
}

// The disagreement: extract and experiment refused cuda:1 as unknown, evaluate took it;
// each worded a bad device its own way. Now one parse, one check, one message.
TEST(ComputeDeviceParse, EveryCommandParsesTheSame)
{
    test::TempDir dir;
    const std::string missing = (dir / "missing").string();
    auto run = [&](const std::string& command, const std::string& device) {
        if (command == "extract")
            return runCli({"extract", "--videos", missing, "--out", missing + ".npy", "--device", device});
        if (command == "experiment")
            return runCli({"experiment", missing + ".trailerlab.json", "--device", device});
        return runCli({"evaluate", "--ratings", missing, "--baselines", "--device", device});
    };
    std::vector<std::string> devices = {"gpu", "cuda:", "CUDA"};
    const int cuda = visibleCudaDevices();
    if (cuda < 2)
        devices.push_back("cuda:1");  // no second GPU here: refused the same way by all
    if (cuda == 0)
        devices.push_back("cuda");
    for (const auto& device : devices) {
        const std::string expected = "option --device: " + errorOf([&] {
                                         (void)resolveComputeDevice(ComputeDevice::parse(device));
                                     }) + "\n";
        for (const std::string command : {"extract", "experiment", "evaluate"}) {
            const test::CliRun r = run(command, device);
            EXPECT_EQ(r.code, cli::kExitUsage) << command << " " << device << ": " << r.err;
            EXPECT_EQ(usageMessage(r, command), expected) << command << " " << device;
        }
    }
    // A usable device passes the option on to the command's own work (here: a missing input).
    for (const std::string command : {"extract", "experiment", "evaluate"}) {
        const test::CliRun r = run(command, "cpu");
        EXPECT_EQ(r.err.find("--device"), std::string::npos) << command << ": " << r.err;
    }
}

// A model spec goes through the same resolution: the same message where CUDA is absent.
TEST(ComputeDeviceResolve, ModelsResolveLikeTheOptions)
{
    features::ModelSpec spec;
    spec.randomSeed = 1;
    spec.device = ComputeDevice::cpu();
    const auto extractor = features::createExtractor(spec);
    EXPECT_EQ(extractor->device(), ComputeDevice::cpu());
    EXPECT_EQ(extractor->deviceName().rfind("cpu", 0), 0u);
    if (visibleCudaDevices() < 2) {
        spec.device = ComputeDevice::cuda(1);
        EXPECT_EQ(errorOf([&] { (void)features::createExtractor(spec); }),
                  errorOf([] { (void)resolveComputeDevice(ComputeDevice::cuda(1)); }));
    }
}

}  // namespace
}  // namespace tl

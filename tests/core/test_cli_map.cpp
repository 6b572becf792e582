// trailerlab-cli map: the CSV it writes (header line with the explained
// variance, one row per user and item, labels), on the tiny hand-computed case
// where users sit exactly on the item their profile points like; t-SNE
// reproducible by seed; usage errors; ML-100K with genres when the shared data
// is present.
//
// Tiny case (features "none"): i1 = (1,0), i2 = (0,1), i3 = (1,1); i5 has no profile.
//   MUP: u1 (5,0), u2 (4,0), u3 (0,5), u4 (4,8).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Row {
    std::string kind, id, label;
    double x = 0, y = 0;
};

struct MapCsv {
    std::string comment;
    std::string header;
    std::map<std::string, Row> rows;  // by "kind:id"
};

MapCsv readMapCsv(const std::filesystem::path& path)
{
    std::ifstream in(path);
    MapCsv csv;
    std::getline(in, csv.comment);
    std::getline(in, csv.header);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream s(line);
        Row r;
        std::string x, y;
        std::getline(s, r.kind, ',');
        std::getline(s, r.id, ',');
        std::getline(s, x, ',');
        std::getline(s, y, ',');
        std::getline(s, r.label);
        r.x = std::stod(x);
        r.y = std::stod(y);
        csv.rows[r.kind + ":" + r.id] = r;
    }
    return csv;
}

class CliMap : public ::testing::Test {
protected:
    void SetUp() override
    {
        test::writeFile(dir / "train.csv", "u1,i1,5\nu1,i2,1\nu2,i1,4\nu2,i3,2\nu3,i2,5\nu3,i3,3\n"
                                            "u4,i1,3\nu4,i2,4\nu4,i3,4\nu4,i5,5\n");
        test::writeFile(dir / "test.csv", "u1,i3,2\nu1,i5,5\n");
        test::writeFile(dir / "features.csv", "item_id,f1,f2\ni1,1,0\ni2,0,1\ni3,1,1\n");
        test::writeFile(dir / "movies.csv", "movieId,title,genres\ni1,One,A|X\ni2,Two,B\ni3,\"Three, the\",A\n");
    }
    std::vector<std::string> base(const std::string& out)
    {
        return {"map", "--train", (dir / "train.csv").string(), "--test", (dir / "test.csv").string(),
                "--item-features", (dir / "features.csv").string(), "--normalize", "none", "--out",
                (dir / out).string()};
    }
    test::TempDir dir;
};

TEST_F(CliMap, PcaRowsAndKnownPositions)
{
    auto args = base("map.csv");
    args.insert(args.end(), {"--items", (dir / "movies.csv").string()});
    const test::CliRun run = test::runCli(args);
    ASSERT_EQ(run.code, 0) << run.err;
    const MapCsv csv = readMapCsv(dir / "map.csv");
    EXPECT_EQ(csv.comment.rfind("# trailerlab-cli map: method pca, explained variance x ", 0), 0u) << csv.comment;
    EXPECT_NE(csv.comment.find("3 items, 4 users; left out (zero profile): 1 items, 0 users"), std::string::npos)
        << csv.comment;
    EXPECT_EQ(csv.header, "kind,id,x,y,label");
    ASSERT_EQ(csv.rows.size(), 7u);
    for (const char* u : {"user:u1", "user:u2"}) {
        EXPECT_NEAR(csv.rows.at(u).x, csv.rows.at("item:i1").x, 1e-8);
        EXPECT_NEAR(csv.rows.at(u).y, csv.rows.at("item:i1").y, 1e-8);
    }
    EXPECT_NEAR(csv.rows.at("user:u3").x, csv.rows.at("item:i2").x, 1e-8);
    EXPECT_EQ(csv.rows.at("item:i1").label, "A");
    EXPECT_EQ(csv.rows.at("item:i2").label, "B");
    EXPECT_EQ(csv.rows.at("user:u3").label, "B");
    EXPECT_EQ(csv.rows.at("user:u4").label, "A");  // i2 (B) and i3 (A) tie: A comes first in the file
    // x and y explain all of two-dimensional data.
    const auto at = csv.comment.find(" x ");
    double x = 0, y = 0;
    std::istringstream(csv.comment.substr(at + 3)) >> x;
    std::istringstream(csv.comment.substr(csv.comment.find(" y ") + 3)) >> y;
    EXPECT_NEAR(x + y, 1.0, 1e-5);
    EXPECT_GT(x, y);
    // Without --items there is nothing to label by.
    ASSERT_EQ(test::runCli(base("plain.csv")).code, 0);
    EXPECT_EQ(readMapCsv(dir / "plain.csv").rows.at("item:i1").label, "");
}

TEST_F(CliMap, ClustersColumn)
{
    auto args = base("k.csv");
    args.insert(args.end(), {"--clusters", "2"});
    ASSERT_EQ(test::runCli(args).code, 0);
    std::ifstream in(dir / "k.csv");
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    EXPECT_EQ(line, "kind,id,x,y,label,cluster");
    std::map<std::string, std::string> cluster;
    while (std::getline(in, line))
        cluster[line.substr(0, line.find(',', 5))] = line.substr(line.rfind(',') + 1);
    ASSERT_EQ(cluster.size(), 7u);
    EXPECT_EQ(cluster["user,u1"], cluster["item,i1"]);  // same direction, same cluster
    EXPECT_EQ(cluster["user,u3"], cluster["item,i2"]);
    EXPECT_NE(cluster["item,i1"], cluster["item,i2"]);
}

TEST_F(CliMap, TsneIsReproducibleBySeed)
{
    auto args = base("a.csv");
    args.insert(args.end(), {"--method", "tsne", "--iterations", "100", "--quiet"});
    ASSERT_EQ(test::runCli(args).code, 0);
    args[args.size() - 6] = (dir / "b.csv").string();
    ASSERT_EQ(test::runCli(args).code, 0);
    args[args.size() - 6] = (dir / "c.csv").string();
    args.insert(args.end(), {"--tsne-seed", "9"});
    ASSERT_EQ(test::runCli(args).code, 0);
    const MapCsv a = readMapCsv(dir / "a.csv"), b = readMapCsv(dir / "b.csv"), c = readMapCsv(dir / "c.csv");
    EXPECT_NE(a.comment.find("method tsne (perplexity 30, 100 iterations, seed 1) on 50 principal components"),
              std::string::npos)
        << a.comment;
    ASSERT_EQ(a.rows.size(), 7u);
    EXPECT_EQ(a.rows.at("user:u4").x, b.rows.at("user:u4").x);
    EXPECT_NE(a.rows.at("user:u4").x, c.rows.at("user:u4").x);
}

TEST_F(CliMap, UsageErrors)
{
    auto noOut = base("x.csv");
    noOut.resize(noOut.size() - 2);
    const test::CliRun a = test::runCli(noOut);
    EXPECT_EQ(a.code, 2);
    EXPECT_NE(a.err.find("--out"), std::string::npos) << a.err;

    auto method = base("x.csv");
    method.insert(method.end(), {"--method", "umap"});
    const test::CliRun b = test::runCli(method);
    EXPECT_NE(b.code, 0);
    EXPECT_NE(b.err.find("umap"), std::string::npos) << b.err;

    auto both = base("x.csv");
    both.insert(both.end(), {"--genres", (dir / "movies.csv").string()});
    EXPECT_EQ(test::runCli(both).code, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));

    const test::CliRun help = test::runCli({"map", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("explained variance"), std::string::npos);
}

TEST(CliMapMl100k, GenresLabelEveryPoint)
{
    const auto base = test::sharedFile("data/ml-100k/u1.base");
    const auto item = test::sharedFile("data/ml-100k/u.item");
    if (base.empty() || item.empty())
        GTEST_SKIP() << "ML-100K not found in the shared data folder";
    test::TempDir dir;
    const test::CliRun run = test::runCli({"map", "--train", base.string(), "--test",
                                           test::sharedFile("data/ml-100k/u1.test").string(), "--genres",
                                           item.string(), "--out", (dir / "map.csv").string(), "--quiet"});
    ASSERT_EQ(run.code, 0) << run.err;
    const MapCsv csv = readMapCsv(dir / "map.csv");
    std::size_t users = 0, items = 0, unlabelled = 0;
    for (const auto& [key, row] : csv.rows) {
        (row.kind == "user" ? users : items) += 1;
        unlabelled += row.label.empty();
    }
    EXPECT_EQ(users, 943u);
    EXPECT_GT(items, 1600u);  // u1.base's items with a genre
    EXPECT_EQ(unlabelled, 0u);
    EXPECT_EQ(csv.rows.at("item:1").label, "Animation");  // Toy Story: Animation|Children's|Comedy
}

}  // namespace
}  // namespace tl

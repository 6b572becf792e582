// Natural order: digit runs compare as numbers (1, 2, 10, 100), text
// case-insensitively, and the order is total (a strict weak ordering that
// std::sort can use), checked against a reference on generated ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/NaturalOrder.h"

using tl::naturalCompare;
using tl::naturalLess;

namespace {

std::vector<std::string> sortedNaturally(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return naturalLess(a, b); });
    return v;
}

}  // namespace

TEST(NaturalOrder, NumbersSortAsNumbers)
{
    EXPECT_EQ(sortedNaturally({"100", "10", "2", "1", "20"}), (std::vector<std::string>{"1", "2", "10", "20", "100"}));
    // Text order would put "10" before "9".
    EXPECT_TRUE(naturalLess("9", "10"));
    EXPECT_FALSE(naturalLess("10", "9"));
}

TEST(NaturalOrder, MixedTextAndNumbers)
{
    EXPECT_EQ(sortedNaturally({"tt10", "tt9", "Toy Story 10", "toy story 2", "tt100", "a"}),
              (std::vector<std::string>{"a", "toy story 2", "Toy Story 10", "tt9", "tt10", "tt100"}));
    EXPECT_TRUE(naturalLess("clip2.mp4", "clip10.mp4"));
    EXPECT_TRUE(naturalLess("item", "item1"));  // a prefix first
    EXPECT_TRUE(naturalLess("v1.9", "v1.10"));
}

TEST(NaturalOrder, LongDigitRunsDoNotOverflow)
{
    EXPECT_TRUE(naturalLess("99999999999999999999999", "100000000000000000000000"));
    EXPECT_TRUE(naturalLess("id18446744073709551615", "id18446744073709551616"));
}

TEST(NaturalOrder, TotalOrderWithDeterministicTieBreaks)
{
    EXPECT_EQ(naturalCompare("abc", "abc"), 0);
    // Equal as numbers / ignoring case, still ordered one way only.
    EXPECT_NE(naturalCompare("01", "1"), 0);
    EXPECT_EQ(naturalCompare("01", "1"), -naturalCompare("1", "01"));
    EXPECT_NE(naturalCompare("Abc", "abc"), 0);
    EXPECT_EQ(naturalCompare("Abc", "abc"), -naturalCompare("abc", "Abc"));
}

TEST(NaturalOrder, MatchesNumericReferenceOnGeneratedIds)
{
    // Reference: (prefix, number) tuples compared field by field.
    std::mt19937 rng(7);
    const std::vector<std::string> prefixes = {"", "m", "tt", "user"};
    std::vector<std::tuple<std::string, long, std::string>> ref;
    std::vector<std::string> ids;
    for (int i = 0; i < 500; ++i) {
        const std::string prefix = prefixes[rng() % prefixes.size()];
        const long n = static_cast<long>(rng() % 5000);
        const std::string id = prefix + std::to_string(n);
        if (std::find(ids.begin(), ids.end(), id) != ids.end())
            continue;
        ids.push_back(id);
        ref.emplace_back(prefix, n, id);
    }
    std::sort(ref.begin(), ref.end());
    std::vector<std::string> expected;
    for (const auto& r : ref)
        expected.push_back(std::get<2>(r));
    EXPECT_EQ(sortedNaturally(ids), expected);
    // Antisymmetry on every pair of a sample.
    for (std::size_t a = 0; a < 60; ++a)
        for (std::size_t b = 0; b < 60; ++b)
            EXPECT_EQ(naturalCompare(ids[a], ids[b]), -naturalCompare(ids[b], ids[a]));
}

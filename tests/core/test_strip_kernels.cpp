// The item-Gram route's strip kernel, every compiled variant (portable, x86-64-v3 where the
// CPU has it, and the one the engine dispatches to) against a float64 brute force on the
// same machine, as faiss checks each SIMD variant against its reference: first the 16-wide
// weighted sum alone, then H = W G (gramTimesWeights) over many shapes: odd sizes, users
// without items, a single item or user, sizes that are not multiples of the strip width
// (16) or of the kernel's unrolling (4).
//
// Tolerance (per element, justified): the kernel sums `count` products in four
// accumulators of at most ceil(count / 4) + 3 terms each, then adds the four in two more
// steps; every product is rounded at most once. The standard bound for recursive
// summation gives |computed - exact| <= m u sum_e |w_e c_e| (to first order) with
// m = ceil(count / 4) + 6 and u the unit roundoff of T (2^-24 for float, 2^-53 for
// double). The brute force itself sums in float64 (products of float operands are exact
// there), adding at most (count + 1) 2^-53 sum_e |w_e c_e|. The test allows the sum of
// the two, times 1.01 for the second-order terms: a wrong index, weight or lane misses by
// a whole term, far above it. Where all terms are zero the results must be exactly zero.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/cf/StripKernel.h"

namespace tl {
namespace {

template <typename T>
double unitRoundoff()
{
    return std::numeric_limits<T>::epsilon() / 2;
}

template <typename T>
double tolerance(std::size_t count, double absSum)
{
    const double m = static_cast<double>((count + 3) / 4 + 6);
    const double own = m * unitRoundoff<T>();
    const double reference = static_cast<double>(count + 1) * unitRoundoff<double>();
    return 1.01 * (own + reference) * absSum;
}

std::vector<StripVariant> variantsHere()
{
    std::vector<StripVariant> variants{StripVariant::Dispatched, StripVariant::Portable};
    if (stripVariantAvailable(StripVariant::X86_64_V3))
        variants.push_back(StripVariant::X86_64_V3);
    return variants;
}

// Random relevance rows: user u gets counts[u % counts.size()] items (repeats allowed,
// as the kernel must not care), weights in [-2, 3] (the kernel is a plain weighted sum).
RelevanceMatrix randomRelevance(std::mt19937_64& rng, std::size_t users, std::size_t items,
                                const std::vector<std::size_t>& counts)
{
    RelevanceMatrix w;
    w.users = users;
    w.profileRows = items;
    w.offsets.push_back(0);
    std::uniform_real_distribution<float> weight(-2.0f, 3.0f);
    for (std::size_t u = 0; u < users; ++u) {
        const std::size_t count = items == 0 ? 0 : counts[u % counts.size()];
        for (std::size_t e = 0; e < count; ++e) {
            w.rows.push_back(static_cast<std::uint32_t>(rng() % items));
            w.weights.push_back(weight(rng));
        }
        w.offsets.push_back(w.rows.size());
    }
    return w;
}

template <typename T>
void checkKernelAlone(StripVariant variant)
{
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    const StripSumKernel<T> kernel = stripSumKernel<T>(variant);
    for (std::size_t columns : {1u, 2u, 5u, 16u, 17u, 61u}) {
        std::vector<T> packed(columns * kStripWidth);
        for (T& v : packed)
            v = static_cast<T>(static_cast<float>(value(rng)));  // float operands: exact products in float64
        for (std::size_t count : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 200u}) {
            std::vector<std::uint32_t> index(count);
            std::vector<float> weights(count);
            for (std::size_t e = 0; e < count; ++e) {
                index[e] = static_cast<std::uint32_t>(rng() % columns);
                weights[e] = static_cast<float>(value(rng) * 3);
            }
            T out[kStripWidth];
            std::fill(out, out + kStripWidth, T(-99));
            kernel(packed.data(), index.data(), weights.data(), count, out);
            for (std::size_t j = 0; j < kStripWidth; ++j) {
                double exact = 0, absSum = 0;
                for (std::size_t e = 0; e < count; ++e) {
                    const double term = double(weights[e]) * double(packed[index[e] * kStripWidth + j]);
                    exact += term;
                    absSum += std::fabs(term);
                }
                ASSERT_NEAR(double(out[j]), exact, tolerance<T>(count, absSum))
                    << toString(variant) << " columns " << columns << " count " << count << " lane " << j;
            }
        }
    }
}

TEST(StripKernels, WeightedSumOfEachVariantMatchesFloat64BruteForce)
{
    for (StripVariant variant : variantsHere()) {
        SCOPED_TRACE(toString(variant));
        checkKernelAlone<float>(variant);
        checkKernelAlone<double>(variant);
    }
}

struct Shape {
    std::size_t items, users, first, rows;
    std::vector<std::size_t> counts;  // items per user, cycled (0: a user without items)
};

template <typename T>
void checkGramTimesWeights(const Shape& shape, std::uint64_t seed)
{
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    const auto n = static_cast<Eigen::Index>(shape.items);
    // Only the lower triangle of G is meaningful (ssyrk fills only that): the upper one is
    // NaN, so a kernel that read it would fail.
    Matrix g = Matrix::Constant(n, n, std::numeric_limits<T>::quiet_NaN());
    for (Eigen::Index c = 0; c < n; ++c)
        for (Eigen::Index r = c; r < n; ++r)
            g(r, c) = static_cast<T>(static_cast<float>(value(rng)));
    const auto lower = [&](std::size_t a, std::size_t b) {
        return double(a >= b ? g(Eigen::Index(a), Eigen::Index(b)) : g(Eigen::Index(b), Eigen::Index(a)));
    };
    const RelevanceMatrix w = randomRelevance(rng, shape.users, shape.items, shape.counts);

    std::vector<Matrix> results;
    for (StripVariant variant : variantsHere()) {
        Matrix ht;
        gramTimesWeights(g, w, shape.first, shape.rows, ht, variant);
        ASSERT_EQ(ht.rows(), n);
        ASSERT_EQ(ht.cols(), Eigen::Index(shape.rows));
        for (std::size_t k = 0; k < shape.rows; ++k) {
            const std::size_t u = shape.first + k;
            for (std::size_t j = 0; j < shape.items; ++j) {
                double exact = 0, absSum = 0;
                for (std::size_t e = w.offsets[u]; e < w.offsets[u + 1]; ++e) {
                    const double term = double(w.weights[e]) * lower(j, w.rows[e]);
                    exact += term;
                    absSum += std::fabs(term);
                }
                const std::size_t count = w.offsets[u + 1] - w.offsets[u];
                ASSERT_NEAR(double(ht(Eigen::Index(j), Eigen::Index(k))), exact, tolerance<T>(count, absSum))
                    << toString(variant) << " items " << shape.items << " users " << shape.users << " user " << u
                    << " item " << j;
            }
        }
        results.push_back(std::move(ht));
    }
    // The engine runs the dispatched kernel: bit for bit the x86-64-v3 variant where the CPU
    // has it, the portable one elsewhere.
    const Matrix& dispatched = results[0];
    const Matrix& expected = results.size() > 2 ? results[2] : results[1];
    EXPECT_EQ(0, std::memcmp(dispatched.data(), expected.data(), sizeof(T) * static_cast<std::size_t>(dispatched.size())))
        << "the dispatched kernel is neither variant";
}

TEST(StripKernels, GramTimesWeightsOfEachVariantMatchesFloat64BruteForceOverShapes)
{
    const std::vector<Shape> shapes{
        {1, 1, 0, 1, {1}},                     // a single item and user: a single column of H^T
        {1, 4, 0, 4, {0, 1, 2}},               // one item; a user without items
        {2, 3, 1, 2, {3}},
        {15, 7, 0, 7, {0, 1, 2, 3, 4, 5, 6}},  // below one strip; every tail of the unrolling
        {16, 5, 0, 5, {16, 0, 9}},             // exactly one strip
        {17, 9, 2, 6, {1, 17, 0, 33}},         // one strip and one item
        {33, 20, 0, 20, {5, 0, 0, 12, 40}},    // users without items in a row
        {47, 11, 3, 1, {8, 13}},               // one user from the middle
        {64, 30, 0, 30, {1, 2, 3, 4, 63, 64, 65}},
        {101, 13, 0, 13, {0, 7, 99, 250}},     // odd size, more items per user than items
        {0, 3, 0, 3, {0}},                     // no profiled item at all
    };
    std::uint64_t seed = 1;
    for (const Shape& shape : shapes) {
        checkGramTimesWeights<float>(shape, seed++);
        checkGramTimesWeights<double>(shape, seed++);
    }
}

TEST(StripKernels, UnavailableVariantIsRefused)
{
    if (stripVariantAvailable(StripVariant::X86_64_V3))
        GTEST_SKIP() << "this CPU runs the x86-64-v3 variant";
    EXPECT_ANY_THROW(stripSumKernel<float>(StripVariant::X86_64_V3));
}

}  // namespace
}  // namespace tl

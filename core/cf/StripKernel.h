#pragma once
// The item-Gram route's sparse-times-dense kernel (see Similarity.h): H = W G and
// S = H W^T are sums of scaled columns picked by a user's items. Walking whole columns
// streams them from memory (~4 GFLOP/s here). Instead the dense operand is cut into
// strips of kStripWidth rows, each packed contiguously (16 x items values, ~240 KB at
// MovieLens-1M: it stays in L2, and in few pages, so the TLB holds it too), and a thread
// sums one 16-value run of the picked columns per call: pure FMAs.
//
// The sum has two compiled variants: a portable one, and an x86-64-v3 one (AVX2 + FMA)
// that the dispatched stripSum picks at load time on CPUs that have it. Both are exposed
// so the tests compare each with a float64 brute force on the same machine.
//
// Threading: the functions are reentrant; gramTimesWeights uses OpenMP threads.

#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

#include "core/cf/Profiles.h"

namespace tl {

inline constexpr std::size_t kStripWidth = 16;

// out[0..16) = sum_e weights[e] * packed[index[e] * 16 + 0..16), e < count. Four
// independent accumulators hide the FMA latency. The float64 instance accumulates
// float64 products of float64 operands.
template <typename T>
using StripSumKernel = void (*)(const T* packed, const std::uint32_t* index, const float* weights,
                                std::size_t count, T* out);

enum class StripVariant {
    Dispatched,  // what the engine runs: x86-64-v3 where the CPU has it, else portable
    Portable,    // compiled for the build's baseline
    X86_64_V3,   // AVX2 + FMA; only where stripVariantAvailable() says so
};

const char* toString(StripVariant variant);
// Whether this build has the variant and this CPU can run it.
bool stripVariantAvailable(StripVariant variant);
// The variant's kernel; ConfigError when it is not available.
template <typename T>
StripSumKernel<T> stripSumKernel(StripVariant variant);

// The dispatched kernel.
void stripSum(const float* packed, const std::uint32_t* index, const float* weights, std::size_t count, float* out);
void stripSum(const double* packed, const std::uint32_t* index, const float* weights, std::size_t count, double* out);

// ht(:, k) = G w_{first+k} for k < rows: column k of H^T = row first+k of H = W G, for
// the symmetric n x n G of which only the lower triangle is read. ht is resized to
// n x rows. Threads split G's rows into strips (G is symmetric: rows j0.. are columns j0..).
template <typename T>
void gramTimesWeights(const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& g, const RelevanceMatrix& w,
                      std::size_t first, std::size_t rows, Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& ht,
                      StripVariant variant = StripVariant::Dispatched);

// out[0..len) = the sum over user u's relevant items of weight x packed run (len <= 16).
template <typename T>
void stripOfUser(StripSumKernel<T> kernel, const T* packed, const RelevanceMatrix& w, std::size_t u, std::size_t len,
                 T* out)
{
    const std::size_t begin = w.offsets[u], count = w.offsets[u + 1] - begin;
    T sum[kStripWidth];
    kernel(packed, w.rows.data() + begin, w.weights.data() + begin, count, sum);
    for (std::size_t j = 0; j < len; ++j)
        out[j] = sum[j];
}

}  // namespace tl

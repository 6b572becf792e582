#include "core/cf/StripKernel.h"

#include <algorithm>
#include <vector>

#include "core/common/Error.h"

namespace tl {

namespace {

constexpr std::size_t kStrip = kStripWidth;

template <typename T>
inline __attribute__((always_inline)) void stripSumBody(const T* packed, const std::uint32_t* index,
                                                        const float* weights, std::size_t count, T* out)
{
    T a0[kStrip] = {}, a1[kStrip] = {}, a2[kStrip] = {}, a3[kStrip] = {};
    std::size_t e = 0;
    for (; e + 4 <= count; e += 4) {
        const T *c0 = packed + index[e] * kStrip, *c1 = packed + index[e + 1] * kStrip,
                *c2 = packed + index[e + 2] * kStrip, *c3 = packed + index[e + 3] * kStrip;
        const T w0 = weights[e], w1 = weights[e + 1], w2 = weights[e + 2], w3 = weights[e + 3];
        for (std::size_t j = 0; j < kStrip; ++j) {
            a0[j] += w0 * c0[j];
            a1[j] += w1 * c1[j];
            a2[j] += w2 * c2[j];
            a3[j] += w3 * c3[j];
        }
    }
    for (; e < count; ++e) {
        const T* c = packed + index[e] * kStrip;
        const T we = weights[e];
        for (std::size_t j = 0; j < kStrip; ++j)
            a0[j] += we * c[j];
    }
    for (std::size_t j = 0; j < kStrip; ++j)
        out[j] = (a0[j] + a1[j]) + (a2[j] + a3[j]);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define TL_STRIP_X86_64_V3 1
#define TL_STRIP_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TL_STRIP_X86_64_V3 0
#define TL_STRIP_CLONES
#endif

template <typename T>
void stripSumPortable(const T* packed, const std::uint32_t* index, const float* weights, std::size_t count, T* out)
{
    stripSumBody(packed, index, weights, count, out);
}

#if TL_STRIP_X86_64_V3
template <typename T>
__attribute__((target("arch=x86-64-v3"))) void stripSumX86V3(const T* packed, const std::uint32_t* index,
                                                             const float* weights, std::size_t count, T* out)
{
    stripSumBody(packed, index, weights, count, out);
}
#endif

// packed[i * 16 + j] = G(j0 + j, i) from the lower triangle of the symmetric G
// alone (ssyrk fills only that): a contiguous run of row j0.. left of the
// strip, 16 interleaved columns below it.
template <typename T>
void packGramStrip(const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& g, std::size_t j0, std::size_t len,
                   std::vector<T>& packed)
{
    const auto n = static_cast<std::size_t>(g.rows());
    const T* data = g.data();
    packed.assign(n * kStrip, T(0));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < len; ++j) {
            const std::size_t row = j0 + j;
            packed[i * kStrip + j] = i <= row ? data[i * n + row] : data[row * n + i];
        }
}

}  // namespace

// The engine's kernels: one body, cloned for x86-64-v3 and the baseline, picked at load time.
TL_STRIP_CLONES void stripSum(const float* packed, const std::uint32_t* index, const float* weights,
                              std::size_t count, float* out)
{
    stripSumBody(packed, index, weights, count, out);
}
TL_STRIP_CLONES void stripSum(const double* packed, const std::uint32_t* index, const float* weights,
                              std::size_t count, double* out)
{
    stripSumBody(packed, index, weights, count, out);
}

const char* toString(StripVariant variant)
{
    switch (variant) {
    case StripVariant::Portable: return "portable";
    case StripVariant::X86_64_V3: return "x86-64-v3";
    case StripVariant::Dispatched: break;
    }
    return "dispatched";
}

bool stripVariantAvailable(StripVariant variant)
{
    if (variant != StripVariant::X86_64_V3)
        return true;
#if TL_STRIP_X86_64_V3
    return __builtin_cpu_supports("x86-64-v3");
#else
    return false;
#endif
}

template <typename T>
StripSumKernel<T> stripSumKernel(StripVariant variant)
{
    if (!stripVariantAvailable(variant))
        throw ConfigError(std::string("strip kernel variant ") + toString(variant) + " is not available here");
    switch (variant) {
    case StripVariant::Portable: return &stripSumPortable<T>;
#if TL_STRIP_X86_64_V3
    case StripVariant::X86_64_V3: return &stripSumX86V3<T>;
#else
    case StripVariant::X86_64_V3: break;
#endif
    case StripVariant::Dispatched: break;
    }
    return static_cast<StripSumKernel<T>>(&stripSum);
}

template <typename T>
void gramTimesWeights(const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& g, const RelevanceMatrix& w,
                      std::size_t first, std::size_t rows, Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& ht,
                      StripVariant variant)
{
    const StripSumKernel<T> kernel = stripSumKernel<T>(variant);
    const auto n = static_cast<std::size_t>(g.rows());
    ht.resize(g.rows(), static_cast<Eigen::Index>(rows));
    const auto strips = static_cast<std::ptrdiff_t>((n + kStrip - 1) / kStrip);
#pragma omp parallel
    {
        std::vector<T> packed;
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t s = 0; s < strips; ++s) {
            const std::size_t j0 = static_cast<std::size_t>(s) * kStrip, len = std::min(kStrip, n - j0);
            packGramStrip(g, j0, len, packed);
            for (std::size_t k = 0; k < rows; ++k)
                stripOfUser(kernel, packed.data(), w, first + k, len, ht.data() + k * n + j0);
        }
    }
}

template StripSumKernel<float> stripSumKernel<float>(StripVariant);
template StripSumKernel<double> stripSumKernel<double>(StripVariant);
template void gramTimesWeights<float>(const Eigen::MatrixXf&, const RelevanceMatrix&, std::size_t, std::size_t,
                                      Eigen::MatrixXf&, StripVariant);
template void gramTimesWeights<double>(const Eigen::MatrixXd&, const RelevanceMatrix&, std::size_t, std::size_t,
                                       Eigen::MatrixXd&, StripVariant);

}  // namespace tl

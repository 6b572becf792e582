#include "core/cf/Similarity.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "core/cf/StripKernel.h"

namespace tl {

namespace {

constexpr std::size_t kStrip = kStripWidth;

// packed[i * 16 + j] = source[(first + j) * stride + i] for j < len (zero
// beyond): rows first..first+len of the transposed column-major operand, i.e.
// 16 columns of `source` interleaved.
template <typename T>
void packColumns(const T* source, std::size_t stride, std::size_t count, std::size_t first, std::size_t len,
                 std::vector<T>& packed)
{
    packed.assign(count * kStrip, T(0));
    for (std::size_t j = 0; j < len; ++j) {
        const T* column = source + (first + j) * stride;
        for (std::size_t i = 0; i < count; ++i)
            packed[i * kStrip + j] = column[i];
    }
}

// s(u, v) = s(v, u) wherever v < u's strip start (what a symmetric pass left out), in
// 64 x 64 tiles so that both the reads and the writes stay in cache.
template <typename T>
void mirrorBelowStrips(Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& s)
{
    const Eigen::Index n = s.rows();
    constexpr Eigen::Index tile = 64;
    const Eigen::Index tiles = (n + tile - 1) / tile;
#pragma omp parallel for schedule(dynamic, 1)
    for (Eigen::Index tv = 0; tv < tiles; ++tv)
        for (Eigen::Index tu = tv; tu < tiles; ++tu)
            for (Eigen::Index u = tu * tile; u < std::min(n, (tu + 1) * tile); ++u) {
                const Eigen::Index stripStart = u / static_cast<Eigen::Index>(kStrip) * static_cast<Eigen::Index>(kStrip);
                const Eigen::Index end = std::min(stripStart, (tv + 1) * tile);
                for (Eigen::Index v = tv * tile; v < end; ++v)
                    s(u, v) = s(v, u);
            }
}

// G += the lower triangle of A^T A for one depth chunk, A = the F x n column-major view of
// the row-major items x F matrix (rows f0..f0+depth of A: its columns f0.. of items).
void gramUpdate(const RowMatrixF& items, Eigen::Index f0, Eigen::Index depth, Eigen::MatrixXf& g)
{
#ifdef EIGEN_USE_BLAS
    const int order = static_cast<int>(items.rows()), k = static_cast<int>(depth), lda = static_cast<int>(items.cols());
    const float one = 1.0f;
    ssyrk_("L", "T", &order, &k, &one, items.data() + f0, &lda, &one, g.data(), &order);
#else
    g.selfadjointView<Eigen::Lower>().rankUpdate(items.middleCols(f0, depth).transpose());
#endif
}

void gramUpdate(const RowMatrixF& items, Eigen::Index f0, Eigen::Index depth, Eigen::MatrixXd& g)
{
    // float64 wants float64 operands: the chunk is widened (exactly) into a depth x n
    // column-major buffer, so the whole F x n matrix is never held in float64.
    const Eigen::Index n = items.rows();
    Eigen::MatrixXd a(depth, n);
    for (Eigen::Index i = 0; i < n; ++i)
        a.col(i) = items.row(i).segment(f0, depth).transpose().cast<double>();
#ifdef EIGEN_USE_BLAS
    const int order = static_cast<int>(n), k = static_cast<int>(depth);
    const double one = 1.0;
    dsyrk_("L", "T", &order, &k, &one, a.data(), &k, &one, g.data(), &order);
#else
    g.selfadjointView<Eigen::Lower>().rankUpdate(a.transpose());
#endif
}

}  // namespace

template <typename Scalar>
BasicSimilarityEngine<Scalar> BasicSimilarityEngine<Scalar>::fromUserProfiles(
    const Eigen::Ref<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>& profiles)
{
    BasicSimilarityEngine engine;
    engine.route_ = SimilarityRoute::Direct;
    engine.norms_.resize(static_cast<std::size_t>(profiles.rows()));
    engine.normalised_.resize(profiles.rows(), profiles.cols());
#pragma omp parallel for schedule(dynamic, 64)
    for (Eigen::Index u = 0; u < profiles.rows(); ++u) {
        const double norm = profiles.row(u).norm();
        engine.norms_[static_cast<std::size_t>(u)] = norm;
        if (norm > 0)
            engine.normalised_.row(u) = (profiles.row(u) / norm).template cast<Scalar>();
        else
            engine.normalised_.row(u).setZero();
    }
    return engine;
}

template <typename Scalar>
BasicSimilarityEngine<Scalar> BasicSimilarityEngine<Scalar>::fromItemProfiles(const RelevanceMatrix& w,
                                                                              const ItemProfiles& items,
                                                                              SimilarityRoute route,
                                                                              std::size_t keepBytes)
{
    const double users = static_cast<double>(w.users), profiled = static_cast<double>(items.withProfile()),
                 dims = static_cast<double>(items.dims()), nnz = static_cast<double>(w.nonZeros());
    if (route == SimilarityRoute::Auto) {
        // Multiply-adds of each route, with the Gram route's sparse products weighted by how much
        // slower they run than BLAS here (measured at MovieLens-1M on 2 cores: the packed strip
        // kernels ~47 GFLOP/s, ssyrk/sgemm ~155). The Gram route also needs H = W G kept in
        // memory: without it every block repacks all of G (2.9 GB at MovieLens-20M, hundreds of
        // blocks), so it is only taken when H fits keepBytes. (A relevant-only nnz makes the
        // MovieLens-20M shape look cheaper on the Gram route by flops, 6e12 vs 9.8e12, and
        // without this rule it ran for over 8 minutes instead of the direct route's ~7.)
        constexpr double sparsePenalty = 4;
        const double direct = nnz * dims + users * users * dims;
        const double gram = profiled * profiled * dims / 2 + sparsePenalty * (nnz * profiled + users * nnz);
        const bool hFits = sizeof(Scalar) * users * profiled <= static_cast<double>(keepBytes);
        route = hFits && gram < direct ? SimilarityRoute::ItemGram : SimilarityRoute::Direct;
    }
    if (route == SimilarityRoute::Direct) {
        BasicSimilarityEngine engine = fromUserProfiles(buildUserProfilesExact(w, items));
        engine.buildFlops_ = 2.0 * nnz * dims;
        return engine;
    }

    BasicSimilarityEngine engine;
    engine.route_ = SimilarityRoute::ItemGram;
    engine.w_ = w;
    const Eigen::Index n = items.values.rows();
    engine.gram_ = Matrix::Zero(n, n);
    // G = MIP MIP^T, lower triangle only, by symmetric rank updates (half the flops
    // of a GEMM) over depth chunks of 2,048 features: BLAS ?syrk when the build has
    // BLAS, Eigen's kernel otherwise. (GEMMs over row panels measured slower than
    // OpenBLAS's ssyrk here.)
    constexpr Eigen::Index depthChunk = 2048;
    for (Eigen::Index f0 = 0; n > 0 && f0 < items.values.cols(); f0 += depthChunk)
        gramUpdate(items.values, f0, std::min(depthChunk, items.values.cols() - f0), engine.gram_);
    engine.buildFlops_ = profiled * profiled * dims + 2.0 * nnz * static_cast<double>(n);

    // H = W G (users x profiled) by the strip kernel; |MUP(u)|^2 = w_u . H(u, :).
    // H is kept (transposed, profiled x users) when it fits the memory budget, so a
    // pass only does the gather H W^T; otherwise each block recomputes its rows.
    const std::size_t hBytes = sizeof(Scalar) * w.users * static_cast<std::size_t>(n);
    engine.keepsH_ = hBytes <= keepBytes;
    engine.norms_.assign(w.users, 0.0);
    const std::size_t chunk = engine.keepsH_ ? std::max<std::size_t>(w.users, 1)
                                             : std::max<std::size_t>(keepBytes / 8 / (sizeof(Scalar) * std::max<Eigen::Index>(n, 1)), 1);
    Matrix ht;
    for (std::size_t first = 0; first < w.users; first += chunk) {
        const std::size_t rows = std::min(chunk, w.users - first);
        gramTimesWeights(engine.gram_, w, first, rows, ht);
        for (std::size_t k = 0; k < rows; ++k) {
            const std::size_t u = first + k;
            const Scalar* h = ht.col(static_cast<Eigen::Index>(k)).data();
            double q = 0;
            for (std::size_t e = w.offsets[u]; e < w.offsets[u + 1]; ++e)
                q += static_cast<double>(w.weights[e]) * static_cast<double>(h[w.rows[e]]);
            engine.norms_[u] = q > 0 ? std::sqrt(q) : 0.0;
        }
        if (engine.keepsH_)
            engine.hT_ = std::move(ht);
    }
    return engine;
}

template <typename Scalar>
double BasicSimilarityEngine<Scalar>::passFlops() const
{
    const double users = static_cast<double>(norms_.size());
    if (route_ == SimilarityRoute::Direct)
        return 2.0 * users * users * static_cast<double>(normalised_.cols());
    const double nnz = static_cast<double>(w_.nonZeros());
    const double recomputeH = keepsH_ ? 0.0 : 2.0 * nnz * static_cast<double>(gram_.rows());
    if (singleSymmetricBlock()) {
        // Strip s sums the weights of users k0_s.. only.
        double sum = 0;
        for (std::size_t k0 = 0; k0 < norms_.size(); k0 += kStrip)
            sum += static_cast<double>(std::min(kStrip, norms_.size() - k0)) *
                   static_cast<double>(w_.offsets[norms_.size()] - w_.offsets[k0]);
        return 2.0 * sum + recomputeH;
    }
    return 2.0 * users * nnz + recomputeH;
}

template <typename Scalar>
std::size_t BasicSimilarityEngine<Scalar>::blockRows() const
{
    const std::size_t users = norms_.size(), n = static_cast<std::size_t>(gram_.rows());
    const std::size_t perRow = sizeof(Scalar) * (users + (route_ == SimilarityRoute::ItemGram && !keepsH_ ? n : 0));
    return std::clamp<std::size_t>(maxBlockBytes_ / std::max<std::size_t>(perRow, 1), 1, std::max<std::size_t>(users, 1));
}

template <typename Scalar>
void BasicSimilarityEngine<Scalar>::computeBlock(std::size_t first, std::size_t rows, Matrix& block) const
{
    const auto users = static_cast<Eigen::Index>(norms_.size());
    const auto r = static_cast<Eigen::Index>(rows);
    if (route_ == SimilarityRoute::Direct) {
        block.resize(r, users);
        block.noalias() = normalised_.middleRows(static_cast<Eigen::Index>(first), r) * normalised_.transpose();
        return;
    }
    // The block's rows of H = W G (kept, or recomputed); each strip of 16 of the
    // block's users is packed so that block(strip, v) = sum_{i in R(v)} w_vi H(strip, i)
    // is one stripSum per v.
    const auto n = static_cast<std::size_t>(gram_.rows());
    Matrix local;
    if (!keepsH_)
        gramTimesWeights(gram_, w_, first, rows, local);
    const Scalar* ht = keepsH_ ? hT_.data() + first * n : local.data();
    // A block of every user (the usual case when H is kept) is symmetric: each strip
    // sums only v >= its first user, and the rest is mirrored afterwards.
    const bool symmetric = singleSymmetricBlock();
    block.resize(r, users);
    const auto strips = static_cast<std::ptrdiff_t>((rows + kStrip - 1) / kStrip);
    const StripSumKernel<Scalar> kernel = stripSumKernel<Scalar>(StripVariant::Dispatched);
#pragma omp parallel
    {
        std::vector<Scalar> packed;
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t s = 0; s < strips; ++s) {
            const std::size_t k0 = static_cast<std::size_t>(s) * kStrip, len = std::min(kStrip, rows - k0);
            packColumns(ht, n, n, k0, len, packed);
            for (auto v = symmetric ? static_cast<Eigen::Index>(k0) : Eigen::Index(0); v < users; ++v) {
                Scalar* out = block.data() + v * r + static_cast<std::ptrdiff_t>(k0);
                const std::size_t vu = static_cast<std::size_t>(v);
                stripOfUser(kernel, packed.data(), w_, vu, len, out);
                const double nv = norms_[vu];
                for (std::size_t j = 0; j < len; ++j) {
                    const double nu = norms_[first + k0 + j];
                    out[j] = (nu > 0 && nv > 0) ? static_cast<Scalar>(static_cast<double>(out[j]) / (nu * nv)) : Scalar(0);
                }
            }
        }
    }
    if (symmetric)
        mirrorBelowStrips(block);
}

template <typename Scalar>
void BasicSimilarityEngine<Scalar>::forEachBlock(const BlockConsumer& consumer, const JobContext& ctx) const
{
    const std::size_t users = norms_.size();
    const std::size_t step = blockRows();
    Matrix block;
    for (std::size_t first = 0; first < users; first += step) {
        ctx.checkCancelled();
        const std::size_t rows = std::min(step, users - first);
        computeBlock(first, rows, block);
        consumer(first, block);
        ctx.report("similarity", static_cast<double>(first + rows), static_cast<double>(users));
    }
}

template class BasicSimilarityEngine<float>;
template class BasicSimilarityEngine<double>;

}  // namespace tl

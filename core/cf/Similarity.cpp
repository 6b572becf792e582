#include "core/cf/Similarity.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

namespace tl {

SimilarityEngine SimilarityEngine::fromUserProfiles(RowMatrixF profiles)
{
    SimilarityEngine engine;
    engine.route_ = SimilarityRoute::Direct;
    engine.norms_.resize(static_cast<std::size_t>(profiles.rows()));
    for (Eigen::Index u = 0; u < profiles.rows(); ++u) {
        const double norm = profiles.row(u).cast<double>().norm();
        engine.norms_[static_cast<std::size_t>(u)] = static_cast<float>(norm);
        if (norm > 0)
            profiles.row(u) = (profiles.row(u).cast<double>() / norm).cast<float>();
    }
    engine.normalised_ = std::move(profiles);
    return engine;
}

SimilarityEngine SimilarityEngine::fromItemProfiles(const RelevanceMatrix& w, const ItemProfiles& items,
                                                    SimilarityRoute route)
{
    const double users = static_cast<double>(w.users), profiled = static_cast<double>(items.withProfile()),
                 dims = static_cast<double>(items.dims()), nnz = static_cast<double>(w.nonZeros());
    if (route == SimilarityRoute::Auto) {
        // Multiply-adds of each route, with the Gram route's sparse products weighted by how much
        // slower they run than BLAS here (measured: ~4 vs ~120 GFLOP/s on 2 cores; a weight of 2
        // sent the MovieLens-20M shape down the Gram route at 891 s instead of the direct GEMMs).
        constexpr double sparsePenalty = 25;
        const double direct = nnz * dims + users * users * dims;
        const double gram = profiled * profiled * dims / 2 + sparsePenalty * (nnz * profiled + users * nnz);
        route = gram < direct ? SimilarityRoute::ItemGram : SimilarityRoute::Direct;
    }
    if (route == SimilarityRoute::Direct)
        return fromUserProfiles(buildUserProfiles(w, items));

    SimilarityEngine engine;
    engine.route_ = SimilarityRoute::ItemGram;
    engine.w_ = w;
    const Eigen::Index n = items.values.rows();
    engine.gram_ = Eigen::MatrixXf::Zero(n, n);
    // G = MIP MIP^T by BLAS ssyrk (half the flops of a GEMM). The row-major
    // items x F matrix is, in column-major terms, A = F x items, so G = A^T A.
    {
        const int order = static_cast<int>(n), depth = static_cast<int>(items.values.cols());
        const float one = 1.0f, zero = 0.0f;
        if (order > 0 && depth > 0)
            ssyrk_("L", "T", &order, &depth, &one, items.values.data(), &depth, &zero, engine.gram_.data(), &order);
    }
    engine.gram_.triangularView<Eigen::StrictlyUpper>() = engine.gram_.transpose();
    engine.gramFlops_ = profiled * profiled * dims;

    // |MUP(u)|^2 = w_u^T G w_u, accumulated in double.
    engine.norms_.assign(w.users, 0.0f);
    const Eigen::MatrixXf& g = engine.gram_;
#pragma omp parallel for schedule(dynamic, 16)
    for (std::ptrdiff_t u = 0; u < static_cast<std::ptrdiff_t>(w.users); ++u) {
        const std::size_t begin = w.offsets[static_cast<std::size_t>(u)],
                          end = w.offsets[static_cast<std::size_t>(u) + 1];
        double q = 0;
        for (std::size_t a = begin; a < end; ++a) {
            const float* column = g.col(w.rows[a]).data();  // G is symmetric: walk one column
            double inner = 0;
            for (std::size_t b = begin; b < end; ++b)
                inner += static_cast<double>(w.weights[b]) * column[w.rows[b]];
            q += static_cast<double>(w.weights[a]) * inner;
        }
        engine.norms_[static_cast<std::size_t>(u)] = q > 0 ? static_cast<float>(std::sqrt(q)) : 0.0f;
    }
    return engine;
}

double SimilarityEngine::passFlops() const
{
    const double users = static_cast<double>(norms_.size());
    if (route_ == SimilarityRoute::Direct)
        return 2.0 * users * users * static_cast<double>(normalised_.cols());
    const double nnz = static_cast<double>(w_.nonZeros());
    return 2.0 * (nnz * static_cast<double>(gram_.rows()) + users * nnz);
}

std::size_t SimilarityEngine::blockRows() const
{
    const std::size_t users = norms_.size();
    const std::size_t perRow = sizeof(float) * (users + (route_ == SimilarityRoute::ItemGram
                                                             ? 2 * static_cast<std::size_t>(gram_.rows())
                                                             : 0));
    return std::clamp<std::size_t>(maxBlockBytes_ / std::max<std::size_t>(perRow, 1), 1, std::max<std::size_t>(users, 1));
}

void SimilarityEngine::computeBlock(std::size_t first, std::size_t rows, Eigen::MatrixXf& block) const
{
    const auto users = static_cast<Eigen::Index>(norms_.size());
    const auto r = static_cast<Eigen::Index>(rows);
    if (route_ == SimilarityRoute::Direct) {
        block.resize(r, users);
        block.noalias() = normalised_.middleRows(static_cast<Eigen::Index>(first), r) * normalised_.transpose();
        return;
    }
    // P^T = G W_b^T (profiled x rows), then Q = P (rows x profiled) so that
    // Q.col(i) is contiguous over the block's users for the gather below.
    const Eigen::Index profiled = gram_.rows();
    Eigen::MatrixXf pt = Eigen::MatrixXf::Zero(profiled, r);
#pragma omp parallel for schedule(dynamic, 4)
    for (Eigen::Index k = 0; k < r; ++k) {
        const std::size_t u = first + static_cast<std::size_t>(k);
        for (std::size_t e = w_.offsets[u]; e < w_.offsets[u + 1]; ++e)
            pt.col(k) += w_.weights[e] * gram_.col(w_.rows[e]);
    }
    const Eigen::MatrixXf q = pt.transpose();
    block.resize(r, users);
#pragma omp parallel for schedule(dynamic, 64)
    for (Eigen::Index v = 0; v < users; ++v) {
        auto column = block.col(v);
        column.setZero();
        const std::size_t vu = static_cast<std::size_t>(v);
        for (std::size_t e = w_.offsets[vu]; e < w_.offsets[vu + 1]; ++e)
            column += w_.weights[e] * q.col(w_.rows[e]);
        const float nv = norms_[vu];
        for (Eigen::Index k = 0; k < r; ++k) {
            const float nu = norms_[first + static_cast<std::size_t>(k)];
            column[k] = (nu > 0 && nv > 0) ? column[k] / (nu * nv) : 0.0f;
        }
    }
}

void SimilarityEngine::forEachBlock(const BlockConsumer& consumer, const JobContext& ctx) const
{
    const std::size_t users = norms_.size();
    const std::size_t step = blockRows();
    Eigen::MatrixXf block;
    for (std::size_t first = 0; first < users; first += step) {
        ctx.checkCancelled();
        const std::size_t rows = std::min(step, users - first);
        computeBlock(first, rows, block);
        consumer(first, block);
        ctx.report("similarity", static_cast<double>(first + rows), static_cast<double>(users));
    }
}

}  // namespace tl

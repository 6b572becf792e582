#pragma once
// Cosine similarity of user profiles (formula 4), produced in blocks of users
// so that memory stays bounded: a consumer receives, for users
// [first, first + rows), their similarity to every user (a rows x users block).
// A dense users x users matrix never exists unless it is one block.
//
// Two routes give the same numbers:
//  - Direct: S = Pn Pn^T with Pn the row-normalised profiles (users x F).
//  - Item Gram (docs/method.md cost note): MUP MUP^T = W (MIP MIP^T) W^T with
//    W the sparse relevance matrix; cheaper when items << users and F is large
//    (MovieLens 1M with F = 25,088), and MUP is never materialised.
// Users with an all-zero profile have similarity 0 to everyone; isActive()
// tells them apart, and they are never anyone's neighbour.
//
// Precision (docs/exact-neighbours.md): SimilarityEngine computes in float64
// throughout (profiles, norms, the item Gram G, H = W G, the products), so its
// similarities agree with a float64 brute force to ~1e-12 and neighbour choice
// is exact. All-positive features crowd cosines near 1, where float32 cannot
// tell neighbours apart (its spacing near 1 is 6e-8). Float32SimilarityEngine
// is the same code in float32, kept as the benchmark's reference.
//
// Threading: forEachBlock runs on the caller's thread; the products use BLAS
// threads and OpenMP. The consumer is called sequentially, block by block.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"

namespace tl {

enum class SimilarityRoute { Auto, Direct, ItemGram };

template <typename Scalar>
class BasicSimilarityEngine {
public:
    using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    using RowMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    // block(r, v) = sim(first + r, v); column-major, rows = users in this block.
    using BlockConsumer = std::function<void(std::size_t first, const Matrix& block)>;

    // From item profiles and relevance weights (content CF).
    // keepBytes bounds the memory the item Gram route may keep for H = W G between
    // passes (above it, each block recomputes its rows of H).
    static constexpr std::size_t kDefaultKeepBytes = std::size_t(512) << 20;
    static BasicSimilarityEngine fromItemProfiles(const RelevanceMatrix& w, const ItemProfiles& items,
                                             SimilarityRoute route = SimilarityRoute::Auto,
                                             std::size_t keepBytes = kDefaultKeepBytes);
    // From explicit user profiles (rating-based k-NN baselines: rating rows).
    // Rows are normalised in float64 and then stored as Scalar.
    static BasicSimilarityEngine fromUserProfiles(const Eigen::Ref<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>& profiles);

    std::size_t users() const { return norms_.size(); }
    bool isActive(std::size_t user) const { return norms_[user] > 0; }
    // |MUP(u)|, in float64 on both precisions.
    double norm(std::size_t user) const { return norms_[user]; }
    SimilarityRoute route() const { return route_; }
    // Floating-point operations building the engine performs (the item Gram route's
    // G = MIP MIP^T and H = W G; 0 for the direct route) and one full pass performs
    // (for GFLOP/s reports).
    double buildFlops() const { return buildFlops_; }
    double passFlops() const;

    // Users per block: bounded so a block holds at most maxBlockBytes (default 512 MB:
    // MovieLens-1M's 6,040 x 6,040 float64 block is one symmetric block).
    void setMaxBlockBytes(std::size_t bytes) { maxBlockBytes_ = bytes; }
    std::size_t blockRows() const;
    // True when a pass is one block of every user that is exactly symmetric (the item
    // Gram route computes half of it and mirrors the rest), so block.col(u) is user u's
    // row too.
    bool singleSymmetricBlock() const
    {
        return route_ == SimilarityRoute::ItemGram && blockRows() >= norms_.size();
    }

    void forEachBlock(const BlockConsumer& consumer, const JobContext& ctx = JobContext::none()) const;

private:
    BasicSimilarityEngine() = default;
    void computeBlock(std::size_t first, std::size_t rows, Matrix& block) const;

    SimilarityRoute route_ = SimilarityRoute::Direct;
    // Direct route: row-normalised profiles.
    RowMatrix normalised_;
    // Item Gram route: W and G = MIP MIP^T (only its lower triangle is filled).
    RelevanceMatrix w_;
    Matrix gram_;
    // H^T = (W G)^T, profiled x users, kept when it fits keepBytes so that a pass
    // does not recompute it.
    bool keepsH_ = false;
    Matrix hT_;
    std::vector<double> norms_;  // |MUP(u)|
    std::size_t maxBlockBytes_ = std::size_t(512) << 20;
    double buildFlops_ = 0;
};

using SimilarityEngine = BasicSimilarityEngine<double>;
using Float32SimilarityEngine = BasicSimilarityEngine<float>;
extern template class BasicSimilarityEngine<float>;
extern template class BasicSimilarityEngine<double>;

}  // namespace tl

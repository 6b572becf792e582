// trainAutoencoder(): the LibTorch part of the reductions (the other torch file of
// core/features besides TorchExtractors.cpp).

#include <cmath>
#include <cstring>
#include <numeric>

#include <torch/torch.h>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/features/Reductions.h"

namespace tl::features {
namespace {

struct AutoencoderNet : torch::nn::Module {
    AutoencoderNet(std::int64_t f, std::int64_t h, std::int64_t k)
        : encoder(register_module("encoder", torch::nn::Sequential(torch::nn::Linear(f, h), torch::nn::ReLU(),
                                                                   torch::nn::Linear(h, k)))),
          decoder(register_module("decoder", torch::nn::Sequential(torch::nn::Linear(k, h), torch::nn::ReLU(),
                                                                   torch::nn::Linear(h, f))))
    {
    }
    torch::nn::Sequential encoder, decoder;
};

}  // namespace

AutoencoderResult trainAutoencoder(const FeatureMatrix& matrix, const AutoencoderOptions& options,
                                   const JobContext& ctx)
{
    if (matrix.rows() == 0 || matrix.dims() == 0)
        throw ConfigError("autoencoder: the feature matrix is empty");
    if (options.codeSize == 0 || options.hidden == 0 || options.batchSize == 0 || options.epochs <= 0)
        throw ConfigError("autoencoder: code size, hidden size, batch size and epochs must be positive");
    const auto n = static_cast<std::int64_t>(matrix.rows());
    const auto f = static_cast<std::int64_t>(matrix.dims());

    // z-score the columns (constant columns stay 0) so every feature weighs the same.
    torch::Tensor x = torch::from_blob(const_cast<float*>(matrix.values.data()), {n, f}, torch::kFloat).clone();
    const torch::Tensor mean = x.mean(0, true);
    torch::Tensor sd = x.std(0, false, true);
    sd = torch::where(sd > 1e-12, sd, torch::ones_like(sd));
    x = (x - mean) / sd;

    torch::manual_seed(options.seed);
    AutoencoderNet net(f, static_cast<std::int64_t>(options.hidden), static_cast<std::int64_t>(options.codeSize));
    torch::optim::Adam optimiser(net.parameters(), torch::optim::AdamOptions(options.learningRate));
    Rng rng(options.seed);
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t{0});

    AutoencoderResult result;
    net.train();
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        ctx.checkCancelled();
        rng.shuffle(order);
        double total = 0;
        for (std::size_t start = 0; start < order.size(); start += options.batchSize) {
            const std::size_t end = std::min(order.size(), start + options.batchSize);
            const torch::Tensor index = torch::tensor(std::vector<std::int64_t>(order.begin() + static_cast<std::ptrdiff_t>(start),
                                                                                order.begin() + static_cast<std::ptrdiff_t>(end)));
            const torch::Tensor batch = x.index_select(0, index);
            optimiser.zero_grad();
            const torch::Tensor loss = torch::mse_loss(net.decoder->forward(net.encoder->forward(batch)), batch);
            loss.backward();
            optimiser.step();
            total += loss.item<double>() * static_cast<double>(end - start);
        }
        result.lossPerEpoch.push_back(total / static_cast<double>(n));
        ctx.report("autoencoder", epoch + 1, options.epochs,
                   "loss " + std::to_string(result.lossPerEpoch.back()));
    }

    net.eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor codes = net.encoder->forward(x).contiguous();
    result.codes.ids = matrix.ids;
    result.codes.values.resize(n, codes.size(1));
    std::memcpy(result.codes.values.data(), codes.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(codes.numel()));
    return result;
}

}  // namespace tl::features

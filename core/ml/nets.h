#pragma once
// Private to core/ml: the LibTorch networks.

#include "core/ml/training.h"

#include <torch/torch.h>

namespace ecgscope::ml {

/// Common interface of the classifier networks: [batch, leads, samples] (and [batch, features] rhythm
/// features, joined to the pooled waveform features before the last layer) -> [batch, classes] logits.
struct NetImpl : torch::nn::Module {
    virtual torch::Tensor forward(torch::Tensor x, torch::Tensor features) = 0;
    /// The early stages, which fine-tuning may freeze: all but the last stage and the head.
    virtual std::vector<torch::Tensor> earlyParameters() = 0;
    /// The classifier head's parameters (the last layer).
    std::vector<torch::Tensor> headParameters() { return head->parameters(); }

protected:
    /// The classifier head on pooled waveform features, with the rhythm features appended.
    torch::Tensor classify(const torch::Tensor &pooled, const torch::Tensor &features);
    torch::nn::Linear head{nullptr};
};

/// Conv - BN - ReLU - Conv - BN plus a (projected, when the shape changes) shortcut, then ReLU.
struct ResBlockImpl : torch::nn::Module {
    ResBlockImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Conv1d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
    torch::nn::BatchNorm1d bn1{nullptr}, bn2{nullptr}, bnShortcut{nullptr};
};
TORCH_MODULE(ResBlock);

struct ResNet1dImpl : NetImpl {
    ResNet1dImpl(int64_t leads, int64_t classes, int64_t width, int64_t blocksPerStage, int64_t features);
    torch::Tensor forward(torch::Tensor x, torch::Tensor features) override;
    std::vector<torch::Tensor> earlyParameters() override;
    torch::nn::Sequential stem{nullptr}, body{nullptr};
    int64_t blocksPerStage = 1;
};
TORCH_MODULE(ResNet1d);

/// InceptionTime module: a 1x1 bottleneck, three parallel convolutions of different lengths and a
/// max-pool branch, concatenated, batch-normalised.
struct InceptionModuleImpl : torch::nn::Module {
    InceptionModuleImpl(int64_t in, int64_t filters, int64_t bottleneck);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Conv1d bottleneck{nullptr}, k1{nullptr}, k2{nullptr}, k3{nullptr}, poolConv{nullptr};
    torch::nn::BatchNorm1d bn{nullptr};
};
TORCH_MODULE(InceptionModule);

struct Inception1dImpl : NetImpl {
    Inception1dImpl(int64_t leads, int64_t classes, int64_t filters, int64_t modules, int64_t features);
    torch::Tensor forward(torch::Tensor x, torch::Tensor features) override;
    std::vector<torch::Tensor> earlyParameters() override;
    torch::nn::Sequential stem{nullptr};
    torch::nn::ModuleList blocks{nullptr}, shortcuts{nullptr};
};
TORCH_MODULE(Inception1d);

std::shared_ptr<NetImpl> makeNet(const NetConfig &config, int64_t leads, int64_t classes, int64_t features);

/// Focal loss, mean over the batch: -alpha_t (1 - p_t)^gamma log p_t. `alpha` may be undefined (all 1).
torch::Tensor focalLoss(const torch::Tensor &logits, const torch::Tensor &targets, double gamma, const torch::Tensor &alpha);

} // namespace ecgscope::ml

#include "core/ml/nets.h"

namespace ecgscope::ml {

namespace F = torch::nn::functional;

torch::Tensor NetImpl::classify(const torch::Tensor &pooled, const torch::Tensor &features)
{
    return head(features.defined() && features.numel() > 0 ? torch::cat({pooled, features}, 1) : pooled);
}

ResBlockImpl::ResBlockImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride)
{
    conv1 = register_module("conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false)));
    bn1 = register_module("bn1", torch::nn::BatchNorm1d(out));
    conv2 = register_module("conv2", torch::nn::Conv1d(torch::nn::Conv1dOptions(out, out, kernel).padding(kernel / 2).bias(false)));
    bn2 = register_module("bn2", torch::nn::BatchNorm1d(out));
    if (in != out || stride != 1) {
        shortcut = register_module("shortcut", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1).stride(stride).bias(false)));
        bnShortcut = register_module("bn_shortcut", torch::nn::BatchNorm1d(out));
    }
}

torch::Tensor ResBlockImpl::forward(torch::Tensor x)
{
    torch::Tensor y = torch::relu(bn1(conv1(x)));
    y = bn2(conv2(y));
    const torch::Tensor s = shortcut ? bnShortcut(shortcut(x)) : x;
    return torch::relu(y + s);
}

namespace {
void append(std::vector<torch::Tensor> &out, const std::vector<torch::Tensor> &more) { out.insert(out.end(), more.begin(), more.end()); }
} // namespace

ResNet1dImpl::ResNet1dImpl(int64_t leads, int64_t classes, int64_t width, int64_t blocks, int64_t features) : blocksPerStage(blocks)
{
    const int64_t kStemKernel = 15; // 150 ms at 100 Hz: about one QRS complex
    const int64_t kBlockKernel = 7;
    stem = register_module("stem", torch::nn::Sequential(
                                       torch::nn::Conv1d(torch::nn::Conv1dOptions(leads, width, kStemKernel).stride(2).padding(kStemKernel / 2).bias(false)),
                                       torch::nn::BatchNorm1d(width), torch::nn::ReLU(),
                                       torch::nn::MaxPool1d(torch::nn::MaxPool1dOptions(3).stride(2).padding(1))));
    // Four stages, the last three halving the length and the second and fourth doubling the channels.
    const int64_t channels[] = {width, width * 2, width * 2, width * 4};
    const int64_t strides[] = {1, 2, 2, 2};
    body = torch::nn::Sequential();
    int64_t in = width;
    for (int s = 0; s < 4; ++s) {
        for (int64_t b = 0; b < blocks; ++b) {
            body->push_back(ResBlock(in, channels[s], kBlockKernel, b == 0 ? strides[s] : 1));
            in = channels[s];
        }
    }
    register_module("body", body);
    head = register_module("head", torch::nn::Linear(in + features, classes));
}

torch::Tensor ResNet1dImpl::forward(torch::Tensor x, torch::Tensor features)
{
    x = body->forward(stem->forward(x));
    return classify(x.mean(2), features); // global average pooling over time
}

std::vector<torch::Tensor> ResNet1dImpl::earlyParameters()
{
    std::vector<torch::Tensor> out = stem->parameters();
    for (size_t b = 0; b + size_t(blocksPerStage) < body->size(); ++b) // the first three of the four stages
        append(out, body[b]->parameters());
    return out;
}

InceptionModuleImpl::InceptionModuleImpl(int64_t in, int64_t filters, int64_t bottleneckChannels)
{
    // Kernel lengths for 100 Hz input: 90, 190 and 390 ms (InceptionTime's 10/20/40 at odd sizes).
    const int64_t kernels[] = {9, 19, 39};
    bottleneck = register_module("bottleneck", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, bottleneckChannels, 1).bias(false)));
    k1 = register_module("k1", torch::nn::Conv1d(torch::nn::Conv1dOptions(bottleneckChannels, filters, kernels[0]).padding(kernels[0] / 2).bias(false)));
    k2 = register_module("k2", torch::nn::Conv1d(torch::nn::Conv1dOptions(bottleneckChannels, filters, kernels[1]).padding(kernels[1] / 2).bias(false)));
    k3 = register_module("k3", torch::nn::Conv1d(torch::nn::Conv1dOptions(bottleneckChannels, filters, kernels[2]).padding(kernels[2] / 2).bias(false)));
    poolConv = register_module("pool_conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, filters, 1).bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm1d(4 * filters));
}

torch::Tensor InceptionModuleImpl::forward(torch::Tensor x)
{
    const torch::Tensor b = bottleneck(x);
    const torch::Tensor pooled = poolConv(F::max_pool1d(x, F::MaxPool1dFuncOptions(3).stride(1).padding(1)));
    return torch::relu(bn(torch::cat({k1(b), k2(b), k3(b), pooled}, 1)));
}

Inception1dImpl::Inception1dImpl(int64_t leads, int64_t classes, int64_t filters, int64_t moduleCount, int64_t features)
{
    // A strided stem halves the length first: InceptionTime keeps full length, which costs twice the time
    // for no measured gain at 100 Hz.
    const int64_t kBottleneck = filters;
    stem = register_module("stem", torch::nn::Sequential(
                                       torch::nn::Conv1d(torch::nn::Conv1dOptions(leads, filters, 7).stride(2).padding(3).bias(false)),
                                       torch::nn::BatchNorm1d(filters), torch::nn::ReLU()));
    blocks = torch::nn::ModuleList();
    shortcuts = torch::nn::ModuleList();
    int64_t in = filters;
    int64_t residualIn = filters;
    for (int64_t m = 0; m < moduleCount; ++m) {
        blocks->push_back(InceptionModule(in, filters, kBottleneck));
        in = 4 * filters;
        // A residual connection around every three modules, as in InceptionTime.
        if (m % 3 == 2) {
            shortcuts->push_back(torch::nn::Sequential(torch::nn::Conv1d(torch::nn::Conv1dOptions(residualIn, in, 1).bias(false)),
                                                       torch::nn::BatchNorm1d(in)));
            residualIn = in;
        }
    }
    register_module("blocks", blocks);
    register_module("shortcuts", shortcuts);
    head = register_module("head", torch::nn::Linear(in + features, classes));
}

torch::Tensor Inception1dImpl::forward(torch::Tensor x, torch::Tensor features)
{
    x = stem->forward(x);
    torch::Tensor residual = x;
    for (size_t m = 0; m < blocks->size(); ++m) {
        x = blocks[m]->as<InceptionModule>()->forward(x);
        if (m % 3 == 2) {
            x = torch::relu(x + shortcuts[m / 3]->as<torch::nn::Sequential>()->forward(residual));
            residual = x;
        }
    }
    return classify(x.mean(2), features);
}

std::vector<torch::Tensor> Inception1dImpl::earlyParameters()
{
    // The last stage: the last three modules (one residual group) and, where it closes, its shortcut.
    const size_t last = blocks->size() > 3 ? blocks->size() - 3 : 0;
    std::vector<torch::Tensor> out = stem->parameters();
    for (size_t m = 0; m < last; ++m)
        append(out, blocks[m]->parameters());
    for (size_t s = 0; s < shortcuts->size() && 3 * s + 2 < last; ++s)
        append(out, shortcuts[s]->parameters());
    return out;
}

std::shared_ptr<NetImpl> makeNet(const NetConfig &config, int64_t leads, int64_t classes, int64_t features)
{
    if (config.architecture == Architecture::ResNet)
        return ResNet1d(leads, classes, config.width, config.depth, features).ptr();
    return Inception1d(leads, classes, config.width, config.depth, features).ptr();
}

torch::Tensor focalLoss(const torch::Tensor &logits, const torch::Tensor &targets, double gamma, const torch::Tensor &alpha)
{
    const torch::Tensor logp = torch::log_softmax(logits, 1).gather(1, targets.unsqueeze(1)).squeeze(1);
    torch::Tensor loss = -torch::pow(1.0 - logp.exp(), gamma) * logp;
    if (alpha.defined())
        loss = loss * alpha.index_select(0, targets);
    return loss.mean();
}

} // namespace ecgscope::ml

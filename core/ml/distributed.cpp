#include "core/ml/distributed.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <QElapsedTimer>

namespace ecgscope::ml {

Result<std::unique_ptr<Communicator>> Communicator::connect(const DistributedConfig &config)
{
    using R = Result<std::unique_ptr<Communicator>>;
    if (config.worldSize < 2 || config.rank < 0 || config.rank >= config.worldSize)
        return R::failure(QStringLiteral("distributed: rank %1 of world size %2 is invalid").arg(config.rank).arg(config.worldSize));
    std::unique_ptr<Communicator> c(new Communicator);
    c->mRank = config.rank;
    c->mWorld = config.worldSize;
    const std::chrono::milliseconds timeout(config.timeoutSeconds * 1000);
    try {
        c10d::TCPStoreOptions options;
        options.port = uint16_t(config.masterPort);
        options.isServer = config.rank == 0;
        options.numWorkers = config.worldSize;
        options.waitWorkers = true;
        options.timeout = timeout;
        c->mStore = c10::make_intrusive<c10d::TCPStore>(config.masterAddress.toStdString(), options);
        auto groupOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        // The interface that reaches the master is the one this rank listens on.
        groupOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
            config.interfaceAddress.isEmpty() ? config.masterAddress.toStdString() : config.interfaceAddress.toStdString()));
        c->mGroup = c10::make_intrusive<c10d::ProcessGroupGloo>(c->mStore, config.rank, config.worldSize, groupOptions);
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("distributed: rank %1 could not join %2 ranks at %3:%4 within %5 s: %6")
                              .arg(config.rank).arg(config.worldSize).arg(config.masterAddress).arg(config.masterPort).arg(config.timeoutSeconds)
                              .arg(QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return c;
}

void Communicator::averageInPlace(const std::vector<torch::Tensor> &tensors, int64_t bucketElements)
{
    QElapsedTimer clock;
    clock.start();
    torch::NoGradGuard noGrad;
    // Pack into buckets (fewer, larger messages), start every bucket's all-reduce, then wait for all.
    std::vector<std::vector<torch::Tensor>> buckets(1);
    int64_t filled = 0;
    for (const torch::Tensor &t : tensors) {
        if (filled > 0 && filled + t.numel() > bucketElements) {
            buckets.emplace_back();
            filled = 0;
        }
        buckets.back().push_back(t);
        filled += t.numel();
    }
    std::vector<torch::Tensor> flat;
    std::vector<c10::intrusive_ptr<c10d::Work>> work;
    for (const auto &bucket : buckets) {
        std::vector<torch::Tensor> pieces;
        for (const torch::Tensor &t : bucket)
            pieces.push_back(t.reshape({-1}));
        flat.push_back(torch::cat(pieces));
        std::vector<torch::Tensor> one{flat.back()};
        work.push_back(mGroup->allreduce(one));
    }
    for (size_t b = 0; b < buckets.size(); ++b) {
        work[b]->wait();
        flat[b].div_(mWorld);
        int64_t offset = 0;
        for (const torch::Tensor &t : buckets[b]) {
            t.copy_(flat[b].slice(0, offset, offset + t.numel()).view_as(t));
            offset += t.numel();
        }
    }
    mSeconds += clock.nsecsElapsed() / 1.0e9;
}

void Communicator::broadcastFromRoot(torch::Tensor &tensor)
{
    std::vector<torch::Tensor> one{tensor};
    mGroup->broadcast(one)->wait();
}

int64_t Communicator::minimum(int64_t value)
{
    std::vector<torch::Tensor> one{torch::tensor({value}, torch::kInt64)};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::MIN;
    mGroup->allreduce(one, options)->wait();
    return one.front().item<int64_t>();
}

void Communicator::barrier()
{
    mGroup->barrier()->wait();
}

} // namespace ecgscope::ml

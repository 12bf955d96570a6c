#include "core/ml/netbench.h"

#include "core/ml/nets.h"
#include "core/timing.h"

#include <QDir>
#include <QFile>

namespace ecgscope::ml {

namespace {

Status savePickle(const c10::IValue &value, const QString &path)
{
    const std::vector<char> bytes = torch::pickle_save(value);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        return Status::failure(QStringLiteral("%1: cannot write").arg(path));
    return success();
}

} // namespace

Result<NetBenchResult> benchmarkNet(const NetBenchOptions &o)
{
    torch::manual_seed(1);
    std::shared_ptr<NetImpl> net = makeNet(o.net, o.leads, o.classes, 0);
    NetBenchResult r;
    for (const auto &p : net->parameters())
        r.parameters += int(p.numel());
    torch::manual_seed(1234);
    const torch::Tensor batch = torch::randn({o.batch, o.leads, o.length});
    const torch::Tensor labels = torch::randint(o.classes, {o.batch}, torch::kLong);
    const torch::Tensor none;
    net->eval();
    {
        c10::InferenceMode guard;
        const torch::Tensor one = batch.slice(0, 0, 1).contiguous();
        r.latencyMs = medianOf(timeRepeatedMs(o.repeats, [&] { net->forward(one, none); }));
        r.batchedMsPerEcg = medianOf(timeRepeatedMs(std::max(3, o.repeats / 3), [&] { net->forward(batch, none); })) / o.batch;
        if (!o.exportDir.isEmpty()) {
            QDir().mkpath(o.exportDir);
            c10::Dict<std::string, torch::Tensor> state;
            for (const auto &p : net->named_parameters())
                state.insert(p.key(), p.value().detach());
            for (const auto &b : net->named_buffers())
                state.insert(b.key(), b.value().detach());
            for (const auto &[value, name] : {std::pair<c10::IValue, const char *>{state, "weights.pt"}, {batch, "input.pt"}, {net->forward(batch, none), "logits.pt"}})
                if (Status s = savePickle(value, QDir(o.exportDir).filePath(QLatin1String(name))); !s)
                    return Result<NetBenchResult>::failure(s.error());
        }
    }
    net->train();
    torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(1e-3));
    const double stepMs = medianOf(timeRepeatedMs(o.trainSteps, [&] {
        optimizer.zero_grad();
        torch::nn::functional::cross_entropy(net->forward(batch, none), labels).backward();
        optimizer.step();
    }));
    r.trainSamplesPerSecond = o.batch / (stepMs / 1000.0);
    return r;
}

} // namespace ecgscope::ml

#include "core/ml/classifier.h"
#include "core/ml/distributed.h"
#include "core/ml/nets.h"
#include "core/ml/runtime.h"
#include "core/ml/tensors.h"
#include "core/ml/training.h"
#include "core/privatefile.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

#include <cmath>
#include <optional>
#include <random>

namespace ecgscope::ml {

namespace {

// Augmentation strengths, in units of the standardised signal.
constexpr double kNoiseSd = 0.05;
constexpr double kLeadDropout = 0.1; // probability that a training window loses a lead (as reduced-lead files do)
constexpr int64_t kEvalChunk = 256;

struct Stage {
    QString name;                  ///< "model", "stage1", "stage2-<group>"
    QString file;                  ///< weights file name in the model folder
    std::vector<int> members;      ///< classes this stage separates (its outputs), for the card
    std::vector<std::vector<int>> groups; ///< stage 1 of subclass: its outputs are these groups
    SplitTensors train, val;       ///< labels already mapped to this stage's outputs
    int outputs = 0;
};

Status writeText(const QString &path, const QString &text)
{
    QSaveFile f(path);
    const QByteArray bytes = text.toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Status::failure(QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
    return success();
}

/// Keeps the samples whose label is in `keep` and relabels them through `map` (class -> new label).
SplitTensors remap(const SplitTensors &t, const std::vector<int> &map)
{
    if (t.size() == 0)
        return t;
    const auto *y = t.y.data_ptr<int64_t>();
    std::vector<int64_t> rows, labels;
    for (int64_t i = 0; i < t.size(); ++i) {
        if (map[size_t(y[i])] >= 0) {
            rows.push_back(i);
            labels.push_back(map[size_t(y[i])]);
        }
    }
    SplitTensors out;
    const torch::Tensor index = torch::tensor(rows, torch::kInt64);
    out.x = t.x.index_select(0, index);
    out.f = t.f.index_select(0, index);
    out.w = t.w.index_select(0, index);
    out.y = torch::tensor(labels, torch::kInt64);
    return out;
}

std::vector<int> labelsOf(const SplitTensors &t)
{
    const auto *y = t.y.data_ptr<int64_t>();
    return std::vector<int>(y, y + t.size());
}

std::vector<torch::Tensor> snapshot(const std::shared_ptr<NetImpl> &net)
{
    std::vector<torch::Tensor> state;
    for (const auto &p : net->parameters())
        state.push_back(p.detach().clone());
    for (const auto &b : net->buffers())
        state.push_back(b.detach().clone());
    return state;
}

void restore(const std::shared_ptr<NetImpl> &net, const std::vector<torch::Tensor> &state)
{
    torch::NoGradGuard noGrad;
    size_t i = 0;
    for (auto &p : net->parameters())
        p.copy_(state[i++]);
    for (auto &b : net->buffers())
        b.copy_(state[i++]);
}

torch::Tensor predictLogits(const std::shared_ptr<NetImpl> &net, const SplitTensors &t)
{
    torch::NoGradGuard noGrad;
    net->eval();
    std::vector<torch::Tensor> chunks;
    for (int64_t s = 0; s < t.size(); s += kEvalChunk) {
        const int64_t e = std::min(s + kEvalChunk, t.size());
        chunks.push_back(net->forward(t.x.slice(0, s, e), t.f.slice(0, s, e)));
    }
    net->train();
    return torch::cat(chunks);
}

/// Macro-F1 on the validation split (over the classes it has or the model predicts: real validation data
/// often lacks some, such as PSVT).
double macroF1(const std::shared_ptr<NetImpl> &net, const SplitTensors &val, int outputs)
{
    if (val.size() == 0)
        return 0.0;
    const torch::Tensor pred = predictLogits(net, val).argmax(1).contiguous();
    const auto *p = pred.data_ptr<int64_t>();
    QStringList names;
    for (int c = 0; c < outputs; ++c)
        names << QString::number(c);
    return evaluate(names, labelsOf(val), std::vector<int>(p, p + pred.size(0))).macroF1;
}

/// One epoch's draw: each record `floor(w)` times plus once more with probability `frac(w)`, so that
/// a record of weight w is seen w times per epoch on average.
std::vector<size_t> weightedDraw(const torch::Tensor &weights, std::mt19937_64 &rng)
{
    const auto *w = weights.data_ptr<double>();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<size_t> order;
    for (int64_t i = 0; i < weights.size(0); ++i) {
        const double whole = std::floor(w[i]);
        for (int k = 0; k < int(whole); ++k)
            order.push_back(size_t(i));
        if (u(rng) < w[i] - whole)
            order.push_back(size_t(i));
    }
    return order;
}

QString describe(const InputContract &c)
{
    return QStringLiteral("%1 leads (%2) at %3 Hz, %4 samples, %5-%6 Hz band, features: %7")
        .arg(c.leads.size()).arg(c.leads.join(QLatin1Char(' '))).arg(c.sampleRateHz).arg(c.samples).arg(c.bandLowHz).arg(c.bandHighHz)
        .arg(c.features.isEmpty() ? QStringLiteral("none") : c.features.join(QLatin1Char(' ')));
}

/// Copies the parent's weights into `net` wherever name and shape agree; the head only with `copyHead`.
Status initialiseFrom(const std::shared_ptr<NetImpl> &net, const ParentModel &parent, int64_t leads, int64_t features, bool copyHead)
{
    try {
        auto source = makeNet(parent.net, leads, parent.outputs, features);
        torch::serialize::InputArchive archive;
        archive.load_from(parent.weightsFile.toStdString());
        source->load(archive);
        torch::NoGradGuard noGrad;
        const auto from = source->named_parameters(), fromBuffers = source->named_buffers();
        const auto copy = [&](torch::OrderedDict<std::string, torch::Tensor> to, const torch::OrderedDict<std::string, torch::Tensor> &src) {
            for (auto &item : to) {
                if (!copyHead && item.key().rfind("head.", 0) == 0)
                    continue;
                const torch::Tensor *t = src.find(item.key());
                if (t && t->sizes() == item.value().sizes())
                    item.value().copy_(*t);
            }
        };
        copy(net->named_parameters(), from);
        copy(net->named_buffers(), fromBuffers);
    } catch (const c10::Error &e) {
        return Status::failure(QStringLiteral("%1: cannot initialise from the parent's weights: %2")
                                   .arg(parent.weightsFile, QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
    }
    return success();
}

struct StageOutcome {
    std::shared_ptr<NetImpl> net;
    double samples = 0.0;
    double seconds = 0.0;
    int steps = 0;
};

/// Floating-point buffers (batch-norm running statistics), which the ranks average after each epoch.
std::vector<torch::Tensor> statistics(const std::shared_ptr<NetImpl> &net)
{
    std::vector<torch::Tensor> out;
    for (const auto &b : net->buffers())
        if (b.is_floating_point())
            out.push_back(b);
    return out;
}

Result<StageOutcome> trainStage(const Stage &stage, const TrainConfig &cfg, const QString &outDir, TrainingObserver *observer,
                                std::vector<EpochReport> &history, Communicator *comm, const ParentModel *parent, bool copyHead)
{
    const int world = comm ? comm->worldSize() : 1;
    const bool root = !comm || comm->rank() == 0;
    const int localBatch = cfg.batchSize / world;
    if (stage.train.size() == 0)
        return Result<StageOutcome>::failure(QStringLiteral("%1: the training split is empty").arg(stage.name));
    torch::manual_seed(cfg.seed);
    StageOutcome out;
    out.net = makeNet(cfg.net, stage.train.x.size(1), stage.outputs, stage.train.f.size(1));
    if (parent) {
        if (Status s = initialiseFrom(out.net, *parent, stage.train.x.size(1), stage.train.f.size(1), copyHead); !s)
            return Result<StageOutcome>::failure(s.error());
    }
    // Two parameter groups: the head at the full learning rate, the rest (pretrained when fine-tuning)
    // at a fraction of it.
    const std::vector<torch::Tensor> headParams = out.net->headParameters();
    std::vector<torch::Tensor> bodyParams;
    for (const auto &p : out.net->parameters())
        if (std::none_of(headParams.begin(), headParams.end(), [&](const torch::Tensor &h) { return h.is_same(p); }))
            bodyParams.push_back(p);
    const double bodyScale = parent ? cfg.fineTune.pretrainedLrScale : 1.0;
    const std::vector<double> groupScale{bodyScale, 1.0};
    torch::optim::Adam optimizer(
        {torch::optim::OptimizerParamGroup(bodyParams, std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(cfg.learningRate * bodyScale).weight_decay(cfg.weightDecay))),
         torch::optim::OptimizerParamGroup(headParams, std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(cfg.learningRate).weight_decay(cfg.weightDecay)))},
        torch::optim::AdamOptions(cfg.learningRate).weight_decay(cfg.weightDecay));
    const std::vector<torch::Tensor> early = out.net->earlyParameters();

    const std::vector<int> labels = labelsOf(stage.train);
    std::vector<int> counts(size_t(stage.outputs), 0);
    for (int l : labels)
        ++counts[size_t(l)];
    torch::Tensor weights, alpha;
    if (cfg.strategy.classWeights) {
        const auto w = classWeights(counts, cfg.strategy.scheme, cfg.strategy.beta);
        weights = torch::tensor(std::vector<float>(w.begin(), w.end()));
    }
    if (cfg.strategy.focal && int(cfg.strategy.alpha.size()) == stage.outputs)
        alpha = torch::tensor(std::vector<float>(cfg.strategy.alpha.begin(), cfg.strategy.alpha.end()));
    const auto lossOf = [&](const torch::Tensor &logits, const torch::Tensor &y) {
        if (cfg.strategy.focal)
            return focalLoss(logits, y, cfg.strategy.gamma, alpha);
        auto options = torch::nn::functional::CrossEntropyFuncOptions();
        if (weights.defined())
            options = options.weight(weights);
        return torch::nn::functional::cross_entropy(logits, y, options);
    };

    const QString checkpointPath = QDir(outDir).filePath(QStringLiteral("checkpoint-%1.pt").arg(stage.name));
    int firstEpoch = 1;
    double best = -1.0;
    int badEpochs = 0;
    std::vector<torch::Tensor> bestState = snapshot(out.net);
    if (cfg.resume && QFile::exists(checkpointPath)) {
        try {
            torch::serialize::InputArchive archive, model, optim, bestArchive;
            archive.load_from(checkpointPath.toStdString());
            archive.read("model", model);
            archive.read("optimizer", optim);
            archive.read("best_model", bestArchive);
            out.net->load(model);
            optimizer.load(optim);
            torch::Tensor meta;
            archive.read("meta", meta);
            firstEpoch = int(meta[0].item<double>()) + 1;
            best = meta[1].item<double>();
            badEpochs = int(meta[2].item<double>());
            const auto current = snapshot(out.net);
            out.net->load(bestArchive);
            bestState = snapshot(out.net);
            restore(out.net, current);
        } catch (const c10::Error &e) {
            return Result<StageOutcome>::failure(QStringLiteral("%1: cannot resume: %2").arg(checkpointPath, QString::fromStdString(e.what_without_backtrace())));
        }
    }

    QElapsedTimer clock;
    clock.start();
    const int64_t n = stage.train.size();
    try { // collectives throw when a peer dies or times out
    for (int epoch = firstEpoch; epoch <= cfg.epochs && badEpochs < cfg.patience; ++epoch) {
        QElapsedTimer epochClock;
        epochClock.start();
        // Cosine annealing from the initial learning rate towards zero over the planned epochs.
        const double lr = cfg.learningRate * 0.5 * (1.0 + std::cos(M_PI * (epoch - 1) / cfg.epochs));
        for (size_t g = 0; g < optimizer.param_groups().size(); ++g)
            static_cast<torch::optim::AdamOptions &>(optimizer.param_groups()[g].options()).lr(lr * groupScale[g]);
        const bool frozen = epoch <= cfg.fineTune.freezeEpochs;
        for (auto &p : early)
            p.set_requires_grad(!frozen);

        std::mt19937_64 rng(cfg.seed * 7919ULL + uint64_t(epoch));
        std::vector<size_t> order;
        if (cfg.strategy.balance) {
            order = balancedDraw(labels, stage.outputs, cfg.strategy.redrawEachEpoch ? cfg.seed + uint64_t(epoch) : cfg.seed);
        } else if ((stage.train.w != 1.0).any().item<bool>()) {
            order = weightedDraw(stage.train.w, rng);
        } else {
            order.resize(size_t(n));
            std::iota(order.begin(), order.end(), 0);
        }
        std::shuffle(order.begin(), order.end(), rng);

        double lossSum = 0.0;
        int batches = 0;
        // Ranks take the same number of steps (full local batches) so that every all-reduce has all ranks.
        const int64_t batchCount = comm ? comm->minimum(int64_t(order.size()) / localBatch)
                                        : (int64_t(order.size()) + localBatch - 1) / localBatch;
        for (int64_t step = 0; step < batchCount; ++step) {
            const size_t start = size_t(step) * size_t(localBatch);
            if (observer && observer->cancelled())
                return Result<StageOutcome>::failure(QStringLiteral("training cancelled (%1, epoch %2); checkpoints kept in %3").arg(stage.name).arg(epoch).arg(outDir));
            const size_t end = std::min(order.size(), start + size_t(localBatch));
            if (end - start < 2)
                continue; // batch norm needs two samples
            const torch::Tensor index = torch::tensor(std::vector<int64_t>(order.begin() + long(start), order.begin() + long(end)), torch::kInt64);
            torch::Tensor x = stage.train.x.index_select(0, index);
            const torch::Tensor f = stage.train.f.index_select(0, index);
            const torch::Tensor y = stage.train.y.index_select(0, index);
            if (cfg.augment) {
                x = x + kNoiseSd * torch::randn_like(x);
                x = x * (torch::rand({x.size(0), x.size(1), 1}) >= kLeadDropout).to(torch::kFloat);
            }
            optimizer.zero_grad();
            const torch::Tensor loss = lossOf(out.net->forward(x, f), y);
            loss.backward();
            if (comm) {
                std::vector<torch::Tensor> grads;
                for (const auto &p : out.net->parameters())
                    if (p.grad().defined())
                        grads.push_back(p.grad());
                comm->averageInPlace(grads);
            }
            optimizer.step();
            ++out.steps;
            lossSum += loss.item<double>();
            ++batches;
            out.samples += double(end - start);
            if (observer)
                observer->report(batches, batchCount, QStringLiteral("%1 epoch %2/%3").arg(stage.name).arg(epoch).arg(cfg.epochs));
        }
        if (comm)
            comm->averageInPlace(statistics(out.net));
        double f1 = macroF1(out.net, stage.val.size() > 0 ? stage.val : stage.train, stage.outputs);
        if (comm) { // rank 0's validation decides early stopping for all
            torch::Tensor decided = torch::tensor({f1}, torch::kDouble);
            comm->broadcastFromRoot(decided);
            f1 = decided.item<double>();
        }
        if (f1 > best) {
            best = f1;
            bestState = snapshot(out.net);
            badEpochs = 0;
        } else {
            ++badEpochs;
        }
        EpochReport report{stage.name, epoch, cfg.epochs, batches ? lossSum / batches : 0.0, f1, lr, epochClock.elapsed() / 1000.0};
        history.push_back(report);
        if (observer)
            observer->epochFinished(report);
        if (!root)
            continue; // only rank 0 writes checkpoints

        try {
            torch::serialize::OutputArchive archive, model, optim, bestArchive;
            out.net->save(model);
            optimizer.save(optim);
            const auto current = snapshot(out.net);
            restore(out.net, bestState);
            out.net->save(bestArchive);
            restore(out.net, current);
            archive.write("model", model);
            archive.write("optimizer", optim);
            archive.write("best_model", bestArchive);
            archive.write("meta", torch::tensor({double(epoch), best, double(badEpochs)}, torch::kDouble));
            archive.save_to(checkpointPath.toStdString());
        } catch (const c10::Error &e) {
            return Result<StageOutcome>::failure(QStringLiteral("%1: cannot write checkpoint: %2").arg(checkpointPath, QString::fromStdString(e.what_without_backtrace())));
        }
    }
    } catch (const std::exception &e) {
        return Result<StageOutcome>::failure(QStringLiteral("distributed training stopped on rank %1 (%2): %3 (did another rank fail or time out?)")
                                                 .arg(comm ? comm->rank() : 0).arg(stage.name)
                                                 .arg(QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    restore(out.net, bestState);
    out.seconds = clock.elapsed() / 1000.0;
    return out;
}

} // namespace

Result<ParentModel> readParentModel(const QString &modelDir)
{
    auto loaded = Classifier::load(modelDir); // the card and the checksums of its weights, verified
    if (!loaded)
        return Result<ParentModel>::failure(loaded.error());
    const QJsonObject &card = loaded.value()->card();
    ParentModel p;
    p.dir = loaded.value()->directory();
    p.modelId = loaded.value()->modelId();
    p.mapping = card.value(QStringLiteral("mapping")).toString();
    p.contract = loaded.value()->contract();
    p.classes = loaded.value()->classNames();
    auto net = NetConfig::fromJson(card.value(QStringLiteral("architecture")).toObject());
    if (!net)
        return Result<ParentModel>::failure(net.error());
    p.net = net.value();
    const QJsonArray stages = card.value(QStringLiteral("stages")).toArray();
    const QJsonObject first = stages.first().toObject();
    p.weightsFile = QDir(p.dir).filePath(first.value(QStringLiteral("file")).toString());
    p.outputs = first.value(QStringLiteral("outputs")).toInt();
    p.singleStage = stages.size() == 1 && !first.contains(QStringLiteral("groups"));
    return p;
}

Result<TrainResult> train(const dataset::Manifest &manifest, const TrainConfig &cfg, const QString &outDir, TrainingObserver *observer)
{
    if (cfg.epochs < 1 || cfg.batchSize < 2 || !(cfg.learningRate > 0))
        return Result<TrainResult>::failure(QStringLiteral("train: epochs >= 1, batch size >= 2 and a positive learning rate are required"));
    if (Status s = makePrivateFolder(outDir); !s) // its card names the data it learnt from
        return Result<TrainResult>::failure(s.error());
    setThreadCount(cfg.threads);
    QElapsedTimer clock;
    clock.start();

    std::unique_ptr<Communicator> comm;
    if (cfg.distributed.worldSize > 1) {
        if (cfg.batchSize % cfg.distributed.worldSize != 0 || cfg.batchSize / cfg.distributed.worldSize < 2)
            return Result<TrainResult>::failure(QStringLiteral("train: the global batch %1 must split into equal local batches of at least 2 over %2 ranks")
                                                    .arg(cfg.batchSize).arg(cfg.distributed.worldSize));
        if (cfg.resume)
            return Result<TrainResult>::failure(QStringLiteral("train: --resume is supported for single-process training only"));
        auto connected = Communicator::connect(cfg.distributed);
        if (!connected)
            return Result<TrainResult>::failure(connected.error());
        comm = std::move(connected).value();
    }
    const int rank = comm ? comm->rank() : 0, world = comm ? comm->worldSize() : 1;
    // Each rank reads only its shard of the training split; all read the validation split, so that their
    // (identical) models are judged on the same records.
    auto train = loadSplit(manifest, QStringLiteral("train"), cfg.contract, observer, rank, world, cfg.seed);
    if (!train)
        return Result<TrainResult>::failure(train.error());
    auto val = loadSplit(manifest, QStringLiteral("val"), cfg.contract, observer);
    if (!val)
        return Result<TrainResult>::failure(val.error());

    const int k = manifest.classCount;
    TrainResult result;
    std::optional<ParentModel> parent;
    if (!cfg.fineTune.parentDir.isEmpty()) {
        auto p = readParentModel(cfg.fineTune.parentDir);
        if (!p)
            return Result<TrainResult>::failure(p.error());
        parent = p.value();
        if (!(parent->contract == cfg.contract))
            return Result<TrainResult>::failure(QStringLiteral("%1: the parent model %2 takes %3; this training gives %4: incompatible input, "
                                                               "fine-tune with the parent's leads, rate and features")
                                                    .arg(parent->dir, parent->modelId, describe(parent->contract), describe(cfg.contract)));
        if (parent->net.toJson() != cfg.net.toJson())
            return Result<TrainResult>::failure(QStringLiteral("%1: the parent model %2 is a %3 (width %4, depth %5), not a %6 (width %7, depth %8)")
                                                    .arg(parent->dir, parent->modelId, parent->net.name()).arg(parent->net.width).arg(parent->net.depth)
                                                    .arg(cfg.net.name()).arg(cfg.net.width).arg(cfg.net.depth));
        result.parentId = parent->modelId;
        if (parent->classes != dataset::classNames(k) || !parent->singleStage || cfg.strategy.subclass)
            result.notes << QStringLiteral("the parent's outputs (%1) differ from this model's (%2): the last layer is re-initialised, "
                                           "every other layer starts from the parent")
                                .arg(parent->singleStage ? parent->classes.join(QLatin1Char(' ')) : QStringLiteral("two stages"),
                                     cfg.strategy.subclass ? QStringLiteral("two stages") : dataset::classNames(k).join(QLatin1Char(' ')));
        if (parent->mapping != manifest.mappingVersion)
            result.notes << QStringLiteral("the parent was trained with label mapping %1, this data uses %2").arg(parent->mapping, manifest.mappingVersion);
    }
    std::vector<Stage> stages;
    if (cfg.strategy.subclass) {
        const auto groups = cfg.strategy.effectiveGroups(k);
        std::vector<int> groupOf(static_cast<size_t>(k), -1);
        for (size_t g = 0; g < groups.size(); ++g)
            for (int c : groups[g]) {
                if (c < 0 || c >= k || groupOf[size_t(c)] >= 0)
                    return Result<TrainResult>::failure(QStringLiteral("subclass: class %1 is out of range or in two groups").arg(c + 1));
                groupOf[size_t(c)] = int(g);
            }
        if (std::count(groupOf.begin(), groupOf.end(), -1) > 0)
            return Result<TrainResult>::failure(QStringLiteral("subclass: every class must be in one group"));
        Stage s1{QStringLiteral("stage1"), QStringLiteral("stage1.pt"), {}, groups, remap(train.value(), groupOf), remap(val.value(), groupOf), int(groups.size())};
        stages.push_back(s1);
        for (size_t g = 0; g < groups.size(); ++g) {
            if (groups[g].size() < 2)
                continue;
            std::vector<int> memberIndex(static_cast<size_t>(k), -1);
            for (size_t m = 0; m < groups[g].size(); ++m)
                memberIndex[size_t(groups[g][m])] = int(m);
            const QString name = QStringLiteral("stage2-%1").arg(g);
            stages.push_back({name, name + QStringLiteral(".pt"), groups[g], {}, remap(train.value(), memberIndex), remap(val.value(), memberIndex), int(groups[g].size())});
        }
    } else {
        std::vector<int> all(static_cast<size_t>(k));
        std::iota(all.begin(), all.end(), 0);
        stages.push_back({QStringLiteral("model"), QStringLiteral("model.pt"), all, {}, train.value(), val.value(), k});
    }

    double samples = 0.0, trainSeconds = 0.0;
    QJsonArray stageCards;
    QJsonObject hashes;
    for (const Stage &stage : stages) {
        const bool copyHead = parent && parent->singleStage && stage.groups.empty() && stage.outputs == int(parent->classes.size()) &&
                              parent->classes == dataset::classNames(k);
        auto outcome = trainStage(stage, cfg, outDir, observer, result.history, comm.get(), parent ? &*parent : nullptr, copyHead);
        if (!outcome)
            return Result<TrainResult>::failure(outcome.error());
        samples += outcome->samples * world; // the ranks' shares are equal
        trainSeconds += outcome->seconds;
        result.steps += outcome->steps;
        if (rank != 0)
            continue;
        const QString path = QDir(outDir).filePath(stage.file);
        try {
            torch::serialize::OutputArchive archive;
            outcome->net->save(archive);
            archive.save_to(path.toStdString());
        } catch (const c10::Error &e) {
            return Result<TrainResult>::failure(QStringLiteral("%1: cannot save: %2").arg(path, QString::fromStdString(e.what_without_backtrace())));
        }
        QJsonObject card{{QStringLiteral("name"), stage.name}, {QStringLiteral("file"), stage.file}, {QStringLiteral("outputs"), stage.outputs}};
        if (!stage.groups.empty())
            card.insert(QStringLiteral("groups"), toJsonArray(stage.groups));
        else
            card.insert(QStringLiteral("members"), toJsonArray(stage.members));
        stageCards.append(card);
        hashes.insert(stage.file, sha256OfFile(path));
    }
    result.seconds = clock.elapsed() / 1000.0;
    result.samplesPerSecond = trainSeconds > 0 ? samples / trainSeconds : 0.0;
    if (comm) {
        result.communicationSeconds = comm->communicationSeconds();
        try {
            comm->barrier(); // ranks leave together; only rank 0 goes on to write the model
        } catch (const std::exception &e) {
            return Result<TrainResult>::failure(QStringLiteral("distributed training: final barrier failed on rank %1: %2").arg(rank).arg(QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0)));
        }
        if (rank != 0)
            return result;
    }
    result.modelDir = QDir(outDir).absolutePath();
    result.modelId = QStringLiteral("%1-%2-%3-%4")
                         .arg(cfg.net.name(), QString(cfg.strategy.name()).replace(QLatin1Char('+'), QLatin1Char('_')),
                              QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmss")),
                              hashes.value(stages.front().file).toString().left(8));

    QJsonObject counts;
    for (const QString &split : {QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")})
        counts.insert(split, toJsonArray(manifest.classCounts(split)));
    QJsonObject card{
        {QStringLiteral("format"), QStringLiteral("ecgscope-model-1")},
        {QStringLiteral("model_id"), result.modelId},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("classes"), QJsonArray::fromStringList(dataset::classNames(k))},
        {QStringLiteral("mapping"), manifest.mappingVersion},
        {QStringLiteral("input"), cfg.contract.toJson()},
        {QStringLiteral("architecture"), cfg.net.toJson()},
        {QStringLiteral("strategy"), cfg.strategy.toJson()},
        {QStringLiteral("stages"), stageCards},
        {QStringLiteral("weights_sha256"), hashes},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("source"), manifest.source}, {QStringLiteral("counts"), counts}}},
        {QStringLiteral("parent"), parent ? QJsonValue(QJsonObject{{QStringLiteral("model_id"), parent->modelId},
                                                                   {QStringLiteral("pretrained_lr_scale"), cfg.fineTune.pretrainedLrScale},
                                                                   {QStringLiteral("freeze_epochs"), cfg.fineTune.freezeEpochs},
                                                                   {QStringLiteral("notes"), QJsonArray::fromStringList(result.notes)}})
                                          : QJsonValue()},
        {QStringLiteral("training"), QJsonObject{{QStringLiteral("epochs"), cfg.epochs},
                                                 {QStringLiteral("batch_size"), cfg.batchSize},
                                                 {QStringLiteral("learning_rate"), cfg.learningRate},
                                                 {QStringLiteral("weight_decay"), cfg.weightDecay},
                                                 {QStringLiteral("patience"), cfg.patience},
                                                 {QStringLiteral("seed"), QString::number(cfg.seed)},
                                                 {QStringLiteral("augment"), cfg.augment},
                                                 {QStringLiteral("threads"), torch::get_num_threads()},
                                                 {QStringLiteral("processes"), world},
                                                 {QStringLiteral("epochs_run"), int(result.history.size())},
                                                 {QStringLiteral("seconds"), result.seconds},
                                                 {QStringLiteral("samples_per_second"), result.samplesPerSecond}}}};
    const QString cardPath = QDir(outDir).filePath(QStringLiteral("model.json"));
    if (auto s = writeText(cardPath, QString::fromUtf8(QJsonDocument(card).toJson())); !s)
        return Result<TrainResult>::failure(s.error());

    // The reported metrics come from the saved model as users will load it, not from the training loop.
    auto classifier = Classifier::load(outDir);
    if (!classifier)
        return Result<TrainResult>::failure(classifier.error());
    if (cfg.calibrate && !manifest.inSplit(QStringLiteral("val")).empty()) {
        auto raw = classifier.value()->score(manifest, QStringLiteral("val"), observer);
        if (!raw)
            return Result<TrainResult>::failure(raw.error());
        result.calibration = ml::calibrate(raw->probabilities, raw->truth, cfg.thresholds, classifier.value()->otherClass());
        result.calibration.data = QStringLiteral("validation split of %1").arg(manifest.source);
        classifier.value()->setCalibration(result.calibration);
        card.insert(QStringLiteral("calibration"), result.calibration.toJson());
    }
    auto valEval = classifier.value()->evaluate(manifest, QStringLiteral("val"), observer);
    auto testEval = classifier.value()->evaluate(manifest, QStringLiteral("test"), observer);
    if (!valEval || !testEval)
        return Result<TrainResult>::failure(valEval ? testEval.error() : valEval.error());
    result.validation = valEval.value();
    result.test = testEval.value();
    card.insert(QStringLiteral("metrics"), QJsonObject{{QStringLiteral("validation"), result.validation.toJson()}, {QStringLiteral("test"), result.test.toJson()}});
    if (auto s = writeText(cardPath, QString::fromUtf8(QJsonDocument(card).toJson())); !s)
        return Result<TrainResult>::failure(s.error());

    QString history = QStringLiteral("stage,epoch,train_loss,val_macro_f1,learning_rate,seconds\n");
    for (const EpochReport &r : result.history)
        history += QStringLiteral("%1,%2,%3,%4,%5,%6\n").arg(r.stage).arg(r.epoch).arg(r.trainLoss).arg(r.validationMacroF1).arg(r.learningRate).arg(r.seconds);
    for (const auto &[name, text] : {std::pair{QStringLiteral("metrics.json"), QString::fromUtf8(QJsonDocument(result.test.toJson()).toJson())},
                                     std::pair{QStringLiteral("metrics.csv"), result.test.metricsCsv()},
                                     std::pair{QStringLiteral("confusion.csv"), result.test.confusionCsv()},
                                     std::pair{QStringLiteral("history.csv"), history}}) {
        if (auto s = writeText(QDir(outDir).filePath(name), text); !s)
            return Result<TrainResult>::failure(s.error());
    }
    return result;
}

} // namespace ecgscope::ml

#include "app/cli/trainoptions.h"

#include "core/paths.h"

namespace ecgscope::cli {

void addTrainOptions(QCommandLineParser &p)
{
    const ml::TrainConfig d;
    p.addOption({QStringLiteral("width"), QStringLiteral("Network width (ResNet: first-stage channels; Inception: filters per branch). Default: 32 / 16."), QStringLiteral("N")});
    p.addOption({QStringLiteral("depth"), QStringLiteral("Network depth (ResNet: blocks per stage; Inception: modules). Default: 2 / 6."), QStringLiteral("N")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Maximum epochs (default %1).").arg(d.epochs), QStringLiteral("N"), QString::number(d.epochs)});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Batch size (default %1).").arg(d.batchSize), QStringLiteral("N"), QString::number(d.batchSize)});
    p.addOption({QStringLiteral("lr"), QStringLiteral("Initial learning rate of Adam, cosine-annealed (default %1).").arg(d.learningRate), QStringLiteral("LR"), QString::number(d.learningRate)});
    p.addOption({QStringLiteral("weight-decay"), QStringLiteral("Adam weight decay (default %1).").arg(d.weightDecay), QStringLiteral("WD"), QString::number(d.weightDecay)});
    p.addOption({QStringLiteral("patience"), QStringLiteral("Early stopping: epochs without a better validation macro-F1 (default %1).").arg(d.patience), QStringLiteral("N"), QString::number(d.patience)});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: one per core)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("gamma"), QStringLiteral("Focal loss gamma (default 2)."), QStringLiteral("G"), QStringLiteral("2")});
    p.addOption({QStringLiteral("alpha"), QStringLiteral("Focal loss alpha per class, comma-separated."), QStringLiteral("A,B,...")});
    p.addOption({QStringLiteral("weights"), QStringLiteral("Class weights: inverse (frequency) or effective (number of samples). Default inverse."), QStringLiteral("SCHEME"), QStringLiteral("inverse")});
    p.addOption({QStringLiteral("fixed-draw"), QStringLiteral("Balance: one undersampled draw for all epochs instead of a new one each epoch.")});
    p.addOption({QStringLiteral("groups"), QStringLiteral("Subclass groups, 1-based classes: e.g. '1,2,3;4;5;6' (default)."), QStringLiteral("GROUPS")});
    p.addOption({QStringLiteral("rate"), QStringLiteral("Model input rate in Hz (default 100)."), QStringLiteral("HZ"), QStringLiteral("100")});
    p.addOption({QStringLiteral("no-augment"), QStringLiteral("No noise or lead dropout on training windows.")});
    p.addOption({QStringLiteral("no-features"), QStringLiteral("Waveform only: no rhythm features (RR irregularity, premature beats, pauses) beside it.")});
    p.addOption({QStringLiteral("resume"), QStringLiteral("Continue from the checkpoints in the output folder.")});
    p.addOption({QStringLiteral("val-source"), QStringLiteral("Several manifests: validation and test records from this source only (its name: the manifest's file name, or its folder's for manifest.csv)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("init"), QStringLiteral("Fine-tune: start from this model's weights (its architecture and input contract are taken over)."), QStringLiteral("MODEL_DIR")});
    p.addOption({QStringLiteral("pretrained-lr-scale"), QStringLiteral("Fine-tune: learning rate of all layers but the head, as a fraction of --lr (default 1)."),
                 QStringLiteral("F"), QStringLiteral("1")});
    p.addOption({QStringLiteral("freeze-epochs"), QStringLiteral("Fine-tune: keep the early stages (all but the last stage and the head) frozen for the first N epochs."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("thresholds"), QStringLiteral("Per-class decision thresholds chosen on the validation split: f1 (highest F1, default), precision:P "
                                                              "(highest recall at precision >= P) or none (arg-max)."),
                 QStringLiteral("RULE"), QStringLiteral("f1")});
    p.addOption({QStringLiteral("no-calibration"), QStringLiteral("No temperature scaling and no thresholds after training.")});
    p.addOption({QStringLiteral("world-size"), QStringLiteral("Distributed: number of processes (ranks) in all."), QStringLiteral("W"), QStringLiteral("1")});
    p.addOption({QStringLiteral("rank"), QStringLiteral("Distributed: this process's rank, 0 to W-1 (rank 0 runs the rendezvous and writes the model)."), QStringLiteral("R"), QStringLiteral("0")});
    p.addOption({QStringLiteral("master"), QStringLiteral("Distributed: HOST:PORT of rank 0's rendezvous (default 127.0.0.1:29500)."), QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:29500")});
    p.addOption({QStringLiteral("interface"), QStringLiteral("Distributed: this host's address for Gloo traffic (default: the master's host)."), QStringLiteral("ADDRESS")});
    p.addOption({QStringLiteral("dist-timeout"), QStringLiteral("Distributed: seconds to wait for the other ranks, at joining and at each step (default 60)."), QStringLiteral("S"), QStringLiteral("60")});
}

Result<ml::TrainConfig> trainConfig(const QCommandLineParser &p, const QString &architecture, const QString &strategy)
{
    using R = Result<ml::TrainConfig>;
    ml::TrainConfig c;
    auto s = ml::StrategyConfig::fromName(strategy);
    if (!s)
        return R::failure(s.error());
    c.strategy = s.value();
    if (architecture == QLatin1String("resnet")) {
        c.net = {ml::Architecture::ResNet, 32, 2};
    } else if (architecture == QLatin1String("inception")) {
        c.net = {ml::Architecture::Inception, 16, 6};
    } else {
        return R::failure(QStringLiteral("unknown architecture '%1' (resnet or inception)").arg(architecture));
    }
    if (p.isSet(QStringLiteral("width")))
        c.net.width = p.value(QStringLiteral("width")).toInt();
    if (p.isSet(QStringLiteral("depth")))
        c.net.depth = p.value(QStringLiteral("depth")).toInt();
    c.epochs = p.value(QStringLiteral("epochs")).toInt();
    c.batchSize = p.value(QStringLiteral("batch")).toInt();
    c.learningRate = p.value(QStringLiteral("lr")).toDouble();
    c.weightDecay = p.value(QStringLiteral("weight-decay")).toDouble();
    c.patience = p.value(QStringLiteral("patience")).toInt();
    c.seed = p.value(QStringLiteral("seed")).toULongLong();
    c.threads = p.value(QStringLiteral("threads")).toInt();
    c.strategy.gamma = p.value(QStringLiteral("gamma")).toDouble();
    for (const QString &a : p.value(QStringLiteral("alpha")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        c.strategy.alpha.push_back(a.toDouble());
    const QString scheme = p.value(QStringLiteral("weights"));
    if (scheme != QLatin1String("inverse") && scheme != QLatin1String("effective"))
        return R::failure(QStringLiteral("--weights must be inverse or effective, not '%1'").arg(scheme));
    c.strategy.scheme = scheme == QLatin1String("inverse") ? ml::WeightScheme::InverseFrequency : ml::WeightScheme::EffectiveNumber;
    c.strategy.redrawEachEpoch = !p.isSet(QStringLiteral("fixed-draw"));
    for (const QString &group : p.value(QStringLiteral("groups")).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        std::vector<int> members;
        for (const QString &cls : group.split(QLatin1Char(','), Qt::SkipEmptyParts))
            members.push_back(cls.toInt() - 1);
        c.strategy.groups.push_back(members);
    }
    if (p.isSet(QStringLiteral("init"))) {
        // The parent decides the network and the input; explicit options that contradict it are refused
        // by ml::train with both descriptions.
        auto parent = ml::readParentModel(p.value(QStringLiteral("init")));
        if (!parent)
            return R::failure(parent.error());
        if (!p.isSet(QStringLiteral("arch")) && !p.isSet(QStringLiteral("width")) && !p.isSet(QStringLiteral("depth")))
            c.net = parent->net;
        c.contract = parent->contract;
        c.fineTune.parentDir = p.value(QStringLiteral("init"));
    } else if (p.isSet(QStringLiteral("freeze-epochs")) || p.isSet(QStringLiteral("pretrained-lr-scale"))) {
        return R::failure(QStringLiteral("--freeze-epochs and --pretrained-lr-scale need --init MODEL_DIR"));
    }
    c.fineTune.pretrainedLrScale = p.value(QStringLiteral("pretrained-lr-scale")).toDouble();
    c.fineTune.freezeEpochs = p.value(QStringLiteral("freeze-epochs")).toInt();
    if (!(c.fineTune.pretrainedLrScale > 0.0) || c.fineTune.freezeEpochs < 0)
        return R::failure(QStringLiteral("--pretrained-lr-scale must be positive and --freeze-epochs at least 0"));
    auto rule = ml::ThresholdRule::fromName(p.value(QStringLiteral("thresholds")));
    if (!rule)
        return R::failure(rule.error());
    c.thresholds = rule.value();
    c.calibrate = !p.isSet(QStringLiteral("no-calibration"));
    if (c.fineTune.parentDir.isEmpty() || p.isSet(QStringLiteral("rate")))
        c.contract.sampleRateHz = p.value(QStringLiteral("rate")).toDouble();
    if (!(c.contract.sampleRateHz >= 50.0 && c.contract.sampleRateHz <= 1000.0))
        return R::failure(QStringLiteral("--rate must be 50-1000 Hz"));
    if (c.fineTune.parentDir.isEmpty() || p.isSet(QStringLiteral("rate"))) {
        c.contract.samples = int(std::lround(c.contract.sampleRateHz * 10.0)); // 10 s windows
        c.contract.bandHighHz = std::min(40.0, 0.45 * c.contract.sampleRateHz);
    }
    c.augment = !p.isSet(QStringLiteral("no-augment"));
    if (p.isSet(QStringLiteral("no-features")))
        c.contract.features.clear();
    c.resume = p.isSet(QStringLiteral("resume"));
    c.distributed.worldSize = p.value(QStringLiteral("world-size")).toInt();
    c.distributed.rank = p.value(QStringLiteral("rank")).toInt();
    const QString master = p.value(QStringLiteral("master"));
    c.distributed.masterAddress = master.section(QLatin1Char(':'), 0, 0);
    c.distributed.masterPort = master.section(QLatin1Char(':'), 1).toInt();
    c.distributed.interfaceAddress = p.value(QStringLiteral("interface"));
    c.distributed.timeoutSeconds = p.value(QStringLiteral("dist-timeout")).toInt();
    if (c.distributed.worldSize < 1 || c.distributed.rank < 0 || c.distributed.rank >= c.distributed.worldSize || c.distributed.masterPort <= 0 ||
        c.distributed.masterPort > 65535 || c.distributed.timeoutSeconds < 1)
        return R::failure(QStringLiteral("--world-size W, --rank 0..W-1, --master HOST:PORT and --dist-timeout must be valid"));
    if (c.epochs < 1 || c.batchSize < 2 || c.net.width < 1 || c.net.depth < 1)
        return R::failure(QStringLiteral("--epochs, --batch, --width and --depth must be positive (batch at least 2)"));
    return c;
}

Result<dataset::Manifest> trainingManifest(const QCommandLineParser &p)
{
    const QStringList specs = p.values(QStringLiteral("manifest"));
    const QString evaluationSource = p.value(QStringLiteral("val-source"));
    std::vector<dataset::Source> sources;
    for (const QString &spec : specs) {
        auto s = dataset::readSource(spec);
        if (!s)
            return Result<dataset::Manifest>::failure(s.error());
        sources.push_back(std::move(s).value());
    }
    if (sources.size() == 1 && sources.front().weight == 1.0 && evaluationSource.isEmpty())
        return sources.front().manifest;
    return dataset::mergeSources(sources, evaluationSource);
}

QString modelDirOption(const QCommandLineParser &p)
{
    return p.isSet(QStringLiteral("model")) ? p.value(QStringLiteral("model")) : dataDir() + QStringLiteral("/models/default");
}

} // namespace ecgscope::cli

#include "core/ml/classifier.h"

#include "core/ml/nets.h"
#include "core/ml/pipeline.h"
#include "core/ml/runtime.h"
#include "core/ml/tensors.h"
#include "core/ml/training.h"
#include "core/timing.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace ecgscope::ml {

namespace {

struct LoadedStage {
    std::shared_ptr<NetImpl> net;
    std::vector<int> members;             ///< class of each output (single model, stage 2)
    std::vector<std::vector<int>> groups; ///< classes of each output (stage 1 of subclass)
};

std::vector<int> intsOf(const QJsonValue &v)
{
    std::vector<int> out;
    for (const auto &x : v.toArray())
        out.push_back(x.toInt());
    return out;
}

} // namespace

struct Classifier::Impl {
    QString dir;
    QJsonObject card;
    QString modelId;
    QStringList classes;
    InputContract contract;
    std::vector<LoadedStage> stages;
    Calibration calibration;
    int fallbackClass = -1; ///< "Other", where the model has it

    /// Class probabilities, one row per window, from all stages (see combineStages for subclass models).
    std::vector<std::vector<float>> probabilities(const torch::Tensor &x, const torch::Tensor &f) const
    {
        const auto rows = [](const torch::Tensor &t) {
            const torch::Tensor c = t.contiguous();
            std::vector<std::vector<float>> out(static_cast<size_t>(c.size(0)));
            for (int64_t i = 0; i < c.size(0); ++i)
                out[size_t(i)].assign(c[i].data_ptr<float>(), c[i].data_ptr<float>() + c.size(1));
            return out;
        };
        const LoadedStage &first = stages.front();
        const auto p1 = rows(torch::softmax(first.net->forward(x, f), 1));
        std::vector<std::vector<float>> out;
        if (first.groups.empty()) {
            for (const auto &row : p1) {
                std::vector<float> p(static_cast<size_t>(classes.size()), 0.0f);
                for (size_t o = 0; o < first.members.size(); ++o)
                    p[size_t(first.members[o])] = row[o];
                out.push_back(p);
            }
            return out;
        }
        // Second-stage probabilities per merged group, per window.
        std::vector<std::vector<std::vector<float>>> p2(first.groups.size());
        for (size_t g = 0; g < first.groups.size(); ++g) {
            if (first.groups[g].size() < 2)
                continue;
            const auto second = std::find_if(stages.begin() + 1, stages.end(), [&](const LoadedStage &s) { return s.members == first.groups[g]; });
            p2[g] = rows(torch::softmax(second->net->forward(x, f), 1));
        }
        for (size_t w = 0; w < p1.size(); ++w) {
            std::vector<std::vector<float>> within(first.groups.size());
            for (size_t g = 0; g < first.groups.size(); ++g)
                if (!p2[g].empty())
                    within[g] = p2[g][w];
            out.push_back(combineStages(p1[w], first.groups, within, int(classes.size())));
        }
        return out;
    }
};

Classifier::Classifier() : d(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;

QString sha256OfFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

Result<std::shared_ptr<Classifier>> Classifier::load(const QString &modelDir)
{
    using R = Result<std::shared_ptr<Classifier>>;
    limitBlasThreads();
    const QString cardPath = QDir(modelDir).filePath(QStringLiteral("model.json"));
    QFile f(cardPath);
    if (!f.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("%1: cannot open model card: %2").arg(cardPath, f.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (!doc.isObject())
        return R::failure(QStringLiteral("%1: model card is not valid JSON: %2").arg(cardPath, parseError.errorString()));
    std::shared_ptr<Classifier> c(new Classifier);
    Impl &m = *c->d;
    m.dir = QDir(modelDir).absolutePath();
    m.card = doc.object();
    if (m.card.value(QStringLiteral("format")).toString() != QLatin1String("ecgscope-model-1"))
        return R::failure(QStringLiteral("%1: unknown model format '%2'").arg(cardPath, m.card.value(QStringLiteral("format")).toString()));
    m.modelId = m.card.value(QStringLiteral("model_id")).toString();
    for (const auto &v : m.card.value(QStringLiteral("classes")).toArray())
        m.classes << v.toString();
    if (m.classes.size() < 2)
        return R::failure(QStringLiteral("%1: model card lists no classes").arg(cardPath));
    auto contract = InputContract::fromJson(m.card.value(QStringLiteral("input")).toObject());
    if (!contract)
        return R::failure(QStringLiteral("%1: %2").arg(cardPath, contract.error()));
    m.contract = contract.value();
    m.calibration = Calibration::fromJson(m.card.value(QStringLiteral("calibration")).toObject());
    if (!m.calibration.thresholds.empty() && m.calibration.thresholds.size() != size_t(m.classes.size()))
        return R::failure(QStringLiteral("%1: the calibration has %2 thresholds for %3 classes").arg(cardPath).arg(m.calibration.thresholds.size()).arg(m.classes.size()));
    m.fallbackClass = int(m.classes.indexOf(dataset::className(dataset::Other)));
    auto net = NetConfig::fromJson(m.card.value(QStringLiteral("architecture")).toObject());
    if (!net)
        return R::failure(QStringLiteral("%1: %2").arg(cardPath, net.error()));
    const QJsonObject hashes = m.card.value(QStringLiteral("weights_sha256")).toObject();
    const QJsonArray stages = m.card.value(QStringLiteral("stages")).toArray();
    if (stages.isEmpty())
        return R::failure(QStringLiteral("%1: model card lists no weight files").arg(cardPath));
    for (const auto &sv : stages) {
        const QJsonObject s = sv.toObject();
        const QString file = s.value(QStringLiteral("file")).toString();
        const QString path = QDir(modelDir).filePath(file);
        if (file.isEmpty() || file.contains(QLatin1Char('/')))
            return R::failure(QStringLiteral("%1: weight file name '%2' is invalid").arg(cardPath, file));
        const QString actual = sha256OfFile(path);
        if (actual.isEmpty())
            return R::failure(QStringLiteral("%1: cannot read weights").arg(path));
        if (actual != hashes.value(file).toString())
            return R::failure(QStringLiteral("%1: sha256 %2 does not match the model card (%3); the weights were changed or damaged")
                                  .arg(path, actual.left(16), hashes.value(file).toString().left(16)));
        LoadedStage stage;
        for (const auto &g : s.value(QStringLiteral("groups")).toArray())
            stage.groups.push_back(intsOf(g));
        stage.members = intsOf(s.value(QStringLiteral("members")));
        const int outputs = s.value(QStringLiteral("outputs")).toInt();
        const size_t expected = stage.groups.empty() ? stage.members.size() : stage.groups.size();
        if (outputs < 2 || size_t(outputs) != expected)
            return R::failure(QStringLiteral("%1: stage %2 declares %3 outputs for %4 classes or groups").arg(cardPath, file).arg(outputs).arg(expected));
        for (int cls : stage.members)
            if (cls < 0 || cls >= m.classes.size())
                return R::failure(QStringLiteral("%1: stage %2 names class %3 of %4").arg(cardPath, file).arg(cls).arg(m.classes.size()));
        try {
            stage.net = makeNet(net.value(), m.contract.leads.size(), outputs, m.contract.features.size());
            // Module::load replaces tensors whatever their shape, so the shapes are checked here.
            std::vector<std::vector<int64_t>> shapes;
            for (const auto &t : stage.net->named_parameters())
                shapes.push_back(t.value().sizes().vec());
            torch::serialize::InputArchive archive;
            archive.load_from(path.toStdString());
            stage.net->load(archive);
            size_t i = 0;
            for (const auto &t : stage.net->named_parameters()) {
                if (t.value().sizes().vec() != shapes[i++])
                    return R::failure(QStringLiteral("%1: weights do not fit the architecture in the model card: parameter %2 has another shape")
                                          .arg(path, QString::fromStdString(t.key())));
            }
            stage.net->eval();
        } catch (const c10::Error &e) {
            return R::failure(QStringLiteral("%1: weights do not fit the architecture in the model card: %2")
                                  .arg(path, QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
        }
        m.stages.push_back(std::move(stage));
    }
    for (size_t g = 0; g < m.stages.front().groups.size(); ++g) {
        const auto &group = m.stages.front().groups[g];
        if (group.size() > 1 && std::none_of(m.stages.begin() + 1, m.stages.end(), [&](const LoadedStage &s) { return s.members == group; }))
            return R::failure(QStringLiteral("%1: no second-stage model for group %2").arg(cardPath).arg(g + 1));
    }
    return c;
}

Result<Prediction> Classifier::classify(const Ecg &ecg) const
{
    auto prepared = prepare(ecg, d->contract);
    if (!prepared)
        return Result<Prediction>::failure(prepared.error());
    return classifyPrepared({&prepared.value()}).front();
}

std::vector<Prediction> Classifier::classifyPrepared(const std::vector<const Prepared *> &records) const
{
    if (records.empty())
        return {};
    c10::InferenceMode guard; // thread-local: set in the calling (worker) thread
    const auto [x, f] = windowsTensors(records, d->contract);
    const auto perWindow = d->probabilities(x, f); // every record's windows in one pass
    std::vector<Prediction> out;
    size_t row = 0;
    for (const Prepared *prepared : records) {
        Prediction p;
        const auto first = perWindow.begin() + long(row), last = first + long(prepared->windows.size());
        row += prepared->windows.size();
        // The windows' probabilities are averaged: a record is as abnormal as its windows are on average.
        std::vector<float> mean(first->size(), 0.0f);
        for (auto w = first; w != last; ++w)
            for (size_t c = 0; c < w->size(); ++c)
                mean[c] += (*w)[c] / float(prepared->windows.size());
        p.probabilities = applyTemperature(mean, d->calibration.temperature);
        p.topClass = decide(p.probabilities, d->calibration.thresholds, d->fallbackClass);
        p.windows = int(prepared->windows.size());
        for (const Window &w : prepared->windows)
            p.windowStartsMs.push_back(w.startMs);
        for (auto w = first; w != last; ++w)
            p.windowProbabilities.push_back(applyTemperature(*w, d->calibration.temperature));
        if (!prepared->missingLeads.isEmpty())
            p.warnings << QStringLiteral("leads missing from the record (set to zero): %1").arg(prepared->missingLeads.join(QStringLiteral(", ")));
        out.push_back(std::move(p));
    }
    return out;
}

Result<std::vector<float>> Classifier::saliency(const Ecg &ecg, int cls) const
{
    auto prepared = prepare(ecg, d->contract);
    if (!prepared)
        return Result<std::vector<float>>::failure(prepared.error());
    const LoadedStage &first = d->stages.front();
    int output = -1;
    for (size_t o = 0; o < first.members.size(); ++o)
        if (first.members[o] == cls)
            output = int(o);
    for (size_t g = 0; g < first.groups.size(); ++g)
        if (std::find(first.groups[g].begin(), first.groups[g].end(), cls) != first.groups[g].end())
            output = int(g);
    if (output < 0)
        return Result<std::vector<float>>::failure(QStringLiteral("%1: the model has no class %2").arg(d->modelId).arg(cls));
    auto [x, f] = windowsTensors({&prepared.value()}, d->contract);
    x.requires_grad_(true);
    // autograd::grad, not backward(): nothing accumulates in the shared weights' .grad, so concurrent
    // calls stay independent.
    const torch::Tensor gradient = torch::autograd::grad({first.net->forward(x, f).select(1, output).sum()}, {x})[0];
    // |gradient x input| per sample, summed over leads, smoothed with a 50 ms moving average.
    const double msPerSample = 1000.0 / d->contract.sampleRateHz;
    const int smooth = std::max(1, int(std::lround(50.0 / msPerSample)));
    const torch::Tensor relevance = torch::avg_pool1d((gradient * x).abs().sum(1, true).detach(), smooth, 1, smooth / 2, false, false).squeeze(1);
    const int64_t perWindow = relevance.size(1);
    const size_t length = size_t(std::ceil(ecg.durationMs() / msPerSample));
    std::vector<float> out(length, 0.0f);
    for (size_t w = 0; w < prepared->windows.size(); ++w) {
        const long start = std::lround(prepared->windows[w].startMs / msPerSample);
        const auto row = relevance[int64_t(w)].contiguous();
        for (int64_t i = 0; i < perWindow && size_t(start + i) < length; ++i)
            out[size_t(start + i)] = std::max(out[size_t(start + i)], row[i].item<float>());
    }
    const float top = *std::max_element(out.begin(), out.end());
    if (top > 0)
        for (float &v : out)
            v /= top;
    return out;
}

Result<Scores> Classifier::score(const dataset::Manifest &manifest, const QString &split, Progress *progress) const
{
    const auto entries = manifest.inSplit(split);
    QStringList paths;
    for (const dataset::Entry *e : entries)
        paths << e->path;
    // The first unreadable record ends the evaluation (a score without it would not be the split's).
    struct StopOnFailure : Progress {
        Progress *outer = nullptr;
        QString failure;
        QString what;
        void report(qint64 done, qint64 total, const QString &) override
        {
            if (outer)
                outer->report(done, total, what);
        }
        bool cancelled() const override { return !failure.isEmpty() || (outer && outer->cancelled()); }
    } watch;
    watch.outer = progress;
    watch.what = QStringLiteral("evaluating %1").arg(split.isEmpty() ? QStringLiteral("records") : split);
    Scores s;
    const int k = std::max(int(d->classes.size()), manifest.classCount);
    const size_t delivered = classifyFiles(*this, paths, [&](FileOutcome &&o) {
        if (!o.prediction) {
            watch.failure = o.prediction.error();
            return;
        }
        s.truth.push_back(entries[o.index]->label);
        s.decided.push_back(o.prediction->topClass);
        o.prediction->probabilities.resize(size_t(k), 0.0f);
        s.probabilities.push_back(std::move(o.prediction->probabilities));
    }, {}, &watch);
    if (!watch.failure.isEmpty())
        return Result<Scores>::failure(watch.failure);
    if (delivered < entries.size())
        return Result<Scores>::failure(QStringLiteral("evaluation cancelled"));
    return s;
}

Result<Evaluation> Classifier::evaluate(const dataset::Manifest &manifest, const QString &split, Progress *progress) const
{
    auto s = score(manifest, split, progress);
    if (!s)
        return Result<Evaluation>::failure(s.error());
    return ml::evaluate(dataset::classNames(std::max(int(d->classes.size()), manifest.classCount)), s->truth, s->decided, s->probabilities);
}

const Calibration &Classifier::calibration() const { return d->calibration; }
void Classifier::setCalibration(const Calibration &calibration) { d->calibration = calibration; }

Status writeCalibration(const QString &modelDir, const Calibration &calibration)
{
    const QString path = QDir(modelDir).filePath(QStringLiteral("model.json"));
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return Status::failure(QStringLiteral("%1: cannot open model card: %2").arg(path, in.errorString()));
    QJsonObject card = QJsonDocument::fromJson(in.readAll()).object();
    in.close();
    if (card.isEmpty())
        return Status::failure(QStringLiteral("%1: model card is not valid JSON").arg(path));
    card.insert(QStringLiteral("calibration"), calibration.toJson());
    QSaveFile out(path);
    const QByteArray bytes = QJsonDocument(card).toJson();
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return Status::failure(QStringLiteral("%1: cannot write: %2").arg(path, out.errorString()));
    return success();
}

double Classifier::forwardMillisecondsPerEcg(int batch, int repeats) const
{
    c10::InferenceMode guard;
    const torch::Tensor x = torch::randn({batch, int64_t(d->contract.leads.size()), d->contract.samples});
    const torch::Tensor f = torch::zeros({batch, int64_t(d->contract.features.size())});
    return medianOf(timeRepeatedMs(repeats, [&] { d->probabilities(x, f); })) / batch;
}

QString Classifier::modelId() const { return d->modelId; }
QStringList Classifier::classNames() const { return d->classes; }
int Classifier::otherClass() const { return d->fallbackClass; }
const InputContract &Classifier::contract() const { return d->contract; }
const QJsonObject &Classifier::card() const { return d->card; }
QString Classifier::directory() const { return d->dir; }

} // namespace ecgscope::ml

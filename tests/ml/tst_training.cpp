#include "core/dataset/synthcorpus.h"
#include "core/ml/classifier.h"
#include "core/ml/training.h"
#include "core/synth/generator.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numeric>

using namespace ecgscope;
using namespace ecgscope::ml;

namespace {

/// Stops the training after a number of training batches.
class CancelAfter : public TrainingObserver {
public:
    explicit CancelAfter(int batches) : mLeft(batches) {}
    void report(qint64, qint64, const QString &what) override
    {
        if (what.contains(QStringLiteral("epoch")))
            --mLeft;
    }
    bool cancelled() const override { return mLeft <= 0; }

private:
    std::atomic<int> mLeft;
};

TrainConfig smallConfig()
{
    TrainConfig c;
    c.net = {Architecture::ResNet, 16, 1};
    c.epochs = 10;
    c.batchSize = 16;
    c.patience = 10;
    c.threads = 2;
    return c;
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private:
    QTemporaryDir mDir;
    dataset::Manifest mManifest;

private Q_SLOTS:
    void initTestCase()
    {
        dataset::SynthCorpusOptions o;
        o.recordsPerClass = 30;
        o.includeOther = false;
        o.split = {0.2, 0.2, 3, false};
        auto m = dataset::makeSyntheticCorpus(mDir.filePath(QStringLiteral("corpus")), o);
        QVERIFY2(m, qPrintable(m.error()));
        mManifest = m.value();
    }

    void learnsAndSavedModelReproducesMetrics()
    {
        const QString out = mDir.filePath(QStringLiteral("resnet"));
        auto r = train(mManifest, smallConfig(), out);
        QVERIFY2(r, qPrintable(r.error()));
        QVERIFY(r->history.size() >= 5);
        QVERIFY2(r->history.back().trainLoss < 0.6 * r->history.front().trainLoss,
                 qPrintable(QStringLiteral("%1 -> %2").arg(r->history.front().trainLoss).arg(r->history.back().trainLoss)));
        // Far above chance (1/6) on held-out patients.
        QVERIFY2(r->test.accuracy > 0.5, qPrintable(QString::number(r->test.accuracy)));
        QVERIFY(r->samplesPerSecond > 0);
        for (const char *f : {"model.pt", "model.json", "metrics.json", "metrics.csv", "confusion.csv", "history.csv"})
            QVERIFY2(QFile::exists(QDir(out).filePath(QString::fromLatin1(f))), f);

        // An independent evaluation of the saved model gives the same confusion matrix.
        auto c = Classifier::load(out);
        QVERIFY2(c, qPrintable(c.error()));
        auto e = c.value()->evaluate(mManifest, QStringLiteral("test"));
        QVERIFY(e);
        QCOMPARE(e->confusion, r->test.confusion);
        QCOMPARE(c.value()->modelId(), r->modelId);
        QCOMPARE(c.value()->classNames().size(), 6);

        // Classifying one record: probabilities sum to 1 and the contract is enforced.
        auto s = synth::generate({synth::Rhythm::AtrialFibrillation, 500.0, 10000.0, 0.0, 99, 1.0});
        auto p = c.value()->classify(s->ecg);
        QVERIFY(p);
        QVERIFY(std::abs(std::accumulate(p->probabilities.begin(), p->probabilities.end(), 0.0f) - 1.0f) < 1e-4f);
        QCOMPARE(p->windows, 1);
        Ecg volts = s->ecg;
        for (auto &lead : volts.leads)
            for (float &v : lead.microvolts)
                v *= 1e-6f; // as if a file in volts had been read as microvolts
        auto refused = c.value()->classify(volts);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("not plausible")), qPrintable(refused.error()));
    }

    void longRecordsAreWindowed()
    {
        auto c = Classifier::load(mDir.filePath(QStringLiteral("resnet")));
        QVERIFY(c);
        synth::Options o;
        o.durationMs = 60000.0;
        auto s = synth::generate(o);
        auto p = c.value()->classify(s->ecg);
        QVERIFY(p);
        QCOMPARE(p->windows, 11); // starts 0, 5, ..., 45 s and 50 s (flush with the end)
        // Missing chest leads are reported, not silently invented.
        Ecg limbs = s->ecg;
        limbs.leads.resize(6);
        auto q = c.value()->classify(limbs);
        QVERIFY(q);
        QVERIFY(q->warnings.join(QString()).contains(QStringLiteral("V1, V2, V3, V4, V5, V6")));
    }

    void subclassTrainsTwoStages()
    {
        TrainConfig cfg = smallConfig();
        cfg.epochs = 2;
        cfg.strategy = StrategyConfig::fromName(QStringLiteral("subclass+focal")).value();
        const QString out = mDir.filePath(QStringLiteral("subclass"));
        auto r = train(mManifest, cfg, out);
        QVERIFY2(r, qPrintable(r.error()));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("stage1.pt"))));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("stage2-0.pt"))));
        QCOMPARE(r->test.confusion.size(), size_t(6));
        auto c = Classifier::load(out);
        QVERIFY(c);
        auto p = c.value()->classify(synth::generate({})->ecg);
        QVERIFY(p);
        QVERIFY(std::abs(std::accumulate(p->probabilities.begin(), p->probabilities.end(), 0.0f) - 1.0f) < 1e-4f);
    }

    void refusesTamperedOrMismatchedModels()
    {
        QTemporaryDir dir;
        const QString src = mDir.filePath(QStringLiteral("resnet"));
        for (const char *f : {"model.pt", "model.json"})
            QVERIFY(QFile::copy(QDir(src).filePath(QString::fromLatin1(f)), dir.filePath(QString::fromLatin1(f))));
        QVERIFY(Classifier::load(dir.path()));

        // One flipped byte in the weights.
        QFile weights(dir.filePath(QStringLiteral("model.pt")));
        QVERIFY(weights.open(QIODevice::ReadWrite));
        QByteArray bytes = weights.readAll();
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x5A);
        weights.seek(0);
        weights.write(bytes);
        weights.close();
        auto tampered = Classifier::load(dir.path());
        QVERIFY(!tampered);
        QVERIFY2(tampered.error().contains(QStringLiteral("sha256")), qPrintable(tampered.error()));

        // Intact weights but a card that describes another architecture.
        QFile::remove(dir.filePath(QStringLiteral("model.pt")));
        QVERIFY(QFile::copy(QDir(src).filePath(QStringLiteral("model.pt")), dir.filePath(QStringLiteral("model.pt"))));
        QFile card(dir.filePath(QStringLiteral("model.json")));
        QVERIFY(card.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(card.readAll()).object();
        card.close();
        QJsonObject arch = json.value(QStringLiteral("architecture")).toObject();
        arch.insert(QStringLiteral("width"), 24);
        json.insert(QStringLiteral("architecture"), arch);
        QVERIFY(card.open(QIODevice::WriteOnly | QIODevice::Truncate));
        card.write(QJsonDocument(json).toJson());
        card.close();
        auto mismatched = Classifier::load(dir.path());
        QVERIFY(!mismatched);
        QVERIFY2(mismatched.error().contains(QStringLiteral("do not fit the architecture")), qPrintable(mismatched.error()));

        QVERIFY(Classifier::load(mDir.filePath(QStringLiteral("nothing-here"))).error().contains(QStringLiteral("cannot open model card")));
    }

    void fineTuningStartsAtTheParentsAccuracy()
    {
        TrainConfig cfg = smallConfig();
        cfg.epochs = 6;
        cfg.calibrate = false;
        const QString parentDir = mDir.filePath(QStringLiteral("parent"));
        auto parent = train(mManifest, cfg, parentDir);
        QVERIFY2(parent, qPrintable(parent.error()));
        // One epoch at a vanishing learning rate changes nothing but batch-norm statistics: the child is
        // the parent, as good on the parent's test split.
        TrainConfig child = cfg;
        child.epochs = 1;
        child.learningRate = 1e-9;
        child.augment = false;
        child.fineTune.parentDir = parentDir;
        auto r = train(mManifest, child, mDir.filePath(QStringLiteral("child")));
        QVERIFY2(r, qPrintable(r.error()));
        QVERIFY2(std::abs(r->test.accuracy - parent->test.accuracy) <= 0.05,
                 qPrintable(QStringLiteral("parent %1, child %2").arg(parent->test.accuracy).arg(r->test.accuracy)));
        QCOMPARE(r->parentId, parent->modelId);
        QVERIFY(r->notes.isEmpty());
        auto card = Classifier::load(r->modelDir);
        QVERIFY(card);
        QCOMPARE(card.value()->card().value(QStringLiteral("parent")).toObject().value(QStringLiteral("model_id")).toString(), parent->modelId);
        // A random start on the same single epoch is far from it (1/6 is chance).
        TrainConfig fresh = child;
        fresh.fineTune = {};
        auto scratch = train(mManifest, fresh, mDir.filePath(QStringLiteral("scratch")));
        QVERIFY(scratch);
        QVERIFY2(scratch->test.accuracy < parent->test.accuracy - 0.2, qPrintable(QString::number(scratch->test.accuracy)));

        // Another class list: only the last layer starts afresh, and the run says so.
        dataset::Manifest seven = mManifest;
        seven.classCount = 7;
        TrainConfig other = child;
        other.learningRate = 1e-3;
        auto r7 = train(seven, other, mDir.filePath(QStringLiteral("child7")));
        QVERIFY2(r7, qPrintable(r7.error()));
        QVERIFY2(r7->notes.join(QString()).contains(QStringLiteral("last layer is re-initialised")), qPrintable(r7->notes.join(QString())));

        // Incompatible parents are refused, naming what differs.
        TrainConfig rate = child;
        rate.contract.sampleRateHz = 250.0;
        rate.contract.samples = 2500;
        auto refused = train(mManifest, rate, mDir.filePath(QStringLiteral("refused")));
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("incompatible")) && refused.error().contains(QStringLiteral("250 Hz")), qPrintable(refused.error()));
        TrainConfig wider = child;
        wider.net.width = 24;
        auto refusedNet = train(mManifest, wider, mDir.filePath(QStringLiteral("refused")));
        QVERIFY(!refusedNet);
        QVERIFY2(refusedNet.error().contains(QStringLiteral("width 16")), qPrintable(refusedNet.error()));
    }

    void calibrationIsStoredAndApplied()
    {
        TrainConfig cfg = smallConfig();
        cfg.epochs = 3;
        const QString out = mDir.filePath(QStringLiteral("calibrated"));
        auto r = train(mManifest, cfg, out);
        QVERIFY2(r, qPrintable(r.error()));
        QCOMPARE(r->calibration.records, int(mManifest.inSplit(QStringLiteral("val")).size()));
        QVERIFY(r->calibration.temperature > 0.05 && r->calibration.temperature < 20.0);
        auto c = Classifier::load(out);
        QVERIFY(c);
        QCOMPARE(c.value()->calibration().temperature, r->calibration.temperature);
        // The classifier's probabilities are the raw ones through the temperature, its class the thresholds' decision.
        const Ecg ecg = synth::generate({})->ecg;
        auto calibrated = c.value()->classify(ecg);
        const Calibration stored = c.value()->calibration();
        c.value()->setCalibration({});
        auto raw = c.value()->classify(ecg);
        QVERIFY(calibrated && raw);
        const auto expected = applyTemperature(raw->probabilities, stored.temperature);
        for (size_t k = 0; k < expected.size(); ++k)
            QVERIFY(std::abs(expected[k] - calibrated->probabilities[k]) < 1e-5f);
        QCOMPARE(calibrated->topClass, decide(expected, stored.thresholds, -1));
        // Rewritten in the card, read back.
        Calibration changed = stored;
        changed.temperature = 3.0;
        QVERIFY(writeCalibration(out, changed));
        QCOMPARE(Classifier::load(out).value()->calibration().temperature, 3.0);
    }

    void sourcesAreSampledByWeight()
    {
        // Two copies of the corpus as two sources, the second at weight 0: training on it is training on
        // the first alone, batch for batch.
        dataset::Source a{mManifest, QStringLiteral("a"), 1.0}, b{mManifest, QStringLiteral("b"), 1e-9};
        auto merged = dataset::mergeSources({a, b}, QStringLiteral("a"));
        QVERIFY2(merged, qPrintable(merged.error()));
        TrainConfig cfg = smallConfig();
        cfg.epochs = 1;
        cfg.threads = 1;
        cfg.calibrate = false;
        auto one = train(mManifest, cfg, mDir.filePath(QStringLiteral("one-source")));
        auto two = train(merged.value(), cfg, mDir.filePath(QStringLiteral("two-sources")));
        QVERIFY(one && two);
        QCOMPARE(two->test.count, one->test.count); // test records of source a only
        QCOMPARE(two->steps, one->steps);
        // Weight 2: every record twice per epoch, twice the batches.
        auto doubled = dataset::mergeSources({dataset::Source{mManifest, QStringLiteral("a"), 2.0}});
        QVERIFY(doubled);
        auto twice = train(doubled.value(), cfg, mDir.filePath(QStringLiteral("doubled")));
        QVERIFY(twice);
        const int n = int(mManifest.inSplit(QStringLiteral("train")).size());
        QCOMPARE(one->steps, (n + cfg.batchSize - 1) / cfg.batchSize);
        QCOMPARE(twice->steps, (2 * n + cfg.batchSize - 1) / cfg.batchSize);
    }

    void deterministicForSeed()
    {
        TrainConfig cfg = smallConfig();
        cfg.epochs = 1;
        cfg.threads = 1;
        const QString a = mDir.filePath(QStringLiteral("det-a")), b = mDir.filePath(QStringLiteral("det-b"));
        QVERIFY(train(mManifest, cfg, a));
        QVERIFY(train(mManifest, cfg, b));
        QCOMPARE(sha256OfFile(QDir(a).filePath(QStringLiteral("model.pt"))), sha256OfFile(QDir(b).filePath(QStringLiteral("model.pt"))));
    }

    void cancelKeepsCheckpointsAndResumeFinishes()
    {
        TrainConfig cfg = smallConfig();
        cfg.epochs = 3;
        const QString out = mDir.filePath(QStringLiteral("cancelled"));
        CancelAfter cancel(10); // a few batches into the second epoch (about 7 batches per epoch)
        auto r = train(mManifest, cfg, out, &cancel);
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("cancelled")), qPrintable(r.error()));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("checkpoint-model.pt"))));
        QVERIFY(!QFile::exists(QDir(out).filePath(QStringLiteral("model.json"))));
        cfg.resume = true;
        auto resumed = train(mManifest, cfg, out);
        QVERIFY2(resumed, qPrintable(resumed.error()));
        QCOMPARE(resumed->history.front().epoch, 2); // epoch 1 was finished before the cancel
        QCOMPARE(resumed->history.back().epoch, 3);
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"

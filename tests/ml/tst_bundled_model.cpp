// The classifier shipped in models/default.
#include "core/dataset/importers.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/synth/generator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ecgscope;

namespace {
const QString kModel = QStringLiteral(ECGSCOPE_SOURCE_DIR "/models/default");
}

class TestBundledModel : public QObject {
    Q_OBJECT
private:
    std::shared_ptr<ml::Classifier> mModel;

private Q_SLOTS:
    void initTestCase()
    {
        auto m = ml::Classifier::load(kModel);
        QVERIFY2(m, qPrintable(m.error()));
        mModel = m.value();
    }

    void cardDescribesTheModel()
    {
        QCOMPARE(mModel->classNames().size(), 7);
        QCOMPARE(mModel->classNames().last(), QStringLiteral("Other"));
        QCOMPARE(mModel->contract().sampleRateHz, 100.0);
        QCOMPARE(mModel->contract().samples, 1000);
        // The card's checksum is the weights' sha256, computed here independently.
        QFile weights(kModel + QStringLiteral("/model.pt"));
        QVERIFY(weights.open(QIODevice::ReadOnly));
        const QString sha = QString::fromLatin1(QCryptographicHash::hash(weights.readAll(), QCryptographicHash::Sha256).toHex());
        QCOMPARE(mModel->card().value(QStringLiteral("weights_sha256")).toObject().value(QStringLiteral("model.pt")).toString(), sha);
    }

    void classifiesTheBundledSampleAsItsRhythm()
    {
        auto ecg = io::readEcg(QStringLiteral(ECGSCOPE_BIN_DIR "/../share/ecgscope/samples/sample.hea"));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        auto p = mModel->classify(ecg.value());
        QVERIFY2(p, qPrintable(p.error()));
        QCOMPARE(mModel->classNames()[p->topClass], QStringLiteral("VPC")); // the sample is sinus rhythm with VPCs
    }

    // The saliency of "VPC" concentrates on the ectopic beats the generator placed.
    void saliencyPointsAtTheVentricularBeats()
    {
        double near = 0, far = 0;
        int nearCount = 0, farCount = 0;
        for (uint64_t seed = 1; seed <= 4; ++seed) {
            synth::Options o;
            o.rhythm = synth::Rhythm::Vpc;
            o.seed = seed;
            const auto s = synth::generate(o);
            const auto saliency = mModel->saliency(s->ecg, 5);
            QVERIFY2(saliency, qPrintable(saliency.error()));
            QCOMPARE(int(saliency->size()), int(std::ceil(s->ecg.durationMs() / 10.0)));
            QVERIFY(*std::max_element(saliency.value().begin(), saliency.value().end()) == 1.0f);
            for (size_t i = 0; i < saliency->size(); ++i) {
                const double t = 10.0 * double(i);
                const bool atEctopic = std::any_of(s->truth.beats.begin(), s->truth.beats.end(), [t](const synth::Beat &b) {
                    return b.kind == synth::BeatKind::Ventricular && t >= b.qrsOnsetMs - 100 && t <= b.tEndMs;
                });
                (atEctopic ? near : far) += double(saliency.value()[i]);
                ++(atEctopic ? nearCount : farCount);
            }
        }
        QVERIFY(nearCount > 0 && farCount > 0);
        QVERIFY2(near / nearCount > 1.5 * far / farCount, qPrintable(QStringLiteral("%1 vs %2").arg(near / nearCount).arg(far / farCount)));
        QVERIFY(!mModel->saliency(io::readEcg(QStringLiteral(ECGSCOPE_BIN_DIR "/../share/ecgscope/samples/sample.hea")).value(), 42));
    }

    void refusesTamperedWeights()
    {
        QTemporaryDir dir;
        for (const char *f : {"model.pt", "model.json"})
            QVERIFY(QFile::copy(kModel + QLatin1Char('/') + QLatin1String(f), dir.filePath(QLatin1String(f))));
        QFile weights(dir.filePath(QStringLiteral("model.pt")));
        QVERIFY(weights.open(QIODevice::ReadWrite));
        weights.seek(weights.size() - 100);
        const char byte = weights.peek(1).at(0);
        weights.write(QByteArray(1, char(byte ^ 0x10)));
        weights.close();
        auto m = ml::Classifier::load(dir.path());
        QVERIFY(!m);
        QVERIFY2(m.error().contains(QStringLiteral("sha256")), qPrintable(m.error()));
    }

    void windowsOfALongRecordAgreeWithTheirOwnClassification()
    {
        synth::Options o;
        o.rhythm = synth::Rhythm::AtrialFibrillation;
        o.durationMs = 60000.0;
        o.seed = 4242;
        const auto s = synth::generate(o);
        // Window by window on the network's own probabilities; the record's are their mean (then calibrated).
        auto uncalibrated = ml::Classifier::load(kModel);
        QVERIFY(uncalibrated);
        uncalibrated.value()->setCalibration({});
        const ml::Classifier &raw = *uncalibrated.value();
        auto calibrated = mModel->classify(s->ecg);
        auto p = raw.classify(s->ecg);
        QVERIFY(p && calibrated);
        QCOMPARE(p->windows, 11);
        const auto expected = ml::applyTemperature(p->probabilities, mModel->calibration().temperature);
        for (size_t c = 0; c < expected.size(); ++c)
            QVERIFY(std::abs(expected[c] - calibrated->probabilities[c]) < 1e-5f);
        std::vector<float> mean(p->probabilities.size(), 0.0f);
        for (size_t w = 0; w < p->windowProbabilities.size(); ++w) {
            // The same 10 s cut out of the record and classified on its own.
            Ecg part = s->ecg;
            const size_t from = size_t(std::lround(p->windowStartsMs[w] * part.sampleRateHz / 1000.0));
            for (LeadSignal &l : part.leads)
                l.microvolts = std::vector<float>(l.microvolts.begin() + long(from), l.microvolts.begin() + long(from + 5000));
            auto alone = raw.classify(part);
            QVERIFY(alone);
            QCOMPARE(alone->topClass, int(std::max_element(p->windowProbabilities[w].begin(), p->windowProbabilities[w].end()) - p->windowProbabilities[w].begin()));
            for (size_t c = 0; c < mean.size(); ++c) {
                // Filtering the cut alone differs only at its edges.
                QVERIFY2(std::abs(alone->probabilities[c] - p->windowProbabilities[w][c]) < 0.1f, qPrintable(QStringLiteral("window %1 class %2").arg(w).arg(c)));
                mean[c] += p->windowProbabilities[w][c] / float(p->windows);
            }
        }
        for (size_t c = 0; c < mean.size(); ++c)
            QVERIFY(std::abs(mean[c] - p->probabilities[c]) < 1e-5f);
        QCOMPARE(mModel->classNames()[calibrated->topClass], QStringLiteral("AF/AFL"));
    }

    // The model card states what the model is: mapping, parent, calibration, the data it learnt from.
    void cardRecordsTrainingAndCalibration()
    {
        const QJsonObject &card = mModel->card();
        QCOMPARE(card.value(QStringLiteral("mapping")).toString(), QStringLiteral("ecgscope-map-2"));
        QVERIFY(!card.value(QStringLiteral("parent")).toObject().value(QStringLiteral("model_id")).toString().isEmpty());
        QVERIFY(card.value(QStringLiteral("data")).toObject().value(QStringLiteral("source")).toString().contains(QStringLiteral("chapman")));
        const ml::Calibration &c = mModel->calibration();
        QVERIFY(c.records > 0);
        QVERIFY(c.temperature > 0.2 && c.temperature < 5.0);
        QCOMPARE(int(c.thresholds.size()), 7);
    }

    // The figures committed beside the model are what the model does on those real records now.
    void realTestFiguresReproduce()
    {
        const QString chapman = QStringLiteral(ECGSCOPE_SHARED_DIR "/data/chapman-sample");
        if (!QDir(chapman).exists())
            QSKIP("../shared/data/chapman-sample is absent: the real-record figures cannot be reproduced here");
        dataset::ImportReport report;
        auto m = dataset::importChallengeFolder(chapman, {true, true}, report);
        QVERIFY2(m, qPrintable(m.error()));
        dataset::SplitOptions split;
        split.seed = 7; // as scripts/train-bundled-model.sh splits
        QVERIFY(dataset::assignSplits(m.value(), split));
        auto e = mModel->evaluate(m.value(), QStringLiteral("test"));
        QVERIFY2(e, qPrintable(e.error()));
        QFile f(kModel + QStringLiteral("/chapman-test.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject stored = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(e->count, stored.value(QStringLiteral("count")).toInt());
        // Another CPU's kernels may round differently: at most one borderline record may change.
        QVERIFY(std::abs(e->accuracy - stored.value(QStringLiteral("accuracy")).toDouble()) <= 1.0 / e->count + 1e-9);
    }
};

QTEST_GUILESS_MAIN(TestBundledModel)
#include "tst_bundled_model.moc"

#include "core/io/reader.h"
#include "core/ml/contract.h"
#include "core/synth/generator.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cmath>

using namespace ecgscope;

namespace {

const QString kGolden = QStringLiteral(ECGSCOPE_TEST_DATA_DIR "/prepare");

/// Records of every kind of rate pair the resampler meets: integer ratios (500, 1000 Hz), a fractional
/// one (360 Hz, 128 Hz: 25 and 32 phases), none (100 Hz), and a record longer than one window.
struct Case {
    const char *name;
    double rateHz;
    double durationMs;
    synth::Rhythm rhythm;
};
const Case kCases[] = {{"sinus-500", 500, 10000, synth::Rhythm::Sinus},     {"af-1000", 1000, 10000, synth::Rhythm::AtrialFibrillation},
                       {"vpc-360", 360, 10000, synth::Rhythm::Vpc},         {"stach-128", 128, 10000, synth::Rhythm::SinusTachycardia},
                       {"avb-100", 100, 10000, synth::Rhythm::FirstDegreeAvBlock}, {"flutter-250-25s", 250, 25000, synth::Rhythm::AtrialFlutter}};

Ecg record(const Case &c)
{
    synth::Options o;
    o.rhythm = c.rhythm;
    o.sampleRateHz = c.rateHz;
    o.durationMs = c.durationMs;
    o.seed = 2024;
    return synth::generate(o)->ecg;
}

/// Every window's values then features, as float32.
QByteArray flatten(const ml::Prepared &p)
{
    QByteArray b;
    for (const ml::Window &w : p.windows) {
        b.append(reinterpret_cast<const char *>(w.values.data()), qsizetype(w.values.size() * sizeof(float)));
        b.append(reinterpret_cast<const char *>(w.features.data()), qsizetype(w.features.size() * sizeof(float)));
    }
    return b;
}

} // namespace

class TestPreprocess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The model's input for these records as the first, plain implementation computed it (the files in
    // tests/data/prepare were written by it; ECGSCOPE_WRITE_GOLDEN=1 rewrites them). Faster code must
    // agree within float rounding: standardised values to 2e-4 (their unit is one SD of the lead).
    void matchesTheFirstImplementation_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(std::size(kCases)); ++i)
            QTest::newRow(kCases[i].name) << i;
    }
    void matchesTheFirstImplementation()
    {
        QFETCH(int, index);
        const Case &c = kCases[index];
        auto p = ml::prepare(record(c), ml::InputContract());
        QVERIFY2(p, qPrintable(p.error()));
        const QByteArray got = flatten(p.value());
        const QString path = kGolden + QLatin1Char('/') + QLatin1String(c.name) + QStringLiteral(".f32");
        if (qEnvironmentVariableIntValue("ECGSCOPE_WRITE_GOLDEN") == 1) {
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(got);
            QSKIP("golden file written");
        }
        QFile in(path);
        QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray want = in.readAll();
        QCOMPARE(got.size(), want.size());
        const auto *a = reinterpret_cast<const float *>(got.constData());
        const auto *b = reinterpret_cast<const float *>(want.constData());
        float worst = 0.0f;
        for (qsizetype i = 0; i < got.size() / qsizetype(sizeof(float)); ++i)
            worst = std::max(worst, std::abs(a[i] - b[i]));
        QVERIFY2(worst <= 2e-4f, qPrintable(QStringLiteral("largest difference %1").arg(worst)));
    }

    // The same on real records, which cannot be committed: ECGSCOPE_REAL_GOLDEN=DIR writes each record's
    // input there on a first run (with the code before a change) and compares with it on later runs.
    void matchesOnRealRecordsWhenAsked()
    {
        const QString dir = qEnvironmentVariable("ECGSCOPE_REAL_GOLDEN");
        const QString data = QStringLiteral(ECGSCOPE_SHARED_DIR "/data");
        if (dir.isEmpty() || !QDir(data).exists())
            QSKIP("set ECGSCOPE_REAL_GOLDEN=DIR (and have ../shared/data) to compare real records' inputs");
        QDir().mkpath(dir);
        int compared = 0;
        for (const QString &sub : {QStringLiteral("cinc-sample"), QStringLiteral("chapman-sample")}) {
            const QStringList headers = QDir(data + QLatin1Char('/') + sub).entryList({QStringLiteral("*.hea")}, QDir::Files, QDir::Name);
            for (const QString &h : headers.mid(0, 60)) {
                auto ecg = io::readEcg(data + QLatin1Char('/') + sub + QLatin1Char('/') + h);
                if (!ecg)
                    continue;
                auto p = ml::prepare(ecg.value(), ml::InputContract());
                if (!p)
                    continue;
                const QByteArray got = flatten(p.value());
                QFile f(dir + QLatin1Char('/') + h + QStringLiteral(".f32"));
                if (!f.exists()) {
                    QVERIFY(f.open(QIODevice::WriteOnly));
                    f.write(got);
                    continue;
                }
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray want = f.readAll();
                QCOMPARE(got.size(), want.size());
                const auto *a = reinterpret_cast<const float *>(got.constData());
                const auto *b = reinterpret_cast<const float *>(want.constData());
                for (qsizetype i = 0; i < got.size() / qsizetype(sizeof(float)); ++i)
                    QVERIFY2(std::abs(a[i] - b[i]) <= 2e-4f, qPrintable(QStringLiteral("%1[%2]: %3 vs %4").arg(h).arg(i).arg(a[i]).arg(b[i])));
                ++compared;
            }
        }
        qInfo("%d real records compared", compared);
    }
};

QTEST_GUILESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"

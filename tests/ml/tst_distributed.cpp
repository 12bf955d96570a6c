// Data-parallel training through ecgscope-cli on loopback: real processes, LibTorch c10d with Gloo.
#include "core/dataset/synthcorpus.h"
#include "core/freeport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ecgscope;

namespace {

const QString kCli = QStringLiteral(ECGSCOPE_BIN_DIR "/ecgscope-cli");

double validationMacroF1(const QString &modelDir)
{
    QFile f(modelDir + QStringLiteral("/model.json"));
    if (!f.open(QIODevice::ReadOnly))
        return -1.0;
    return QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("metrics")].toObject()[QStringLiteral("validation")].toObject()
        [QStringLiteral("macro")].toObject()[QStringLiteral("f1")].toDouble();
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT
private:
    QTemporaryDir mDir;
    QString mManifest;
    QStringList mSmall;

private Q_SLOTS:
    void initTestCase()
    {
        dataset::SynthCorpusOptions o;
        o.recordsPerClass = 30;
        o.includeOther = false;
        o.seed = 21;
        o.split = {0.2, 0.2, 21, false};
        auto m = dataset::makeSyntheticCorpus(mDir.filePath(QStringLiteral("corpus")), o);
        QVERIFY2(m, qPrintable(m.error()));
        mManifest = mDir.filePath(QStringLiteral("corpus/manifest.csv"));
        mSmall = QStringList{QStringLiteral("--manifest"), mManifest, QStringLiteral("--epochs"), QStringLiteral("14"), QStringLiteral("--patience"),
                             QStringLiteral("14"), QStringLiteral("--width"), QStringLiteral("16"), QStringLiteral("--depth"), QStringLiteral("1"),
                             QStringLiteral("--batch"), QStringLiteral("16"), QStringLiteral("--seed"), QStringLiteral("3")};
    }

    void twoProcessesMatchOneWithTheSameGlobalBatch()
    {
        QProcess one, two;
        one.start(kCli, QStringList{QStringLiteral("train")} + mSmall + QStringList{QStringLiteral("-o"), mDir.filePath(QStringLiteral("one"))});
        QVERIFY(one.waitForFinished(300000));
        QVERIFY2(one.exitCode() == 0, one.readAllStandardError().constData());
        two.start(kCli, QStringList{QStringLiteral("train"), QStringLiteral("--nproc"), QStringLiteral("2")} + mSmall +
                            QStringList{QStringLiteral("-o"), mDir.filePath(QStringLiteral("two"))});
        QVERIFY(two.waitForFinished(300000));
        const QByteArray out = two.readAllStandardOutput();
        QVERIFY2(two.exitCode() == 0, two.readAllStandardError().constData());
        QVERIFY(out.contains("distributed: 2 processes"));
        const double f1One = validationMacroF1(mDir.filePath(QStringLiteral("one")));
        const double f1Two = validationMacroF1(mDir.filePath(QStringLiteral("two")));
        // Both learned (chance is 1/6), and to the same level.
        QVERIFY2(f1One > 0.5 && f1Two > 0.5, qPrintable(QStringLiteral("%1 %2").arg(f1One).arg(f1Two)));
        QVERIFY2(std::abs(f1One - f1Two) <= 0.15, qPrintable(QStringLiteral("1 process %1, 2 processes %2").arg(f1One).arg(f1Two)));
        // Only rank 0 wrote a model.
        QVERIFY(QFile::exists(mDir.filePath(QStringLiteral("two/model.json"))));
    }

    void aMissingRankIsAnErrorNotAHang()
    {
        QProcess alone;
        QElapsedTimer clock;
        clock.start();
        alone.start(kCli, QStringList{QStringLiteral("train"), QStringLiteral("--world-size"), QStringLiteral("2"), QStringLiteral("--rank"), QStringLiteral("0"),
                                      QStringLiteral("--master"), QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort()), QStringLiteral("--dist-timeout"),
                                      QStringLiteral("3")} +
                              mSmall + QStringList{QStringLiteral("-o"), mDir.filePath(QStringLiteral("alone"))});
        QVERIFY(alone.waitForFinished(60000));
        QCOMPARE(alone.exitCode(), 1);
        const QByteArray err = alone.readAllStandardError();
        QVERIFY2(err.contains("could not join 2 ranks"), err.constData());
        QVERIFY(clock.elapsed() < 30000);
    }

    void aRankThatDiesStopsTheOthers()
    {
        const QString master = QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort());
        const QStringList longer = QStringList(mSmall).replaceInStrings(QStringLiteral("14"), QStringLiteral("60"));
        const auto args = [&](int rank) {
            return QStringList{QStringLiteral("train"), QStringLiteral("--world-size"), QStringLiteral("2"), QStringLiteral("--rank"), QString::number(rank),
                               QStringLiteral("--master"), master, QStringLiteral("--dist-timeout"), QStringLiteral("5"), QStringLiteral("--threads"),
                               QStringLiteral("1")} +
                   longer + QStringList{QStringLiteral("-o"), mDir.filePath(QStringLiteral("dies-%1").arg(rank))};
        };
        QProcess rank0, rank1;
        rank0.start(kCli, args(0));
        rank1.start(kCli, args(1));
        // Wait until rank 0 trains, then kill rank 1.
        QByteArray err;
        QElapsedTimer clock;
        clock.start();
        while (!err.contains("epoch 2/") && clock.elapsed() < 120000) {
            rank0.waitForReadyRead(500);
            err += rank0.readAllStandardError();
        }
        QVERIFY2(err.contains("epoch 2/"), err.constData());
        rank1.kill();
        QVERIFY(rank0.waitForFinished(60000));
        err += rank0.readAllStandardError();
        QCOMPARE(rank0.exitCode(), 1);
        QVERIFY2(err.contains("distributed training stopped on rank 0"), err.right(400).constData());
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"

#include "core/dataset/synthcorpus.h"
#include "core/ml/classifier.h"
#include "core/store/studydb.h"
#include "ui/comparisonview.h"
#include "ui/trainingwizard.h"
#include "tests/ui/testsettings.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QJsonObject>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace ecgscope;
using ui::TrainingWizard;

class TestTrainingWizard : public QObject {
    Q_OBJECT
private:
    QTemporaryDir mDir;
    QString mManifest;

    void fillIn(TrainingWizard &w, int epochs)
    {
        w.setField(QStringLiteral("manifestPath"), mManifest);
        QVERIFY(w.currentPage()->isComplete());
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::SplitPage));
        QVERIFY(w.currentPage()->isComplete());
        w.next();
        w.setField(QStringLiteral("width"), 8);
        w.setField(QStringLiteral("depth"), 1);
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::StrategyPage));
        w.setField(QStringLiteral("none"), true);
        w.setField(QStringLiteral("focal"), true);
        w.setField(QStringLiteral("epochs"), epochs);
        w.setField(QStringLiteral("batch"), 8);
    }

private Q_SLOTS:
    void initTestCase()
    {
        useThrowAwaySettings();
        dataset::SynthCorpusOptions o;
        o.recordsPerClass = 8;
        o.sampleRateHz = 100;
        auto m = dataset::makeSyntheticCorpus(mDir.filePath(QStringLiteral("corpus")), o);
        QVERIFY2(m, qPrintable(m.error()));
        mManifest = mDir.filePath(QStringLiteral("corpus/manifest.csv"));
    }

    void legendNamesKeepWhatDiffers()
    {
        QCOMPARE(ui::legendNames({QStringLiteral("resnet / none"), QStringLiteral("resnet / focal")}), (QStringList{QStringLiteral("none"), QStringLiteral("focal")}));
        QCOMPARE(ui::legendNames({QStringLiteral("resnet / focal"), QStringLiteral("inception / focal")}),
                 (QStringList{QStringLiteral("resnet / focal"), QStringLiteral("inception / focal")}));
        QCOMPARE(ui::legendNames({QStringLiteral("resnet / focal")}), QStringList{QStringLiteral("focal")});
        QCOMPARE(ui::legendNames({QStringLiteral("a"), QStringLiteral("b")}), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(ui::legendNames({}), QStringList());
    }

    // Two strategies end to end; each matrix shown equals an independent evaluation of the saved model.
    void trainsTwoStrategiesAndComparesThem()
    {
        auto db = store::StudyDatabase::open(mDir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(db);
        TrainingWizard w(db.value().get(), mDir.filePath(QStringLiteral("runs")));
        w.show();
        fillIn(w, 2);
        QSignalSpy finished(&w, &TrainingWizard::runsFinished);
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::RunPage));
        QVERIFY(finished.wait(300000));
        QVERIFY(w.currentPage()->isComplete());
        QCOMPARE(int(w.finishedRuns().size()), 2);
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::ResultsPage));
        const auto matrices = w.comparison()->matrices();
        QCOMPARE(int(matrices.size()), 2);
        QCOMPARE(matrices[0]->title(), QStringLiteral("resnet / none"));
        QCOMPARE(matrices[1]->title(), QStringLiteral("resnet / focal"));
        for (size_t i = 0; i < 2; ++i) {
            auto model = ml::Classifier::load(w.finishedRuns()[i].modelDir);
            QVERIFY2(model, qPrintable(model.error()));
            auto independent = model.value()->evaluate(w.manifest(), QStringLiteral("test"));
            QVERIFY(independent);
            QCOMPARE(matrices[i]->evaluation().confusion, independent->confusion);
            QCOMPARE(matrices[i]->evaluation().classNames, independent->classNames);
        }
        QCOMPARE(w.comparison()->table()->rowCount(), 2);

        // The runs are in the database and reopen with the same matrices.
        const auto stored = db.value()->runs().value();
        QCOMPARE(int(stored.size()), 2);
        QCOMPARE(ml::RunRecord::fromJson(stored[1])->test.confusion, matrices[1]->evaluation().confusion);
        // ... and with their test records' probabilities: the reliability diagram and its ECE come back
        // as an independent evaluation of the saved model computes them (probabilities kept to 4 decimals).
        {
            const ml::RunRecord reopened = ml::RunRecord::fromJson(stored[1]).value();
            auto independent = ml::Classifier::load(w.finishedRuns()[1].modelDir).value()->evaluate(w.manifest(), QStringLiteral("test"));
            QCOMPARE(reopened.test.probabilities.size(), independent->probabilities.size());
            QCOMPARE(reopened.test.truth, independent->truth);
            QVERIFY(std::abs(reopened.test.calibrationError - independent->calibrationError) < 1e-3);
            QCOMPARE(int(reopened.test.reliability.bins.size()), 10);
        }

        // Exports, and making a run the active classifier.
        QCOMPARE(w.comparison()->exportCsv(mDir.filePath(QStringLiteral("cmp.csv"))), QString());
        QFile csv(mDir.filePath(QStringLiteral("cmp.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 3);
        QCOMPARE(w.comparison()->exportImage(mDir.filePath(QStringLiteral("cmp.png"))), QString());
        QCOMPARE(w.comparison()->exportImage(mDir.filePath(QStringLiteral("cmp.pdf"))), QString());
        QVERIFY(QFile(mDir.filePath(QStringLiteral("cmp.pdf"))).size() > 1000);
        QSignalSpy active(&w, &TrainingWizard::activeModelChanged);
        QVERIFY(w.makeActive(1));
        QCOMPARE(active.front().front().toString(), w.finishedRuns()[1].modelDir);
        QCOMPARE(db.value()->activeModel(), w.finishedRuns()[1].modelDir);
    }

    // Fine-tuning a past run on the user's records plus synthetic ECGs, from the pages' defaults.
    void fineTunesAPastRunWithSyntheticData()
    {
        auto db = store::StudyDatabase::open(mDir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(db);
        const auto past = ml::RunRecord::fromJson(db.value()->runs().value().front());
        QVERIFY(past);
        TrainingWizard w(db.value().get(), mDir.filePath(QStringLiteral("runs-finetune")));
        w.show();
        w.setField(QStringLiteral("manifestPath"), mManifest);
        w.setField(QStringLiteral("synthetic"), true);
        w.setField(QStringLiteral("syntheticPerClass"), 10);
        w.next();
        QVERIFY(w.currentPage()->isComplete());
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::ModelPage));
        // The synthetic corpus trains only: validation and test are the user's records.
        const dataset::Manifest &m = w.manifest();
        const auto synthetic = [&](const QString &split) {
            return std::count_if(m.entries.begin(), m.entries.end(), [&](const dataset::Entry &e) { return e.source == QLatin1String("synthetic") && e.split == split; });
        };
        QVERIFY(synthetic(QStringLiteral("train")) > 0);
        QCOMPARE(synthetic(QStringLiteral("val")) + synthetic(QStringLiteral("test")), 0);
        // "Start from": a new network, the active model, then the past runs; pick the first past run.
        auto *start = w.currentPage()->findChild<QComboBox *>();
        QVERIFY(start);
        QCOMPARE(start->itemData(2).toString(), past->modelDir);
        start->setCurrentIndex(2);
        w.back(); // the choice survives going back and forth
        w.next();
        QCOMPARE(start->currentIndex(), 2);
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::StrategyPage));
        w.setField(QStringLiteral("focal"), false);
        w.setField(QStringLiteral("epochs"), 1);
        QVERIFY(w.currentPage()->isComplete()); // the default output folder needs no edit
        QSignalSpy finished(&w, &TrainingWizard::runsFinished);
        w.next();
        QVERIFY(finished.wait(300000));
        QCOMPARE(int(w.finishedRuns().size()), 1);
        auto model = ml::Classifier::load(w.finishedRuns().front().modelDir);
        QVERIFY2(model, qPrintable(model.error()));
        QCOMPARE(model.value()->card().value(QStringLiteral("parent")).toObject().value(QStringLiteral("model_id")).toString(), past->modelId);
    }

    // Cancel during the first run: nothing half-done is kept or stored.
    void cancelLeavesAConsistentState()
    {
        auto db = store::StudyDatabase::open(mDir.filePath(QStringLiteral("cancel.ecgdb")));
        TrainingWizard w(db.value().get(), mDir.filePath(QStringLiteral("runs-cancel")));
        w.show();
        fillIn(w, 300);
        QSignalSpy finished(&w, &TrainingWizard::runsFinished);
        QSignalSpy progressed(&w, &TrainingWizard::progressed);
        w.next();
        QVERIFY(progressed.wait(60000)); // the first epoch of the first run
        w.cancel();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        QVERIFY(!w.isRunning());
        QCOMPARE(int(w.finishedRuns().size()), 0);
        QVERIFY2(w.statusText().contains(QStringLiteral("cancelled")), qPrintable(w.statusText()));
        const auto stored = db.value()->runs().value();
        QCOMPARE(stored.size(), w.finishedRuns().size());
        for (const ml::RunRecord &r : w.finishedRuns())
            QVERIFY(ml::Classifier::load(r.modelDir));
        w.next();
        QCOMPARE(w.currentId(), int(TrainingWizard::ResultsPage));
        QCOMPARE(w.comparison()->matrices().size(), w.finishedRuns().size());
    }
};

QTEST_MAIN(TestTrainingWizard)
#include "tst_trainingwizard.moc"

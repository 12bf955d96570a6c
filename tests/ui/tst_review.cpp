#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/paths.h"
#include "core/store/studydb.h"
#include "core/synth/generator.h"
#include "ui/reviewpanel.h"
#include "ui/worklistmodel.h"
#include "tests/ui/testsettings.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>

using namespace ecgscope;

namespace {

QStringList writeRecords(const QString &folder, int count, double durationMs = 10000.0)
{
    QDir().mkpath(folder);
    QStringList files;
    const synth::Rhythm rhythms[] = {synth::Rhythm::AtrialFibrillation, synth::Rhythm::Vpc, synth::Rhythm::SinusTachycardia, synth::Rhythm::Sinus};
    for (int i = 0; i < count; ++i) {
        synth::Options o;
        o.rhythm = rhythms[i % 4];
        o.seed = uint64_t(i + 1);
        o.durationMs = durationMs;
        auto s = synth::generate(o);
        s->ecg.labels.clear(); // unlabelled: the model's class becomes the label
        s->ecg.patient.id = QStringLiteral("P%1").arg(i);
        files << QStringLiteral("%1/r%2.hea").arg(folder).arg(i);
        io::writeEcg(s->ecg, files.back());
    }
    return files;
}

std::shared_ptr<ml::Classifier> bundledModel()
{
    return ml::Classifier::load(dataDir() + QStringLiteral("/models/default")).value();
}

} // namespace

class TestReview : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        useThrowAwaySettings();
    }

    // The curator's queues: least certain first (margins by hand: 0.05, 0.10, 0.85, none) and the records
    // whose label the model contradicts.
    void curatorQueues()
    {
        QTemporaryDir dir;
        writeRecords(dir.filePath(QStringLiteral("data")), 4);
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("s.ecgdb")));
        QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        ui::WorklistModel model;
        ui::WorklistFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(db.value().get(), QStringLiteral("m"));
        std::vector<qint64> ids;
        for (const store::WorklistRow &r : model.rows())
            ids.push_back(r.id);
        QVERIFY(db.value()->setPrediction(ids[0], QStringLiteral("m"), {0.5f, 0.45f, 0.05f, 0.0f, 0.0f, 0.0f, 0.0f}, 0));  // margin 0.05
        QVERIFY(db.value()->setPrediction(ids[1], QStringLiteral("m"), {0.0f, 0.0f, 0.0f, 0.9f, 0.05f, 0.05f, 0.0f}, 3)); // 0.85
        QVERIFY(db.value()->setPrediction(ids[2], QStringLiteral("m"), {0.0f, 0.0f, 0.0f, 0.3f, 0.4f, 0.3f, 0.0f}, 4));   // 0.10
        QVERIFY(model.reload().isEmpty());
        filter.sort(ui::WorklistModel::Record, Qt::DescendingOrder); // whichever way the header points
        filter.setUncertainFirst(true);
        std::vector<qint64> order;
        for (int r = 0; r < filter.rowCount(); ++r)
            order.push_back(filter.index(r, 0).data(ui::WorklistModel::kIdRole).toLongLong());
        QCOMPARE(order, (std::vector<qint64>{ids[0], ids[2], ids[1], ids[3]}));
        QCOMPARE(*ui::WorklistFilter::margin(model.rows()[1]), double(0.9f - 0.05f));
        filter.setUncertainFirst(false);
        QStringList names; // the column sort again: record names, descending
        for (int r = 0; r < filter.rowCount(); ++r)
            names << filter.index(r, ui::WorklistModel::Record).data(ui::WorklistModel::kSortRole).toString();
        QStringList sorted = names;
        std::sort(sorted.begin(), sorted.end(), std::greater<QString>());
        QCOMPARE(names, sorted);
        // The model's classes became the unlabelled records' labels; a curator relabels one of them.
        filter.setDisagreementsOnly(true);
        QCOMPARE(filter.rowCount(), 0);
        store::ReviewState relabeled = db.value()->state(ids[1]).value();
        relabeled.label = 5;
        relabeled.status = store::ReviewStatus::Relabeled;
        QVERIFY(db.value()->setStates({{ids[1], relabeled}}, QStringLiteral("curator"), QStringLiteral("relabel")));
        QVERIFY(model.reload().isEmpty());
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, 0).data(ui::WorklistModel::kIdRole).toLongLong(), ids[1]);
    }

    void worklistModelsPassTheModelTester()
    {
        QTemporaryDir dir;
        writeRecords(dir.filePath(QStringLiteral("data")), 6);
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("s.ecgdb")));
        QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        ui::WorklistModel model;
        ui::WorklistFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(db.value().get(), QStringLiteral("m"));
        QCOMPARE(model.rowCount(), 6);
        const qint64 first = model.rows().front().id;
        QVERIFY(db.value()->setPrediction(first, QStringLiteral("m"), {0.0f, 0.0f, 0.0f, 0.9f, 0.05f, 0.05f, 0.0f}, 3));
        model.refresh(first);
        QCOMPARE(model.index(0, ui::WorklistModel::ModelClass).data().toString(), QStringLiteral("AF/AFL"));
        QCOMPARE(model.index(0, ui::WorklistModel::Flag).data().toString(), QStringLiteral("flagged"));
        filter.setFlaggedOnly(true);
        QCOMPARE(filter.rowCount(), 1);
        filter.setFlaggedOnly(false);
        filter.setModelClass(3);
        QCOMPARE(filter.rowCount(), 1);
        filter.setModelClass(-1);
        filter.setMinimumProbability(0.95);
        QCOMPARE(filter.rowCount(), 0);
        filter.setMinimumProbability(0.0);
        filter.setStatus(store::ReviewStatus::Unreviewed);
        QCOMPARE(filter.rowCount(), 6);
        filter.setStatus(store::ReviewStatus::Confirmed);
        QCOMPARE(filter.rowCount(), 0);
        filter.setStatus(std::nullopt);
        filter.sort(ui::WorklistModel::Probability, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, 0).data(ui::WorklistModel::kIdRole).toLongLong(), first);
        QVERIFY(model.reload().isEmpty());
    }

    void batchClassifiesWithoutFreezingAndCancels()
    {
        QTemporaryDir dir;
        // A minute each (11 windows): a batch holds a few records, so a cancel lands between batches.
        writeRecords(dir.filePath(QStringLiteral("data")), 24, 60000.0);
        ui::ReviewPanel panel(bundledModel());
        panel.show();
        QCOMPARE(panel.openDatabase(dir.filePath(QStringLiteral("s.ecgdb"))), QString());
        QCOMPARE(panel.importPaths({dir.filePath(QStringLiteral("data"))})->added, 24);

        // Cancel: stops early, keeps what was stored.
        QSignalSpy finished(&panel, &ui::ReviewPanel::batchFinished);
        panel.classifyAll();
        QVERIFY(panel.isClassifying());
        QTimer::singleShot(30, &panel, &ui::ReviewPanel::cancelClassification);
        QVERIFY(finished.wait(60000));
        QVERIFY(finished.front().at(1).toBool());
        const int early = finished.front().at(0).toInt();
        QVERIFY2(early < 24, qPrintable(QString::number(early)));
        auto rows = panel.database()->worklist(bundledModel()->modelId()).value();
        QCOMPARE(int(std::count_if(rows.begin(), rows.end(), [](const store::WorklistRow &r) { return !r.modelId.isEmpty(); })), early);

        // The rest, while the event loop keeps running: a timer ticks throughout.
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
        ticker.start(10);
        finished.clear();
        panel.classifyAll();
        QVERIFY(finished.wait(120000));
        QVERIFY(!finished.front().at(1).toBool());
        QCOMPARE(finished.front().at(0).toInt(), 24 - early);
        QVERIFY2(ticks >= 3, qPrintable(QString::number(ticks)));
        rows = panel.database()->worklist(bundledModel()->modelId()).value();
        QVERIFY(std::all_of(rows.begin(), rows.end(), [](const store::WorklistRow &r) { return !r.modelId.isEmpty() && r.state.labelOrigin == QLatin1String("model"); }));
        // The first record is AF: the model says so and its bar is the tallest.
        panel.select(rows.front().id);
        auto *bars = static_cast<QBarSeries *>(panel.chart()->series().front())->barSets().front();
        int tallest = 0;
        for (int c = 1; c < bars->count(); ++c)
            if (bars->at(c) > bars->at(tallest))
                tallest = c;
        QCOMPARE(tallest, rows.front().modelClass);
        QVERIFY(std::abs(bars->at(tallest) - rows.front().modelProbability) < 1e-6);
    }

    void reviewUndoAndRedoGoThroughTheDatabase()
    {
        QTemporaryDir dir;
        writeRecords(dir.filePath(QStringLiteral("data")), 8);
        ui::ReviewPanel panel(bundledModel());
        panel.setReviewer(QStringLiteral("Dr. Test"));
        QCOMPARE(panel.openDatabase(dir.filePath(QStringLiteral("s.ecgdb"))), QString());
        QVERIFY(panel.importPaths({dir.filePath(QStringLiteral("data"))}));
        QSignalSpy finished(&panel, &ui::ReviewPanel::batchFinished);
        panel.classifyAll();
        QVERIFY(finished.wait(60000));
        store::StudyDatabase &db = *panel.database();
        const auto rows = db.worklist(QString()).value();
        const qint64 id = rows.front().id;
        panel.select(id);
        QVERIFY(panel.confirm());
        QVERIFY(db.state(id)->status == store::ReviewStatus::Confirmed);
        QCOMPARE(db.state(id)->reviewer, QStringLiteral("Dr. Test"));
        QVERIFY(panel.relabel(4));
        QVERIFY(db.state(id)->status == store::ReviewStatus::Relabeled);
        QCOMPARE(*db.state(id)->label, 4);
        QCOMPARE(db.state(id)->labelOrigin, QStringLiteral("user"));
        panel.undoStack()->undo();
        QVERIFY(db.state(id)->status == store::ReviewStatus::Confirmed);
        QCOMPARE(db.state(id)->labelOrigin, QStringLiteral("model"));
        panel.undoStack()->undo();
        QVERIFY(db.state(id)->status == store::ReviewStatus::Unreviewed);
        panel.undoStack()->redo();
        QVERIFY(db.state(id)->status == store::ReviewStatus::Confirmed);
        // Every step is in the audit trail, with who and why; the panel shows it.
        const auto history = db.history(id).value();
        QCOMPARE(int(std::count_if(history.begin(), history.end(), [](const store::AuditEntry &e) { return e.reason.startsWith(QLatin1String("undo")); })), 3);
        QVERIFY(std::all_of(history.begin() + 1, history.end(), [](const store::AuditEntry &e) { return e.who == QLatin1String("Dr. Test"); }));
        QVERIFY(panel.historyText().contains(QStringLiteral("undo: relabel as STach")));

        // Bulk relabel: one transaction, one undo step.
        panel.table()->selectAll();
        QVERIFY(panel.relabelSelection(6));
        const auto after = db.worklist(QString()).value();
        QVERIFY(std::all_of(after.begin(), after.end(), [](const store::WorklistRow &r) { return r.state.label == 6; }));
        panel.undoStack()->undo();
        QVERIFY(db.state(rows.back().id)->labelOrigin == QLatin1String("model"));

        // Next unreviewed flagged skips the reviewed record.
        for (int c = 0; c < 6; ++c)
            QVERIFY(db.setThreshold(c, 0.0, QStringLiteral("tester"), QStringLiteral("flag everything")));
        panel.model()->reload();
        panel.select(id);
        QVERIFY(panel.nextUnreviewedFlagged());
        QVERIFY(panel.current() != id);
        QVERIFY(db.state(panel.current())->status == store::ReviewStatus::Unreviewed);
    }
};

QTEST_MAIN(TestReview)
#include "tst_review.moc"

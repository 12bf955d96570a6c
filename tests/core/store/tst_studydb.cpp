#include "core/dataset/classes.h"
#include "core/dataset/csv.h"
#include "core/dataset/manifest.h"
#include "core/io/reader.h"
#include "core/store/studydb.h"
#include "core/synth/generator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <limits>

using namespace ecgscope;
using store::ReviewState;
using store::ReviewStatus;

namespace {

/// Writes `count` synthetic WFDB records (rhythms in turn) into folder/sub; returns their headers.
QStringList writeSynthetic(const QString &folder, int count, uint64_t firstSeed = 1)
{
    QDir().mkpath(folder);
    const synth::Rhythm rhythms[] = {synth::Rhythm::AtrialFibrillation, synth::Rhythm::SinusTachycardia, synth::Rhythm::Vpc, synth::Rhythm::Sinus};
    QStringList files;
    for (int i = 0; i < count; ++i) {
        synth::Options o;
        o.rhythm = rhythms[i % 4];
        o.seed = firstSeed + uint64_t(i);
        o.sampleRateHz = 100;
        auto s = synth::generate(o);
        s->ecg.patient.id = QStringLiteral("P%1").arg(i);
        s->ecg.patient.name = QStringLiteral("Name %1").arg(i);
        s->ecg.patient.ageYears = 40 + i;
        s->ecg.patient.sex = i % 2 ? Sex::Female : Sex::Male;
        const QString path = QStringLiteral("%1/rec%2.hea").arg(folder).arg(i);
        if (!io::writeEcg(s->ecg, path))
            qFatal("cannot write %s", qPrintable(path));
        files << path;
    }
    return files;
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestStudyDb : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importsFoldersSkipsDuplicatesAndListsUnreadableFiles()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        writeSynthetic(data + QStringLiteral("/a"), 4);
        writeSynthetic(data + QStringLiteral("/b/c"), 2, 100);
        // The same waveform again under another name, a header whose signal file is cut short, and a
        // file that claims to be XML but is not an ECG.
        QDir().mkpath(data + QStringLiteral("/b/again"));
        QFile::copy(data + QStringLiteral("/a/rec0.hea"), data + QStringLiteral("/b/again/rec0.hea"));
        QFile::copy(data + QStringLiteral("/a/rec0.dat"), data + QStringLiteral("/b/again/rec0.dat"));
        writeSynthetic(data + QStringLiteral("/bad"), 1, 200);
        QFile dat(data + QStringLiteral("/bad/rec0.dat"));
        QVERIFY(dat.resize(100));
        QFile xml(data + QStringLiteral("/notes.xml"));
        QVERIFY(xml.open(QIODevice::WriteOnly));
        xml.write("<notes><note>not an ECG</note></notes>");
        xml.close();

        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY2(db, qPrintable(db.error()));
        auto report = db.value()->importPaths({data});
        QVERIFY2(report, qPrintable(report.error()));
        QCOMPARE(report->added, 6);
        QCOMPARE(report->duplicates, 1);
        QCOMPARE(report->failures.size(), 2);
        QVERIFY2(report->failures.join(QLatin1Char('\n')).contains(QStringLiteral("bad/rec0")), qPrintable(report->failures.join(QLatin1Char('\n'))));
        QVERIFY(report->failures.join(QLatin1Char('\n')).contains(QStringLiteral("notes.xml")));
        // Importing again adds nothing.
        QCOMPARE(db.value()->importPaths({data})->added, 0);

        // The generator's rhythm labels became dataset labels, audited.
        auto rows = db.value()->worklist(QString());
        QCOMPARE(int(rows->size()), 6);
        const store::WorklistRow &af = rows->front();
        QVERIFY(af.path.endsWith(QStringLiteral("a/rec0.hea")));
        QVERIFY(af.state.label && *af.state.label == dataset::AfFlutter);
        QCOMPARE(af.state.labelOrigin, QStringLiteral("dataset"));
        QCOMPARE(af.patientId, QStringLiteral("P0"));
        // What tells records apart in the worklist: age, sex, 10 s at 100 Hz.
        QCOMPARE(af.ageYears, std::optional<int>(40));
        QVERIFY(af.sex == Sex::Male && rows.value()[1].sex == Sex::Female);
        QCOMPARE(af.durationMs, 10000.0);
        QVERIFY(af.state.status == ReviewStatus::Unreviewed);
        QCOMPARE(int(db.value()->history(af.id)->size()), 1);
    }

    // A dataset as a folder of links to folders (and a link back up, which must not loop).
    void importsThroughSymlinkedFolders()
    {
        QTemporaryDir dir;
        writeSynthetic(dir.filePath(QStringLiteral("store/a")), 3);
        writeSynthetic(dir.filePath(QStringLiteral("store/b")), 2, 50);
        QDir().mkpath(dir.filePath(QStringLiteral("links")));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("store/a")), dir.filePath(QStringLiteral("links/a"))));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("store/b")), dir.filePath(QStringLiteral("links/b"))));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("links")), dir.filePath(QStringLiteral("links/a-loop"))));
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("study.ecgdb")));
        const auto report = db.value()->importPaths({dir.filePath(QStringLiteral("links"))});
        QVERIFY2(report, qPrintable(report.error()));
        QCOMPARE(report->added, 5);
        QCOMPARE(report->duplicates, 0);
        QVERIFY(report->failures.isEmpty());
    }

    void editsAreAuditedAndTheTrailIsAppendOnly()
    {
        QTemporaryDir dir;
        writeSynthetic(dir.filePath(QStringLiteral("data")), 2);
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        const qint64 id = db.value()->worklist(QString())->front().id;
        const ReviewState before = db.value()->state(id).value();
        ReviewState next = before;
        next.status = ReviewStatus::Relabeled;
        next.reviewer = QStringLiteral("dr. a");
        next.comment = QStringLiteral("flutter, not AF");
        next.label = dataset::AfFlutter;
        next.labelOrigin = QStringLiteral("user");
        next.labelAuthor = QStringLiteral("dr. a");
        QVERIFY(db.value()->setStates({{id, next}}, QStringLiteral("dr. a"), QStringLiteral("second look")));
        QVERIFY(db.value()->state(id).value() == next);
        const auto history = db.value()->history(id).value();
        QCOMPARE(int(history.size()), 3); // import, label origin change, review
        QCOMPARE(history[1].field, QStringLiteral("label"));
        QCOMPARE(history[1].who, QStringLiteral("dr. a"));
        QCOMPARE(history[1].reason, QStringLiteral("second look"));
        QVERIFY(history[1].oldValue.contains(QStringLiteral("dataset")) && history[1].newValue.contains(QStringLiteral("user: dr. a")));
        QCOMPARE(history[2].field, QStringLiteral("review"));
        QCOMPARE(history[2].newValue, QStringLiteral("relabeled by dr. a: flutter, not AF"));
        // Undo is writing the old state back: audited too.
        const Status undone = db.value()->setStates({{id, before}}, QStringLiteral("dr. a"), QStringLiteral("undo"));
        QVERIFY2(undone, qPrintable(undone.error()));
        QVERIFY(db.value()->state(id).value() == before);
        QCOMPARE(int(db.value()->history(id)->size()), 5);

        // Nobody rewrites the trail, not even with SQL on the file.
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        raw.setDatabaseName(dir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(raw.open());
        {
            QSqlQuery q(raw);
            QVERIFY(!q.exec(QStringLiteral("UPDATE audit SET who = 'someone else'")));
            QVERIFY(!q.exec(QStringLiteral("DELETE FROM audit")));
        }
        raw.close();
        raw = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        QCOMPARE(int(db.value()->history(0)->size()), 2 + 4);
    }

    void thresholdsFlagRecords()
    {
        QTemporaryDir dir;
        writeSynthetic(dir.filePath(QStringLiteral("data")), 1);
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        const qint64 id = db.value()->worklist(QString())->front().id;
        QVERIFY(db.value()->setPrediction(id, QStringLiteral("m1"), {0.05f, 0.05f, 0.05f, 0.7f, 0.05f, 0.05f, 0.05f}, 3));
        auto row = db.value()->row(id, QStringLiteral("m1")).value();
        QCOMPARE(row.modelClass, int(dataset::AfFlutter));
        QVERIFY(std::abs(row.modelProbability - 0.7) < 1e-6);
        QVERIFY(db.value()->isFlagged(row));
        // The model's own thresholds are the defaults; a user's threshold wins over them.
        const double none = std::numeric_limits<double>::quiet_NaN();
        db.value()->setModelThresholds({none, none, none, 0.75, none, none, none});
        QVERIFY(!db.value()->isFlagged(row));
        db.value()->setModelThresholds({none, none, none, 0.6, none, none, none});
        QVERIFY(db.value()->isFlagged(row));
        QVERIFY(db.value()->setThreshold(dataset::AfFlutter, 0.8, QStringLiteral("tester"), QString()));
        QVERIFY(!db.value()->isFlagged(row));
        // A record that already has a label keeps it when classified.
        QCOMPARE(row.state.labelOrigin, QStringLiteral("dataset"));
        // "Other" never flags.
        QVERIFY(db.value()->setPrediction(id, QStringLiteral("m2"), {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f}, 6));
        QVERIFY(!db.value()->isFlagged(db.value()->row(id, QStringLiteral("m2")).value()));
    }

    void thresholdChangesAreAudited()
    {
        QTemporaryDir dir;
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("t.ecgdb")));
        QVERIFY(db);
        QCOMPARE(db.value()->threshold(dataset::AfFlutter), 0.5);
        QVERIFY(db.value()->setThreshold(dataset::AfFlutter, 0.72, QStringLiteral("dr. a"), QStringLiteral("operating point: precision 0.90")));
        QVERIFY(!db.value()->setThreshold(dataset::AfFlutter, 1.5, QStringLiteral("dr. a"), QString()));
        QVERIFY(!db.value()->setThreshold(9, 0.5, QStringLiteral("dr. a"), QString()));
        const auto trail = db.value()->history(0).value();
        QCOMPARE(int(trail.size()), 1);
        QCOMPARE(trail[0].who, QStringLiteral("dr. a"));
        QCOMPARE(trail[0].field, QStringLiteral("threshold %1").arg(dataset::className(dataset::AfFlutter)));
        QCOMPARE(trail[0].oldValue, QStringLiteral("0.5"));
        QCOMPARE(trail[0].newValue, QStringLiteral("0.72"));
        QCOMPARE(trail[0].reason, QStringLiteral("operating point: precision 0.90"));
        // Stored: a reopened database has it.
        const QString path = db.value()->path();
        db.value().reset();
        QCOMPARE(store::StudyDatabase::open(path).value()->threshold(dataset::AfFlutter), 0.72);
    }

    void priorRecordsAndPatientLinks()
    {
        // Patient P: three acquisitions out of order; a fourth file without a patient id.
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        QDir().mkpath(data);
        const char *starts[] = {"2024-01-01T10:00:00", "2025-03-01T09:00:00", "2023-05-05T08:00:00", "2025-06-01T12:00:00"};
        for (int i = 0; i < 4; ++i) {
            synth::Options o;
            o.seed = uint64_t(20 + i);
            o.sampleRateHz = 100;
            auto s = synth::generate(o);
            s->ecg.patient.id = i < 3 ? QStringLiteral("P") : QString();
            s->ecg.acquisition.start = QDateTime::fromString(QLatin1String(starts[i]), Qt::ISODate);
            QVERIFY(io::writeEcg(s->ecg, QStringLiteral("%1/r%2.hea").arg(data).arg(i)));
        }
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("p.ecgdb")));
        QCOMPARE(db.value()->importPaths({data})->added, 4);
        QHash<QString, qint64> id;
        const auto rows = db.value()->worklist(QString()).value();
        for (const store::WorklistRow &r : rows)
            id[QFileInfo(r.path).completeBaseName()] = r.id;
        QCOMPARE(db.value()->priorRecord(id[QStringLiteral("r1")]).value(), id[QStringLiteral("r0")]); // 2025 -> 2024
        QCOMPARE(db.value()->priorRecord(id[QStringLiteral("r0")]).value(), id[QStringLiteral("r2")]); // 2024 -> 2023
        QCOMPARE(db.value()->priorRecord(id[QStringLiteral("r2")]).value(), qint64(0));                  // the first
        QCOMPARE(db.value()->priorRecord(id[QStringLiteral("r3")]).value(), qint64(0));                  // no patient id
        QCOMPARE(db.value()->patientKey(id[QStringLiteral("r3")]).value(), QStringLiteral("record:%1").arg(id[QStringLiteral("r3")]));
        // The user says r3 is P's: it becomes P's latest acquisition, audited.
        QVERIFY(db.value()->linkPatient(id[QStringLiteral("r3")], id[QStringLiteral("r1")], QStringLiteral("dr. b"), QStringLiteral("same patient")));
        QCOMPARE(db.value()->priorRecord(id[QStringLiteral("r3")]).value(), id[QStringLiteral("r1")]);
        const auto trail = db.value()->history(id[QStringLiteral("r3")]).value();
        QVERIFY(std::any_of(trail.begin(), trail.end(), [](const store::AuditEntry &e) {
            return e.field == QLatin1String("patient") && e.newValue == QLatin1String("P") && e.who == QLatin1String("dr. b");
        }));
        QVERIFY(!db.value()->priorRecord(9999));
        // A training set keeps the linked record with its patient (one patient, one split).
        const QString set = dir.filePath(QStringLiteral("set"));
        QVERIFY(db.value()->exportTrainingSet(set));
        const auto manifest = dataset::readManifest(set + QStringLiteral("/manifest.csv"));
        QVERIFY2(manifest, qPrintable(manifest.error()));
        QSet<QString> patients, splits;
        for (const dataset::Entry &e : manifest->entries) {
            patients << e.patientId;
            splits << e.split;
        }
        QCOMPARE(patients.size(), 1);
        QCOMPARE(splits.size(), 1);
    }

    void newerSchemasAreRefusedUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.ecgdb"));
        {
            auto db = store::StudyDatabase::open(path);
            QVERIFY(db);
        }
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery(raw).exec(QStringLiteral("PRAGMA journal_mode=DELETE"));
            QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version = 99"));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        const QByteArray before = fileHash(path);
        auto db = store::StudyDatabase::open(path);
        QVERIFY(!db);
        QVERIFY2(db.error().contains(path) && db.error().contains(QStringLiteral("newer")) && db.error().contains(QStringLiteral("99")), qPrintable(db.error()));
        QCOMPARE(fileHash(path), before);

        // Not a database at all.
        const QString junk = dir.filePath(QStringLiteral("junk.ecgdb"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        auto bad = store::StudyDatabase::open(junk);
        QVERIFY(!bad);
        QVERIFY2(bad.error().contains(junk), qPrintable(bad.error()));
    }

    // A schema-1 database (before training runs, age, sex and duration were stored) is migrated in place,
    // its data kept.
    void migratesAnOlderSchema()
    {
        QTemporaryDir dir;
        writeSynthetic(dir.filePath(QStringLiteral("data")), 2);
        const QString path = dir.filePath(QStringLiteral("old.ecgdb"));
        {
            auto db = store::StudyDatabase::open(path);
            QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        }
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QVERIFY(QSqlQuery(raw).exec(QStringLiteral("DROP TABLE training_runs")));
            for (const char *column : {"age_years", "sex", "duration_ms", "patient_key"})
                QVERIFY(QSqlQuery(raw).exec(QStringLiteral("ALTER TABLE records DROP COLUMN %1").arg(QLatin1String(column))));
            QVERIFY(QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version = 1")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        auto db = store::StudyDatabase::open(path);
        QVERIFY2(db, qPrintable(db.error()));
        QCOMPARE(int(db.value()->worklist(QString())->size()), 2);
        QCOMPARE(db.value()->worklist(QString())->front().durationMs, 0.0); // not known for old records
        QVERIFY(db.value()->runs()->empty());
        QVERIFY(db.value()->addRun(QJsonObject{{QStringLiteral("name"), QStringLiteral("resnet / focal")}}));
        QCOMPARE(db.value()->runs()->front().value(QStringLiteral("name")).toString(), QStringLiteral("resnet / focal"));
        QVERIFY(db.value()->activeModel().isEmpty());
        QVERIFY(db.value()->setActiveModel(QStringLiteral("/models/x")));
        QCOMPARE(db.value()->activeModel(), QStringLiteral("/models/x"));
    }

    void exportsReadBack()
    {
        QTemporaryDir dir;
        writeSynthetic(dir.filePath(QStringLiteral("data")), 8);
        auto db = store::StudyDatabase::open(dir.filePath(QStringLiteral("study.ecgdb")));
        QVERIFY(db.value()->importPaths({dir.filePath(QStringLiteral("data"))}));
        const auto rows = db.value()->worklist(QString()).value();
        ReviewState rejected = rows[1].state;
        rejected.status = ReviewStatus::Rejected;
        rejected.reviewer = QStringLiteral("dr. b");
        rejected.comment = QStringLiteral("noisy, \"unreadable\", lead off");
        QVERIFY(db.value()->setStates({{rows[1].id, rejected}}, QStringLiteral("dr. b"), QStringLiteral("review")));

        const QString csv = dir.filePath(QStringLiteral("labels.csv"));
        QVERIFY(db.value()->exportLabelsCsv(csv, QString()));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto table = dataset::parseCsv(QString::fromUtf8(f.readAll()));
        QCOMPARE(int(table.size()), 1 + 8);
        QCOMPARE(table[0][3], QStringLiteral("label"));
        QCOMPARE(table[1][3], QStringLiteral("AF/AFL"));
        QCOMPARE(table[2][3], QStringLiteral("STach"));
        QCOMPARE(table[2][6], QStringLiteral("rejected"));
        QCOMPARE(table[2][8], rejected.comment);

        const QString set = dir.filePath(QStringLiteral("trainingset"));
        store::ExportOptions deid;
        deid.deidentify = true;
        QVERIFY(db.value()->exportTrainingSet(set, deid));
        auto manifest = dataset::readManifest(set + QStringLiteral("/manifest.csv"));
        QVERIFY2(manifest, qPrintable(manifest.error()));
        QCOMPARE(int(manifest->entries.size()), 7); // the rejected record is left out
        QCOMPARE(manifest->classCount, 7);          // sinus records are "Other"
        for (const dataset::Entry &e : manifest->entries) {
            QVERIFY(!e.split.isEmpty());
            QVERIFY(!e.patientId.startsWith(QLatin1Char('P'))); // hashed
            auto ecg = io::readEcg(e.path);
            QVERIFY2(ecg, qPrintable(ecg.error()));
            QVERIFY(ecg->patient.name.isEmpty());
        }
    }

    // A writer killed mid-batch: every committed prediction keeps its label and audit row, the file
    // passes SQLite's integrity check, and the batch continues where it stopped.
    void killingTheWriterLosesNoCommittedEdit()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        // Unlabelled records: the model's class becomes each one's label in the same transaction.
        for (const QString &f : writeSynthetic(data, 120)) {
            auto ecg = io::readEcg(f).value();
            ecg.labels.clear();
            QVERIFY(io::writeEcg(ecg, f));
        }
        const QString path = dir.filePath(QStringLiteral("study.ecgdb"));
        QVERIFY(store::StudyDatabase::open(path).value()->importPaths({data}));
        const QString cli = QStringLiteral(ECGSCOPE_BIN_DIR "/ecgscope-cli");
        QProcess writer;
        // Small transactions, so that the kill lands between commits of a run that takes a fraction of a second.
        writer.start(cli, {QStringLiteral("review"), QStringLiteral("classify"), QStringLiteral("--commit-every"), QStringLiteral("4"), path});
        QVERIFY(writer.waitForStarted());
        auto db = store::StudyDatabase::open(path);
        QElapsedTimer clock;
        clock.start();
        int predicted = 0;
        while (clock.elapsed() < 60000 && writer.state() == QProcess::Running) {
            auto rows = db.value()->worklist(QString());
            predicted = int(std::count_if(rows->begin(), rows->end(), [](const store::WorklistRow &r) { return r.state.label.has_value(); }));
            if (predicted >= 5)
                break;
            QThread::msleep(20);
        }
        writer.kill(); // SIGKILL: no chance to clean up
        writer.waitForFinished();
        QVERIFY2(predicted >= 5, "the writer did not get going");
        db = store::StudyDatabase::open(path);
        QVERIFY2(db, qPrintable(db.error()));
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            // Each prediction committed with its label and audit row, or not at all.
            QVERIFY(q.exec(QStringLiteral("SELECT (SELECT COUNT(*) FROM predictions), (SELECT COUNT(*) FROM labels WHERE origin = 'model'),"
                                          " (SELECT COUNT(*) FROM audit WHERE reason = 'classified')")) && q.next());
            const int predictions = q.value(0).toInt();
            QVERIFY2(predictions >= predicted && predictions < 120, qPrintable(QString::number(predictions)));
            QCOMPARE(predictions % 4, 0); // whole transactions only
            QCOMPARE(q.value(1).toInt(), predictions);
            QCOMPARE(q.value(2).toInt(), predictions);
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        // Running the batch again finishes it.
        QProcess again;
        again.start(cli, {QStringLiteral("review"), QStringLiteral("classify"), path});
        QVERIFY(again.waitForFinished(120000));
        QCOMPARE(again.exitCode(), 0);
        auto rows = db.value()->worklist(QString());
        QVERIFY(std::all_of(rows->begin(), rows->end(), [](const store::WorklistRow &r) { return r.state.label.has_value(); }));
    }
};

QTEST_GUILESS_MAIN(TestStudyDb)
#include "tst_studydb.moc"

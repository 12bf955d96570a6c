#include "core/store/studydb.h"

#include "core/dataset/classes.h"
#include "core/dataset/csv.h"
#include "core/dataset/manifest.h"
#include "core/io/reader.h"
#include "core/paths.h"
#include "core/privatefile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <cmath>
#include <set>

namespace ecgscope::store {

namespace {

/// Schema migrations: entry i takes a database from version i to i + 1.
const std::vector<QStringList> &migrations()
{
    static const std::vector<QStringList> all{{
        QStringLiteral("CREATE TABLE records (id INTEGER PRIMARY KEY, path TEXT NOT NULL, format TEXT NOT NULL,"
                       " waveform_sha256 TEXT NOT NULL UNIQUE, patient_id TEXT, patient_name TEXT, acquired TEXT,"
                       " imported_at TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE predictions (record_id INTEGER NOT NULL REFERENCES records(id), model_id TEXT NOT NULL,"
                       " probabilities TEXT NOT NULL, top_class INTEGER NOT NULL, probability REAL NOT NULL,"
                       " created_at TEXT NOT NULL, PRIMARY KEY (record_id, model_id))"),
        QStringLiteral("CREATE TABLE labels (record_id INTEGER PRIMARY KEY REFERENCES records(id), class INTEGER,"
                       " origin TEXT NOT NULL, author TEXT NOT NULL, updated_at TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE reviews (record_id INTEGER PRIMARY KEY REFERENCES records(id), status TEXT NOT NULL,"
                       " reviewer TEXT NOT NULL, comment TEXT NOT NULL, updated_at TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, record_id INTEGER NOT NULL,"
                       " field TEXT NOT NULL, old_value TEXT NOT NULL, new_value TEXT NOT NULL, reason TEXT NOT NULL)"),
        // The audit trail is append-only, whoever writes to the file.
        QStringLiteral("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"),
        QStringLiteral("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"),
        QStringLiteral("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX audit_record ON audit(record_id)"),
    }, {
        QStringLiteral("CREATE TABLE training_runs (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, run TEXT NOT NULL)"),
    }, {
        // What tells records apart in the worklist; NULL for records imported before schema 3.
        QStringLiteral("ALTER TABLE records ADD COLUMN age_years INTEGER"),
        QStringLiteral("ALTER TABLE records ADD COLUMN sex TEXT"),
        QStringLiteral("ALTER TABLE records ADD COLUMN duration_ms REAL"),
    }, {
        // The patient a user linked the record to (patientKey()); NULL: its own patient id.
        QStringLiteral("ALTER TABLE records ADD COLUMN patient_key TEXT"),
    }};
    return all;
}

/// A record's patient in SQL (StudyDatabase::patientKey): the user's link, else the file's patient ID,
/// else the record alone.
constexpr char kPatientKey[] = "COALESCE(NULLIF(patient_key, ''), NULLIF(patient_id, ''), 'record:' || id)";

/// Empty text, never SQL NULL (the text columns are NOT NULL).
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString labelText(const ReviewState &s)
{
    if (!s.label)
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2: %3)").arg(dataset::className(*s.label), s.labelOrigin, s.labelAuthor);
}

QString reviewText(const ReviewState &s)
{
    QString text = toString(s.status);
    if (!s.reviewer.isEmpty())
        text += QStringLiteral(" by ") + s.reviewer;
    if (!s.comment.isEmpty())
        text += QStringLiteral(": ") + s.comment;
    return text;
}

/// Files an import takes: every readable format, WFDB records by their header.
bool isCandidate(const QFileInfo &file)
{
    static const QStringList known{QStringLiteral("hea"), QStringLiteral("dcm"), QStringLiteral("xml"), QStringLiteral("scp"), QStringLiteral("edf")};
    static const QStringList never{QStringLiteral("dat"), QStringLiteral("mat"), QStringLiteral("ann"), QStringLiteral("csv"), QStringLiteral("json"),
                                   QStringLiteral("md"),  QStringLiteral("txt"), QStringLiteral("png"), QStringLiteral("pdf"),
                                   QStringLiteral("db"),  QStringLiteral("db-wal"), QStringLiteral("db-shm")};
    const QString suffix = file.suffix().toLower();
    if (known.contains(suffix))
        return true;
    return !never.contains(suffix) && io::detectFormat(file.filePath()) != io::Format::Unknown;
}

/// Runs one statement; the error names the database and the statement's purpose.
Status exec(QSqlQuery &q, const QString &path, const char *what)
{
    if (q.exec())
        return success();
    return Status::failure(QStringLiteral("%1: cannot %2: %3").arg(path, QLatin1String(what), q.lastError().text()));
}

} // namespace

QString toString(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Unreviewed: return QStringLiteral("unreviewed");
    case ReviewStatus::Confirmed: return QStringLiteral("confirmed");
    case ReviewStatus::Rejected: return QStringLiteral("rejected");
    case ReviewStatus::Relabeled: return QStringLiteral("relabeled");
    }
    return {};
}

std::optional<ReviewStatus> reviewStatusFromString(const QString &text)
{
    for (ReviewStatus s : {ReviewStatus::Unreviewed, ReviewStatus::Confirmed, ReviewStatus::Rejected, ReviewStatus::Relabeled})
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

bool ReviewState::operator==(const ReviewState &o) const
{
    return status == o.status && reviewer == o.reviewer && comment == o.comment && label == o.label && labelOrigin == o.labelOrigin
        && labelAuthor == o.labelAuthor;
}

void ReviewState::relabel(int cls, const QString &user)
{
    status = ReviewStatus::Relabeled;
    label = cls;
    labelOrigin = QStringLiteral("user");
    labelAuthor = user;
}

QString waveformHash(const Ecg &ecg)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArray::number(ecg.sampleRateHz, 'g', 17));
    for (const LeadSignal &l : ecg.leads) {
        h.addData(l.name.toUtf8());
        h.addData(QByteArrayView(reinterpret_cast<const char *>(l.microvolts.data()), qsizetype(l.microvolts.size() * sizeof(float))));
    }
    return QString::fromLatin1(h.result().toHex());
}

StudyDatabase::StudyDatabase(QString connection, QString path) : mConnection(std::move(connection)), mPath(std::move(path))
{
    mDb = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), mConnection);
    mDb.setDatabaseName(mPath);
}

StudyDatabase::~StudyDatabase()
{
    mDb.close();
    mDb = QSqlDatabase();
    QSqlDatabase::removeDatabase(mConnection);
}

Result<std::unique_ptr<StudyDatabase>> StudyDatabase::open(const QString &path)
{
    std::unique_ptr<StudyDatabase> db(new StudyDatabase(QStringLiteral("ecgscope-") + QUuid::createUuid().toString(QUuid::WithoutBraces), path));
    // Patient names, IDs and birth dates: a new file is its owner's alone (SQLite gives its WAL and
    // shared-memory files the database file's mode); an existing one readable by others is reported.
    if (!QFileInfo::exists(path)) {
        if (Status s = createPrivateFile(path); !s)
            return Result<std::unique_ptr<StudyDatabase>>::failure(s.error());
    } else if (readableByOthers(path)) {
        db->mWarnings << QStringLiteral("%1: others can read this study database (patient data); make it private with: chmod 600 %1").arg(path);
    }
    if (!db->mDb.open())
        return Result<std::unique_ptr<StudyDatabase>>::failure(QStringLiteral("%1: cannot open the study database: %2").arg(path, db->mDb.lastError().text()));
    QSqlQuery q(db->mDb);
    // The schema version is read before anything is written, so a newer database stays untouched.
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return Result<std::unique_ptr<StudyDatabase>>::failure(QStringLiteral("%1: not a usable SQLite database: %2").arg(path, q.lastError().text()));
    if (const int version = q.value(0).toInt(); version > kSchemaVersion)
        return Result<std::unique_ptr<StudyDatabase>>::failure(
            QStringLiteral("%1: written by a newer EcgScope (database schema %2; this version knows up to %3); left untouched")
                .arg(path)
                .arg(version)
                .arg(kSchemaVersion));
    q.finish();
    // WAL: readers never block the writer and a killed writer leaves the last committed state.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"})
        if (!q.exec(QLatin1String(pragma)))
            return Result<std::unique_ptr<StudyDatabase>>::failure(
                QStringLiteral("%1: not a usable SQLite database: %2").arg(path, q.lastError().text()));
    if (Status s = db->migrate(); !s)
        return Result<std::unique_ptr<StudyDatabase>>::failure(s.error());
    for (const char *suffix : {"-wal", "-shm"})
        if (const QString f = path + QLatin1String(suffix); QFileInfo::exists(f) && !readableByOthers(path))
            if (Status s = makePrivate(f); !s)
                return Result<std::unique_ptr<StudyDatabase>>::failure(s.error());
    // Read once: the worklist asks for them for every cell it paints.
    for (int c = 0; c < dataset::kTargetClassCount; ++c) {
        const QString value = db->setting(QStringLiteral("threshold/%1").arg(c));
        db->mThresholds.push_back(value.isEmpty() ? std::nullopt : std::optional<double>(value.toDouble()));
    }
    return db;
}

Status StudyDatabase::migrate()
{
    QSqlQuery q(mDb);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return Status::failure(QStringLiteral("%1: not a usable SQLite database: %2").arg(mPath, q.lastError().text()));
    const int version = q.value(0).toInt();
    for (int v = version; v < kSchemaVersion; ++v) {
        mDb.transaction();
        for (const QString &sql : migrations()[size_t(v)])
            if (!q.exec(sql)) {
                const QString error = q.lastError().text();
                mDb.rollback();
                return Status::failure(QStringLiteral("%1: cannot migrate the database to schema %2: %3").arg(mPath).arg(v + 1).arg(error));
            }
        q.exec(QStringLiteral("PRAGMA user_version = %1").arg(v + 1));
        if (!mDb.commit())
            return Status::failure(QStringLiteral("%1: cannot migrate the database: %2").arg(mPath, mDb.lastError().text()));
    }
    return success();
}

Status StudyDatabase::writeAudit(qint64 record, const QString &who, const QString &field, const QString &oldValue, const QString &newValue,
                                 const QString &reason)
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("INSERT INTO audit (at, who, record_id, field, old_value, new_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v : {QVariant(now()), text(who), QVariant(record), text(field), text(oldValue), text(newValue), text(reason)})
        q.addBindValue(v);
    return exec(q, mPath, "write the audit trail");
}

Result<ImportReport> StudyDatabase::importPaths(const QStringList &paths, Progress *progress)
{
    QStringList files;
    for (const QString &p : paths) {
        const QFileInfo info(p);
        if (info.isDir()) {
            for (const QString &f : filesBelow(p))
                if (isCandidate(QFileInfo(f)))
                    files << f;
        } else {
            files << p;
        }
    }
    files.sort();
    ImportReport report;
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (progress) {
            if (progress->cancelled())
                break;
            progress->report(i, files.size(), QStringLiteral("importing"));
        }
        const auto loaded = io::readEcg(files[i]);
        if (!loaded) {
            report.failures << loaded.error();
            continue;
        }
        const Ecg &ecg = loaded.value();
        QSqlQuery q(mDb);
        mDb.transaction();
        q.prepare(QStringLiteral("INSERT OR IGNORE INTO records (path, format, waveform_sha256, patient_id, patient_name, acquired, imported_at,"
                                 " age_years, sex, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const QVariant &v : {QVariant(QFileInfo(files[i]).absoluteFilePath()), QVariant(ecg.sourceFormat), QVariant(waveformHash(ecg)),
                                  QVariant(ecg.patient.id), QVariant(ecg.patient.name), QVariant(ecg.acquisition.start.toString(Qt::ISODate)),
                                  QVariant(now()), ecg.patient.ageYears ? QVariant(*ecg.patient.ageYears) : QVariant(QMetaType(QMetaType::Int)),
                                  QVariant(toString(ecg.patient.sex)), QVariant(ecg.durationMs())})
            q.addBindValue(v);
        if (Status s = exec(q, mPath, "add a record"); !s) {
            mDb.rollback();
            return Result<ImportReport>::failure(s.error());
        }
        if (q.numRowsAffected() == 0) {
            mDb.rollback();
            ++report.duplicates;
            continue;
        }
        const qint64 id = q.lastInsertId().toLongLong();
        dataset::MappingOptions mapping;
        mapping.includeOther = true;
        mapping.keepRarer = true;
        const dataset::Mapped mapped = ecg.labels.empty() ? dataset::Mapped{} : dataset::mapLabels(ecg.labels, mapping);
        if (mapped.cls) {
            ReviewState labelled;
            labelled.label = mapped.cls;
            labelled.labelOrigin = QStringLiteral("dataset");
            labelled.labelAuthor = QStringLiteral("import");
            if (Status s = writeState(id, ReviewState{}, labelled, labelled.labelAuthor, QStringLiteral("imported from %1").arg(files[i])); !s) {
                mDb.rollback();
                return Result<ImportReport>::failure(s.error());
            }
        }
        if (!mDb.commit())
            return Result<ImportReport>::failure(QStringLiteral("%1: cannot commit: %2").arg(mPath, mDb.lastError().text()));
        ++report.added;
    }
    if (progress)
        progress->report(files.size(), files.size(), QStringLiteral("importing"));
    return report;
}

namespace {

const char *kRowSelect =
    "SELECT r.id, r.path, r.format, r.patient_id, r.patient_name, r.acquired, p.model_id, p.probabilities, p.top_class, p.probability,"
    " v.status, v.reviewer, v.comment, l.class, l.origin, l.author, r.age_years, r.sex, r.duration_ms"
    " FROM records r LEFT JOIN predictions p ON p.record_id = r.id AND p.model_id = :model"
    " LEFT JOIN reviews v ON v.record_id = r.id LEFT JOIN labels l ON l.record_id = r.id";

WorklistRow readRow(const QSqlQuery &q)
{
    WorklistRow r;
    r.id = q.value(0).toLongLong();
    r.path = q.value(1).toString();
    r.format = q.value(2).toString();
    r.patientId = q.value(3).toString();
    r.patientName = q.value(4).toString();
    r.acquired = QDateTime::fromString(q.value(5).toString(), Qt::ISODate);
    if (!q.value(6).isNull()) {
        r.modelId = q.value(6).toString();
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array())
            r.probabilities.push_back(float(v.toDouble()));
        r.modelClass = q.value(8).toInt();
        r.modelProbability = q.value(9).toDouble();
    }
    if (!q.value(10).isNull()) {
        r.state.status = reviewStatusFromString(q.value(10).toString()).value_or(ReviewStatus::Unreviewed);
        r.state.reviewer = q.value(11).toString();
        r.state.comment = q.value(12).toString();
    }
    if (!q.value(13).isNull()) {
        r.state.label = q.value(13).toInt();
        r.state.labelOrigin = q.value(14).toString();
        r.state.labelAuthor = q.value(15).toString();
    }
    if (!q.value(16).isNull())
        r.ageYears = q.value(16).toInt();
    r.sex = sexFromString(q.value(17).toString());
    r.durationMs = q.value(18).toDouble();
    return r;
}

} // namespace

Result<std::vector<WorklistRow>> StudyDatabase::worklist(const QString &modelId) const
{
    QSqlQuery q(mDb);
    q.prepare(QLatin1String(kRowSelect) + QStringLiteral(" ORDER BY r.id"));
    q.bindValue(QStringLiteral(":model"), modelId);
    if (!q.exec())
        return Result<std::vector<WorklistRow>>::failure(QStringLiteral("%1: cannot read the worklist: %2").arg(mPath, q.lastError().text()));
    std::vector<WorklistRow> rows;
    while (q.next())
        rows.push_back(readRow(q));
    return rows;
}

Result<WorklistRow> StudyDatabase::row(qint64 record, const QString &modelId) const
{
    QSqlQuery q(mDb);
    q.prepare(QLatin1String(kRowSelect) + QStringLiteral(" WHERE r.id = :id"));
    q.bindValue(QStringLiteral(":model"), modelId);
    q.bindValue(QStringLiteral(":id"), record);
    if (!q.exec() || !q.next())
        return Result<WorklistRow>::failure(QStringLiteral("%1: no record %2").arg(mPath).arg(record));
    return readRow(q);
}

Result<ReviewState> StudyDatabase::state(qint64 record) const
{
    auto r = row(record, QString());
    if (!r)
        return Result<ReviewState>::failure(r.error());
    return r->state;
}

Status StudyDatabase::writeState(qint64 record, const ReviewState &before, const ReviewState &next, const QString &who, const QString &reason)
{
    QSqlQuery q(mDb);
    if (before.label != next.label || before.labelOrigin != next.labelOrigin || before.labelAuthor != next.labelAuthor) {
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO labels (record_id, class, origin, author, updated_at) VALUES (?, ?, ?, ?, ?)"));
        for (const QVariant &v : {QVariant(record), next.label ? QVariant(*next.label) : QVariant(), text(next.labelOrigin),
                                  text(next.labelAuthor), QVariant(now())})
            q.addBindValue(v);
        if (Status s = exec(q, mPath, "store a label"); !s)
            return s;
        if (Status s = writeAudit(record, who, QStringLiteral("label"), labelText(before), labelText(next), reason); !s)
            return s;
    }
    if (before.status != next.status || before.reviewer != next.reviewer || before.comment != next.comment) {
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO reviews (record_id, status, reviewer, comment, updated_at) VALUES (?, ?, ?, ?, ?)"));
        for (const QVariant &v : {QVariant(record), QVariant(toString(next.status)), text(next.reviewer), text(next.comment), QVariant(now())})
            q.addBindValue(v);
        if (Status s = exec(q, mPath, "store a review"); !s)
            return s;
        if (Status s = writeAudit(record, who, QStringLiteral("review"), reviewText(before), reviewText(next), reason); !s)
            return s;
    }
    return success();
}

Status StudyDatabase::transaction(const std::function<Status()> &work)
{
    if (!mDb.transaction())
        return Status::failure(QStringLiteral("%1: cannot start a transaction: %2").arg(mPath, mDb.lastError().text()));
    Status s = work();
    if (s && !mDb.commit())
        s = Status::failure(QStringLiteral("%1: cannot commit: %2").arg(mPath, mDb.lastError().text()));
    if (!s)
        mDb.rollback();
    return s;
}

Status StudyDatabase::setStates(const std::vector<std::pair<qint64, ReviewState>> &states, const QString &who, const QString &reason)
{
    return transaction([&] {
        for (const auto &[record, next] : states) {
            const auto before = state(record);
            if (!before)
                return Status::failure(before.error());
            if (Status s = writeState(record, before.value(), next, who, reason); !s)
                return s;
        }
        return success();
    });
}

Status StudyDatabase::setPrediction(qint64 record, const QString &modelId, const std::vector<float> &probabilities, int top)
{
    return setPredictions(modelId, {{record, probabilities, top}});
}

Status StudyDatabase::setPredictions(const QString &modelId, const std::vector<NewPrediction> &predictions)
{
    for (const NewPrediction &p : predictions)
        if (p.probabilities.empty() || p.decidedClass < 0 || p.decidedClass >= int(p.probabilities.size()))
            return Status::failure(QStringLiteral("%1: invalid prediction for record %2").arg(mPath).arg(p.record));
    return transaction([&] {
        QSqlQuery q(mDb);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO predictions (record_id, model_id, probabilities, top_class, probability, created_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?)"));
        for (const NewPrediction &p : predictions) {
            const auto before = state(p.record);
            if (!before)
                return Status::failure(before.error());
            QJsonArray array;
            for (float x : p.probabilities)
                array.append(double(x));
            int column = 0; // positions, as the statement is reused for every record
            for (const QVariant &v : {QVariant(p.record), QVariant(modelId), QVariant(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact))),
                                      QVariant(p.decidedClass), QVariant(double(p.probabilities[size_t(p.decidedClass)])), QVariant(now())})
                q.bindValue(column++, v);
            if (Status s = exec(q, mPath, "store a prediction"); !s)
                return s;
            if (!before->label) {
                // The prediction and the label it gives an unlabelled record commit together.
                ReviewState next = before.value();
                next.label = p.decidedClass;
                next.labelOrigin = QStringLiteral("model");
                next.labelAuthor = QStringLiteral("model:") + modelId;
                if (Status s = writeState(p.record, before.value(), next, next.labelAuthor, QStringLiteral("classified")); !s)
                    return s;
            }
        }
        return success();
    });
}

Result<std::vector<AuditEntry>> StudyDatabase::history(qint64 record) const
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("SELECT at, who, record_id, field, old_value, new_value, reason FROM audit") +
              (record > 0 ? QStringLiteral(" WHERE record_id = ?") : QString()) + QStringLiteral(" ORDER BY id"));
    if (record > 0)
        q.addBindValue(record);
    if (!q.exec())
        return Result<std::vector<AuditEntry>>::failure(QStringLiteral("%1: cannot read the audit trail: %2").arg(mPath, q.lastError().text()));
    std::vector<AuditEntry> out;
    while (q.next())
        out.push_back({QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs), q.value(1).toString(), q.value(3).toString(),
                       q.value(4).toString(), q.value(5).toString(), q.value(6).toString(), q.value(2).toLongLong()});
    return out;
}

QString StudyDatabase::setting(const QString &key) const
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    q.addBindValue(key);
    return q.exec() && q.next() ? q.value(0).toString() : QString();
}

Status StudyDatabase::setSetting(const QString &key, const QString &value)
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"));
    q.addBindValue(key);
    q.addBindValue(text(value));
    return exec(q, mPath, "store a setting");
}

double StudyDatabase::threshold(int cls) const
{
    if (cls >= 0 && cls < int(mThresholds.size()) && mThresholds[size_t(cls)])
        return *mThresholds[size_t(cls)];
    if (cls >= 0 && cls < int(mModelThresholds.size()) && !std::isnan(mModelThresholds[size_t(cls)]))
        return mModelThresholds[size_t(cls)];
    return kDefaultThreshold;
}

void StudyDatabase::setModelThresholds(const std::vector<double> &thresholds)
{
    mModelThresholds = thresholds;
}

Status StudyDatabase::setThreshold(int cls, double probability, const QString &who, const QString &reason)
{
    if (cls < 0 || cls >= int(mThresholds.size()) || !(probability >= 0.0 && probability <= 1.0))
        return Status::failure(QStringLiteral("%1: no threshold %2 for class %3").arg(mPath).arg(probability).arg(cls));
    const QString before = QString::number(threshold(cls));
    Status s = transaction([&] {
        if (Status set = setSetting(QStringLiteral("threshold/%1").arg(cls), QString::number(probability)); !set)
            return set;
        return writeAudit(0, who, QStringLiteral("threshold %1").arg(dataset::className(cls)), before, QString::number(probability), reason);
    });
    if (s)
        mThresholds[size_t(cls)] = probability;
    return s;
}

Result<QString> StudyDatabase::patientKey(qint64 record) const
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("SELECT %1 FROM records WHERE id = ?").arg(QLatin1String(kPatientKey)));
    q.addBindValue(record);
    if (!q.exec() || !q.next())
        return Result<QString>::failure(QStringLiteral("%1: no record %2").arg(mPath).arg(record));
    return q.value(0).toString();
}

Result<qint64> StudyDatabase::priorRecord(qint64 record) const
{
    const auto key = patientKey(record);
    if (!key)
        return Result<qint64>::failure(key.error());
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("SELECT id FROM records WHERE %1 = ? ORDER BY COALESCE(acquired, ''), id").arg(QLatin1String(kPatientKey)));
    q.addBindValue(key.value());
    if (!q.exec())
        return Result<qint64>::failure(QStringLiteral("%1: cannot look up the patient's records: %2").arg(mPath, q.lastError().text()));
    qint64 previous = 0;
    while (q.next()) {
        if (q.value(0).toLongLong() == record)
            return previous;
        previous = q.value(0).toLongLong();
    }
    return qint64(0);
}

Status StudyDatabase::linkPatient(qint64 record, qint64 other, const QString &who, const QString &reason)
{
    const auto before = patientKey(record);
    const auto after = patientKey(other);
    if (!before || !after)
        return Status::failure(before ? after.error() : before.error());
    if (before.value() == after.value())
        return success();
    return transaction([&] {
        QSqlQuery q(mDb);
        q.prepare(QStringLiteral("UPDATE records SET patient_key = ? WHERE id = ?"));
        q.addBindValue(after.value());
        q.addBindValue(record);
        if (Status s = exec(q, mPath, "link the record to a patient"); !s)
            return s;
        return writeAudit(record, who, QStringLiteral("patient"), before.value(), after.value(), reason);
    });
}

QString StudyDatabase::activeModel() const
{
    return setting(QStringLiteral("active_model"));
}

Status StudyDatabase::setActiveModel(const QString &modelDir)
{
    return setSetting(QStringLiteral("active_model"), modelDir);
}

Status StudyDatabase::addRun(const QJsonObject &run)
{
    QSqlQuery q(mDb);
    q.prepare(QStringLiteral("INSERT INTO training_runs (created_at, run) VALUES (?, ?)"));
    q.addBindValue(now());
    q.addBindValue(QString::fromUtf8(QJsonDocument(run).toJson(QJsonDocument::Compact)));
    return exec(q, mPath, "store a training run");
}

Result<std::vector<QJsonObject>> StudyDatabase::runs() const
{
    QSqlQuery q(mDb);
    if (!q.exec(QStringLiteral("SELECT run FROM training_runs ORDER BY id")))
        return Result<std::vector<QJsonObject>>::failure(QStringLiteral("%1: cannot read the training runs: %2").arg(mPath, q.lastError().text()));
    std::vector<QJsonObject> out;
    while (q.next())
        out.push_back(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object());
    return out;
}

bool StudyDatabase::isFlagged(const WorklistRow &row) const
{
    return row.modelClass >= 0 && row.modelClass < dataset::kTargetClassCount && row.modelProbability >= threshold(row.modelClass);
}

Result<Deidentifier> StudyDatabase::deidentifier(DateHandling dates)
{
    const QString stored = setting(QStringLiteral("deidentification/key"));
    QByteArray key = QByteArray::fromHex(stored.toLatin1());
    if (key.size() != 32) {
        key = Deidentifier::newKey();
        if (Status s = setSetting(QStringLiteral("deidentification/key"), QString::fromLatin1(key.toHex())); !s)
            return Result<Deidentifier>::failure(s.error());
    }
    return Deidentifier{key, dates};
}

Status StudyDatabase::auditExport(const QString &what, const QString &where, int records, const ExportOptions &options)
{
    const QString who = !options.who.isEmpty() ? options.who : qEnvironmentVariable("USER", QStringLiteral("unknown"));
    const QString how = !options.deidentify ? QStringLiteral("identified (contains patient data)")
                        : options.dates == DateHandling::Remove ? QStringLiteral("de-identified, dates removed")
                                                                : QStringLiteral("de-identified, dates shifted");
    return writeAudit(0, who, QStringLiteral("export"), QString(), QStringLiteral("%1: %2 (%3 records, %4)").arg(what, where).arg(records).arg(how),
                      QStringLiteral("export"));
}

Status StudyDatabase::exportLabelsCsv(const QString &path, const QString &modelId, const ExportOptions &options)
{
    const auto rows = worklist(modelId);
    if (!rows)
        return Status::failure(rows.error());
    std::optional<Deidentifier> deid;
    if (options.deidentify) {
        auto d = deidentifier(options.dates);
        if (!d)
            return Status::failure(d.error());
        deid = d.value();
    }
    QString out = QStringLiteral("record,path,patient_id,label,label_origin,label_author,review,reviewer,comment,model,model_class,model_probability\n");
    for (const WorklistRow &r : rows.value()) {
        // De-identified: what users typed and who they are go, and the path (file names carry names).
        const QString patient = deid ? deid->pseudonym(r.patientId.isEmpty() ? r.patientName : r.patientId) : r.patientId;
        const QStringList fields{QString::number(r.id), deid ? QString() : r.path, patient, r.state.label ? dataset::className(*r.state.label) : QString(),
                                 r.state.labelOrigin, deid ? QString() : r.state.labelAuthor, toString(r.state.status),
                                 deid ? QString() : r.state.reviewer, deid ? QString() : r.state.comment,
                                 r.modelId, r.modelClass >= 0 ? dataset::className(r.modelClass) : QString(),
                                 r.modelClass >= 0 ? QString::number(r.modelProbability, 'f', 4) : QString()};
        QStringList quoted;
        for (const QString &field : fields)
            quoted << dataset::csvField(field);
        out += quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    if (Status s = createPrivateFile(path); !s)
        return s;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) || f.write(out.toUtf8()) < 0 || !f.flush())
        return Status::failure(QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
    return auditExport(QStringLiteral("labels CSV"), QFileInfo(path).absoluteFilePath(), int(rows->size()), options);
}

Status StudyDatabase::exportTrainingSet(const QString &folder, const ExportOptions &options, Progress *progress)
{
    const auto rows = worklist(QString());
    if (!rows)
        return Status::failure(rows.error());
    if (Status s = makePrivateFolder(folder + QStringLiteral("/records")); !s)
        return s;
    io::WriteOptions write;
    if (options.deidentify) {
        auto d = deidentifier(options.dates);
        if (!d)
            return Status::failure(d.error());
        write.deidentify = d.value();
    }
    dataset::Manifest manifest;
    manifest.source = QStringLiteral("ecgscope-db");
    manifest.classCount = dataset::kTargetClassCount;
    size_t done = 0;
    for (const WorklistRow &r : rows.value()) {
        if (progress) {
            if (progress->cancelled())
                return Status::failure(QStringLiteral("%1: export cancelled").arg(folder));
            progress->report(qint64(done++), qint64(rows->size()), QStringLiteral("exporting"));
        }
        if (!r.state.label || r.state.status == ReviewStatus::Rejected)
            continue; // unlabelled, or a label the reviewer rejected
        auto ecg = io::readEcg(r.path);
        if (!ecg)
            return Status::failure(ecg.error());
        Ecg record = std::move(ecg).value();
        // The splits group records by the patient the database knows: a user's link, else the file's ID,
        // else the record alone (splits never share it).
        const auto patient = patientKey(r.id);
        if (!patient)
            return Status::failure(patient.error());
        if (record.patient.id.isEmpty())
            record.patient.id = patient.value();
        const QString file = QStringLiteral("%1/records/%2.hea").arg(folder).arg(r.id);
        if (Status s = io::writeEcg(record, file, write); !s)
            return s;
        dataset::Entry e;
        e.path = QFileInfo(file).absoluteFilePath();
        e.patientId = write.deidentify ? write.deidentify->pseudonym(patient.value()) : patient.value();
        e.label = *r.state.label;
        e.codes << QStringLiteral("EcgScope:%1").arg(dataset::className(e.label));
        if (e.label == dataset::Other)
            manifest.classCount = dataset::kTargetClassCount + 1;
        manifest.entries.push_back(e);
    }
    if (manifest.entries.empty())
        return Status::failure(QStringLiteral("%1: no labelled records to export").arg(mPath));
    if (Status s = dataset::assignSplits(manifest, dataset::SplitOptions{}); !s)
        return s;
    if (Status s = dataset::writeManifest(manifest, folder + QStringLiteral("/manifest.csv")); !s)
        return s;
    return auditExport(QStringLiteral("training set"), QFileInfo(folder).absoluteFilePath(), int(manifest.entries.size()), options);
}

} // namespace ecgscope::store

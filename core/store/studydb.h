#pragma once

#include "core/progress.h"
#include "core/record/deidentify.h"
#include "core/record/ecg.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace ecgscope::store {

enum class ReviewStatus { Unreviewed, Confirmed, Rejected, Relabeled };
QString toString(ReviewStatus status);
std::optional<ReviewStatus> reviewStatusFromString(const QString &text);

/// What a reviewer can change on a record: its review and its current label (class index 0-6).
struct ReviewState {
    ReviewStatus status = ReviewStatus::Unreviewed;
    QString reviewer;
    QString comment;
    std::optional<int> label;
    QString labelOrigin; ///< "dataset", "model" or "user"
    QString labelAuthor; ///< who set the label: the importer, "model:<id>", or the user's name

    bool operator==(const ReviewState &o) const;
    /// A user's relabel: status relabeled, the label `cls` with origin "user" by `user`.
    void relabel(int cls, const QString &user);
};

/// One row of the worklist: a record, the latest prediction of the model asked for, its label and review.
struct WorklistRow {
    qint64 id = 0;
    QString path, format, patientId, patientName;
    QDateTime acquired;
    std::optional<int> ageYears;
    Sex sex = Sex::Unknown;
    double durationMs = 0.0;          ///< 0: not known (imported before schema 3)
    QString modelId;                  ///< empty when the record has no prediction of that model
    std::vector<float> probabilities; ///< per class
    int modelClass = -1;
    double modelProbability = 0.0;
    ReviewState state;
};

/// One line of the append-only audit trail.
struct AuditEntry {
    QDateTime at;
    QString who, field, oldValue, newValue, reason;
    qint64 record = 0;
};

/// What an import did.
struct ImportReport {
    int added = 0;
    int duplicates = 0;   ///< same waveform as a record already in the database
    QStringList failures; ///< "file: reason", for files that could not be read
};

/// How an export treats protected health information, and who makes it (for the audit trail).
struct ExportOptions {
    bool deidentify = false;
    DateHandling dates = DateHandling::Remove; ///< with deidentify
    QString who;                               ///< empty: the system's user name
};

/// The study database: one SQLite file (WAL mode, schema versioned by PRAGMA user_version with
/// migrations) holding records, predictions per model, current labels, reviews, an append-only audit
/// table, settings and training runs. Every edit is one transaction that also writes its audit rows, so a killed
/// process loses no committed edit. A database written by a newer schema is refused, never touched.
/// One StudyDatabase per thread (it owns its own connection).
class StudyDatabase {
public:
    static constexpr int kSchemaVersion = 4;

    ~StudyDatabase();
    StudyDatabase(const StudyDatabase &) = delete;
    StudyDatabase &operator=(const StudyDatabase &) = delete;

    /// Opens or creates the database at path, migrating an older schema.
    /// The file and its WAL and shared-memory files are created owner-only (0600) whatever the umask.
    static Result<std::unique_ptr<StudyDatabase>> open(const QString &path);
    QString path() const { return mPath; }
    /// What the user should know about the opened file (e.g. that others may read it).
    QStringList warnings() const { return mWarnings; }

    /// The de-identification of this database's exports: its secret key (made on first use, kept in the
    /// database, never written to an export), so a patient has one pseudonym across its exports.
    Result<Deidentifier> deidentifier(DateHandling dates = DateHandling::Remove);

    /// Imports files and folders (recursively, every readable format; WFDB by its .hea). Records whose
    /// waveform is already present are skipped; the labels a record carries become its label (origin
    /// "dataset"). Each record is one transaction.
    Result<ImportReport> importPaths(const QStringList &paths, Progress *progress = nullptr);

    /// The worklist with each record's latest prediction by `modelId`.
    Result<std::vector<WorklistRow>> worklist(const QString &modelId) const;
    Result<WorklistRow> row(qint64 record, const QString &modelId) const;

    /// Stores a prediction (replacing the same model's earlier one): the probabilities and the model's
    /// decided class (its thresholds applied). A record without a label gets that class as its label
    /// (origin "model"), audited like any edit.
    Status setPrediction(qint64 record, const QString &modelId, const std::vector<float> &probabilities, int decidedClass);
    /// One model's predictions for several records, as setPrediction each, in one transaction: a batch
    /// commits whole or not at all (a process killed in it loses that batch, never an earlier one).
    struct NewPrediction {
        qint64 record = 0;
        std::vector<float> probabilities;
        int decidedClass = -1;
    };
    Status setPredictions(const QString &modelId, const std::vector<NewPrediction> &predictions);

    /// Sets the review state of several records in one transaction (one record or a bulk relabel; undo
    /// and redo pass the earlier states back). Writes an audit row for every field that changes.
    Status setStates(const std::vector<std::pair<qint64, ReviewState>> &states, const QString &who, const QString &reason);
    Result<ReviewState> state(qint64 record) const;

    /// The audit trail of a record ("" field = all), oldest first; record 0 = every record.
    Result<std::vector<AuditEntry>> history(qint64 record) const;

    /// Per-class probability above which a model's class flags a record: the user's (stored in the
    /// database), else the model's own (its card's calibrated threshold), else 0.5.
    double threshold(int cls) const;
    /// The user's threshold of a class (one transaction with its audit row: record 0, field "threshold <class>").
    Status setThreshold(int cls, double probability, const QString &who, const QString &reason);
    /// The thresholds of the model in use (NaN = none for that class), the defaults of threshold().
    void setModelThresholds(const std::vector<double> &thresholds);
    /// Flagged: the model's class is one of the six and its probability reaches that class's threshold.
    bool isFlagged(const WorklistRow &row) const;

    /// The patient a record belongs to: the one a user linked it to, else its file's patient id, else
    /// the record alone ("record:<id>").
    Result<QString> patientKey(qint64 record) const;
    /// The previous acquisition of the record's patient: the record of the same patientKey just before
    /// it in acquisition time (then import order; records without a time come first); 0 when none.
    Result<qint64> priorRecord(qint64 record) const;
    /// A user's statement that `record` is of the same patient as `other` (files without patient ids, or
    /// with another system's): `record` takes `other`'s patientKey, in one transaction with its audit row.
    Status linkPatient(qint64 record, qint64 other, const QString &who, const QString &reason);

    /// CSV of every record's label and review (record, path, patient, label, origin, author, review,
    /// reviewer, comment, model, model class, probability). De-identified: the patient is a pseudonym, the
    /// path, authors, reviewers and comments (typed by users) are left empty. Owner-only; audited.
    Status exportLabelsCsv(const QString &path, const QString &modelId, const ExportOptions &options = {});
    /// A training set the `train` command takes as it is: labelled records as WFDB files in `folder`
    /// plus `manifest.csv` with patient-wise splits (seed 1); de-identified through deidentifier().
    /// Folders 0700, files 0600; audited.
    Status exportTrainingSet(const QString &folder, const ExportOptions &options = {}, Progress *progress = nullptr);

    /// Training runs the training wizard finished (ml::RunRecord as JSON), oldest first.
    Status addRun(const QJsonObject &run);
    Result<std::vector<QJsonObject>> runs() const;
    /// The model folder the application classifies with; empty = the bundled model.
    QString activeModel() const;
    Status setActiveModel(const QString &modelDir);

private:
    QString setting(const QString &key) const;
    Status setSetting(const QString &key, const QString &value);
    /// Runs `work` in one transaction: committed when it succeeds, rolled back when it fails.
    Status transaction(const std::function<Status()> &work);
    explicit StudyDatabase(QString connection, QString path);
    Status migrate();
    /// The label and review rows and their audit rows, inside the caller's transaction.
    Status writeState(qint64 record, const ReviewState &before, const ReviewState &next, const QString &who, const QString &reason);
    Status writeAudit(qint64 record, const QString &who, const QString &field, const QString &oldValue, const QString &newValue, const QString &reason);
    /// The audit row of an export (record 0): what, where, how many records, de-identified or not.
    Status auditExport(const QString &what, const QString &where, int records, const ExportOptions &options);

    static constexpr double kDefaultThreshold = 0.5;

    QString mConnection;
    QString mPath;
    QSqlDatabase mDb;
    std::vector<std::optional<double>> mThresholds; ///< per class of the six, as stored in settings
    std::vector<double> mModelThresholds;
    QStringList mWarnings;
};

/// SHA-256 of the waveform (rate, lead names, samples): identical recordings in different files match.
QString waveformHash(const Ecg &ecg);

} // namespace ecgscope::store

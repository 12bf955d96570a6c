#pragma once

#include "core/ml/classifier.h"
#include "core/store/studydb.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QBarSet;
class QChart;
class QComboBox;
class QDoubleSpinBox;
class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextEdit;
class QUndoStack;

namespace ecgscope::ui {

class WorklistModel;
class WorklistFilter;

/// The review workflow beside the viewer: the study database's worklist (filters, flags), batch
/// classification on a worker thread with progress and cancel, the selected record's class
/// probabilities (Qt Charts), its label history, and the reviewer's actions (confirm, reject, relabel,
/// comment, bulk relabel), each one transaction and one step on the undo stack.
class ReviewPanel : public QWidget {
    Q_OBJECT
public:
    ReviewPanel(std::shared_ptr<ml::Classifier> classifier, QWidget *parent = nullptr);
    ~ReviewPanel() override;

    /// The classifier the batch and the probabilities use (the application's active model).
    void setClassifier(std::shared_ptr<ml::Classifier> classifier);

    /// Opens (or creates) a study database. @return an empty string, or why not (the old one stays open)
    QString openDatabase(const QString &path);
    store::StudyDatabase *database() const { return mDb.get(); }
    Result<store::ImportReport> importPaths(const QStringList &paths);

    /// Classifies the records that have no prediction of the current model yet, on a worker thread.
    void classifyAll();
    void cancelClassification();
    bool isClassifying() const { return mBatch.isRunning(); }
    QString progressText() const;

    WorklistModel *model() const { return mModel; }
    WorklistFilter *filter() const { return mFilter; }
    QTableView *table() const { return mTable; }
    QUndoStack *undoStack() const { return mUndo; }
    QChart *chart() const { return mChart; }
    QString historyText() const;

    /// The reviewer's name, asked once (QSettings) and recorded with every change.
    QString reviewer();
    void setReviewer(const QString &name);

    /// A prediction the viewer made for the file it shows: stored for the current worklist record when
    /// that record has none of this model (the current one) yet (one transaction, audited like the batch's).
    void storePrediction(const QString &path, const QString &modelId, const std::vector<float> &probabilities, int decidedClass);

    /// The record shown (-1: none).
    qint64 current() const { return mCurrent; }
    void select(qint64 record);
    /// Shows the worklist's record for a file opened elsewhere (the viewer), without re-opening it.
    /// @return false when the file is not in the worklist
    bool showPath(const QString &path);
    bool confirm();
    bool reject();
    bool relabel(int cls);
    /// Relabels every selected row of the table in one transaction.
    bool relabelSelection(int cls);
    /// Selects the next flagged record that is still unreviewed, after the current one. @return false when none
    bool nextUnreviewedFlagged();
    QString lastError() const { return mError; }

Q_SIGNALS:
    /// A record was selected: the viewer should show it.
    void recordSelected(qint64 record, const QString &path);
    void batchFinished(int classified, bool cancelled);
    void errorOccurred(const QString &message);

private:
    bool apply(const std::vector<qint64> &records, const std::function<void(store::ReviewState &)> &change, const QString &text);
    void showCurrent();
    /// Makes the current record's row the table's current row again (after a reload, sort or filter).
    void restoreCurrent();
    void changeFilter(const std::function<void()> &change);
    void useDatabase(); ///< the opened database with the current classifier
    void fail(const QString &message);
    /// Writes a batch of the worker's predictions (one transaction) and updates their rows.
    void storePredictions(const std::vector<std::pair<qint64, Result<ml::Prediction>>> &batch);

    std::shared_ptr<ml::Classifier> mClassifier;
    std::unique_ptr<store::StudyDatabase> mDb;
    WorklistModel *mModel;
    WorklistFilter *mFilter;
    QTableView *mTable;
    QComboBox *mClassFilter;
    QComboBox *mStatusFilter;
    QDoubleSpinBox *mMinimum;
    QCheckBox *mFlaggedOnly;
    QCheckBox *mUncertainFirst;
    QCheckBox *mDisagreements;
    QProgressBar *mProgress;
    QPushButton *mCancel;
    QChart *mChart;
    QBarSet *mBars;
    QLabel *mState;
    QLineEdit *mComment;
    QComboBox *mRelabel;
    QTextEdit *mHistory;
    QUndoStack *mUndo;
    qint64 mCurrent = -1;
    QString mReviewer;
    QString mError;
    QFutureWatcher<void> mBatch;
    std::shared_ptr<std::atomic_bool> mCancelFlag;
    int mBatchDone = 0;
    int mBatchTotal = 0;
};

} // namespace ecgscope::ui

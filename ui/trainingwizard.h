#pragma once

#include "core/dataset/manifest.h"
#include "core/ml/comparison.h"

#include <QFutureWatcher>
#include <QWizard>

#include <atomic>
#include <optional>
#include <memory>

class QChart;
class QLabel;
class QProgressBar;

namespace ecgscope::store {
class StudyDatabase;
}

namespace ecgscope::ui {

class ComparisonView;

/// Retraining without leaving the application, as the paper compared imbalance strategies:
/// (1) data: the study database's labelled records or a manifest (an imported public dataset or an
/// exported training set), with per-class counts and warnings; (2) split; (3) model; (4) strategies and
/// training settings; (5) run, one strategy after another on a worker thread, with live curves, progress,
/// elapsed time, ETA and cancel (finished runs are kept); (6) results side by side. Finished runs go to
/// the study database; any run can be saved as a model elsewhere or made the active classifier.
class TrainingWizard : public QWizard {
    Q_OBJECT
public:
    enum Page { DataPage, SplitPage, ModelPage, StrategyPage, RunPage, ResultsPage };

    /// `db` may be null (then only manifests can be used, and runs are not stored).
    TrainingWizard(store::StudyDatabase *db, const QString &outputFolder, QWidget *parent = nullptr);
    ~TrainingWizard() override;

    /// The data the runs train on, after the split page (valid from the split page on).
    const dataset::Manifest &manifest() const { return mManifest; }
    /// The configurations the strategy page describes, one per ticked strategy.
    Result<std::vector<ml::TrainConfig>> configs() const;
    const std::vector<ml::RunRecord> &finishedRuns() const { return mFinished; }
    bool isRunning() const { return mJob.isRunning(); }
    void cancel();
    ComparisonView *comparison() const { return mComparison; }
    QString statusText() const;

    /// Makes a finished run the application's classifier (stored in the database when there is one).
    bool makeActive(int run);

Q_SIGNALS:
    /// All runs ended (cancelled or not); finishedRuns() holds those that completed.
    void runsFinished();
    /// An epoch of the current run finished (the status, progress and curves were updated).
    void progressed();
    void activeModelChanged(const QString &modelDir);

private:
    friend class WizardDataPage;
    friend class WizardModelPage;
    friend class WizardSplitPage;
    friend class WizardRunPage;
    friend class WizardResultsPage;
    bool loadData();
    bool loadSynthetic(); ///< the generator's corpus, when the data page asks for it
    bool applySplit();
    void startRuns();
    void onEpoch(int run, const ml::EpochReport &report);

    store::StudyDatabase *mDb;
    QString mOutput;
    QString mDatabaseExport; ///< the manifest of the study database's export, once made
    dataset::Manifest mLoaded;   ///< as read, before the split page
    dataset::Manifest mManifest; ///< as split (and merged with the synthetic corpus)
    std::optional<dataset::Source> mSynthetic;
    QString mSyntheticFolder; ///< where mSynthetic was read from
    std::vector<ml::TrainConfig> mConfigs;
    std::vector<ml::RunRecord> mFinished;
    QStringList mFailures;
    QFutureWatcher<void> mJob;
    std::shared_ptr<std::atomic_bool> mCancel;
    qint64 mStartedMs = 0;
    int mEpochsDone = 0;
    int mEpochsTotal = 0;
    int mCurrentRun = 0;
    QLabel *mStatus = nullptr;
    QProgressBar *mProgress = nullptr;
    QChart *mLiveChart = nullptr;
    ComparisonView *mComparison = nullptr;
};

} // namespace ecgscope::ui

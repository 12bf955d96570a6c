#pragma once

#include "core/ml/training.h"

#include <QElapsedTimer>
#include <QMutex>

namespace ecgscope::cli {

/// Progress on stderr: a bar with counts, elapsed time and ETA, redrawn in place on a terminal and
/// printed every 10% otherwise; one line per finished training epoch.
class ConsoleProgress : public ml::TrainingObserver {
public:
    ConsoleProgress();
    void report(qint64 done, qint64 total, const QString &what) override;
    void epochFinished(const ml::EpochReport &report) override;
    /// Ends the current bar's line.
    void finish();

private:
    QMutex mMutex;
    QElapsedTimer mClock;
    QString mWhat;
    int mLastDecile = -1;
    bool mTerminal;
    bool mOpenLine = false;
};

} // namespace ecgscope::cli

#pragma once

#include "core/ml/classifier.h"
#include "core/record/ecg.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <memory>

class QLabel;

namespace ecgscope::ui {

class LeadPlot;

/// The application window: a record's header line and its leads; File > Open for any readable format.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    /// Loads and shows a record. On failure shows the reader's message and keeps the current record.
    /// @return true when the file was loaded
    bool openFile(const QString &path);
    const Ecg &ecg() const { return mEcg; }
    /// The last error message (empty after a successful open), for tests and the status bar.
    QString errorString() const { return mError; }
    /// The classification line under the header ("classifying...", the result, or why there is none).
    QString classificationText() const;

Q_SIGNALS:
    /// The shown record's classification finished (or failed); see classificationText().
    void classified();

private:
    void openFromDialog();
    void showEcg();
    void classifyInBackground();
    void showClassification();

    Ecg mEcg;
    QString mError;
    LeadPlot *mPlot;
    QLabel *mHeader;
    QLabel *mClassification;
    std::shared_ptr<ml::Classifier> mClassifier; ///< the bundled model, loaded once
    QString mClassifierError;
    QFutureWatcher<Result<ml::Prediction>> mWatcher;
    int mGeneration = 0; ///< which open the running classification belongs to
};

} // namespace ecgscope::ui

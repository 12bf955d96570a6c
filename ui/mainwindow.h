#pragma once

#include "core/dsp/intervals.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/record/deidentify.h"
#include "core/record/ecg.h"
#include "ui/printout.h"

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QPageSize>

#include <memory>

class QDockWidget;
class QLabel;
class QMenu;

namespace ecgscope::ui {

class EcgView;
class ReviewPanel;
class RhythmPanel;
class SerialComparisonWindow;
struct ComparedEcg;

/// The application window: the record's header (patient, acquisition, EcgScope's own measurements, the
/// device's interpretation, the model's classification) over the 12-lead view on ECG paper. Files open
/// from the menu, the recent-files list, drag and drop, or the command line.
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
    /// The header's lines as plain text (also printed on every page).
    QStringList headerLines() const;
    const dsp::Intervals &intervals() const { return mIntervals; }
    EcgView *view() const { return mView; }
    ReviewPanel *reviewPanel() const { return mReview; }
    RhythmPanel *rhythmPanel() const { return mRhythm; }
    QDockWidget *rhythmDock() const { return mRhythmDock; }

    /// Opens the serial comparison of the shown record with the ECG in `path`, the older acquisition as
    /// the prior (Tools > Compare With). @return the window (deleted on close), or nullptr with errorString() set
    SerialComparisonWindow *compareWith(const QString &path);
    /// The same with the shown record's patient's previous acquisition in the study database (Tools >
    /// Compare with Prior). @return nullptr with errorString() saying why when there is none
    SerialComparisonWindow *compareWithPrior();
    QStringList recentFiles() const;

    /// The sheet and header for print and export (de-identified when File > De-identify Printouts is on:
    /// the open study database's pseudonym, else one of this session's key).
    Printout printout() const;
    /// Writes the sheet at true scale: .pdf (all pages) or .png (300 dpi), on the chosen paper size.
    /// @return an empty string, or why not
    QString exportSheet(const QString &path) const;

    /// Opens (or creates) a study database in the worklist and uses the model it names as active.
    /// @return an empty string, or why not
    QString openDatabase(const QString &path);

    /// Classifies with the model in `modelDir` from now on (empty: the bundled model); remembered in the
    /// study database when one is open, and in the settings. @return an empty string, or why not
    QString setActiveModel(const QString &modelDir);
    std::shared_ptr<ml::Classifier> classifier() const { return mClassifier; }
    /// Where the training wizard writes runs: beside the study database, else in the user's data folder.
    QString runsFolder() const;
    QPageSize::PageSizeId pageSize() const { return mPageSize; }
    void setPageSize(QPageSize::PageSizeId size) { mPageSize = size; }

Q_SIGNALS:
    /// The shown record's classification finished (or failed); see classificationText().
    void classified();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    struct Classified {
        QString modelId;
        ml::Prediction prediction;
        std::vector<float> saliency; ///< of the top class
    };
    void restoreLayout();
    QStringList headerLinesOf(const Ecg &ecg, const dsp::Intervals &intervals) const;
    /// The header as printed: de-identified when File > De-identify Printouts is on.
    QStringList printedHeaderLines(const Ecg &ecg, const dsp::Intervals &intervals) const;
    ComparedEcg compared(const Ecg &ecg) const;
    void showRhythm();
    void showOperatingPoints();
    void buildMenus();
    void buildReviewMenu();
    void buildTrainingMenu();
    void openFromDialog();
    void showEcg();
    void updateHeader();
    void addRecentFile(const QString &path);
    void updateRecentMenu();
    void exportFromDialog(const QString &filter);
    void print();
    void calibrateScreen();
    void applyScreenScale();
    void classifyInBackground();
    void showClassification();

    Ecg mEcg;
    dsp::Intervals mIntervals;
    QString mError;
    QHash<QString, io::ReadOptions> mReadOptions; ///< what the user told about text files this session
    EcgView *mView;
    QLabel *mHeader;
    QLabel *mClassification;
    QLabel *mHover;
    QLabel *mCaliper;
    QMenu *mRecentMenu = nullptr;
    QPageSize::PageSizeId mPageSize = QPageSize::A4;
    std::shared_ptr<ml::Classifier> mClassifier; ///< the bundled model, loaded once
    QString mClassifierError;
    QFutureWatcher<Result<Classified>> mWatcher;
    ReviewPanel *mReview;
    QDockWidget *mDock;
    RhythmPanel *mRhythm;
    QDockWidget *mRhythmDock;
    QAction *mDeidentifyPrints = nullptr;
    QByteArray mSessionKey = Deidentifier::newKey(); ///< pseudonyms of printouts made without a study database
    bool mRhythmSized = false;    ///< the rhythm dock had its first width
    bool mLayoutRestored = false; ///< the last session's geometry and dock state fitted this screen
};

} // namespace ecgscope::ui

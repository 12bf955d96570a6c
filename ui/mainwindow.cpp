#include "ui/mainwindow.h"

#include "core/dataset/classes.h"
#include "core/io/reader.h"
#include "core/paths.h"
#include "ui/ecgview.h"
#include "ui/printout.h"
#include "ui/comparisonview.h"
#include "ui/operatingpoints.h"
#include "ui/reviewpanel.h"
#include "ui/rhythmpanel.h"
#include "ui/serialcomparison.h"
#include "ui/textoptionsdialog.h"
#include "ui/trainingwizard.h"
#include "ui/worklistmodel.h"

#include <QtConcurrent/QtConcurrentRun>

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QScreen>
#include <QStandardPaths>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <functional>
#include <utility>

namespace ecgscope::ui {

namespace {

constexpr int kMaxRecentFiles = 8;
const QString kRecentKey = QStringLiteral("recentFiles");
const QString kCalibrationKey = QStringLiteral("screen/calibration");
const QString kPageSizeKey = QStringLiteral("print/pageSize");
const QString kActiveModelKey = QStringLiteral("model/active");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

/// A submenu of mutually exclusive choices; `apply` runs with the chosen value.
template<typename T>
void addChoices(QMenu *menu, const std::vector<std::pair<QString, T>> &choices, T current, std::function<void(T)> apply)
{
    auto *group = new QActionGroup(menu);
    for (const auto &[text, value] : choices) {
        QAction *a = menu->addAction(text);
        a->setCheckable(true);
        a->setChecked(value == current);
        group->addAction(a);
        QObject::connect(a, &QAction::triggered, menu, [apply, value = value] { apply(value); });
    }
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), mView(new EcgView(this)), mHeader(new QLabel(this)), mClassification(new QLabel(this)),
      mHover(new QLabel(this)), mCaliper(new QLabel(this)), mReview(nullptr), mDock(nullptr), mRhythm(new RhythmPanel(this)),
      mRhythmDock(new QDockWidget(tr("Rhythm and Beats"), this))
{
    setWindowTitle(tr("EcgScope"));
    setAcceptDrops(true);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    mHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mHeader->setWordWrap(true);
    layout->addWidget(mHeader);
    mClassification->setWordWrap(true); // one long line would make the window wider than a laptop screen
    layout->addWidget(mClassification);
    layout->addWidget(mView, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(mCaliper);
    statusBar()->addPermanentWidget(mHover);
    connect(mView, &EcgView::hoverTextChanged, mHover, &QLabel::setText);
    connect(mView, &EcgView::caliperChanged, this, [this] {
        const auto reading = mView->caliper();
        mCaliper->setText(reading ? reading->text() : QString());
    });
    mPageSize = QPageSize::PageSizeId(QSettings().value(kPageSizeKey, int(QPageSize::A4)).toInt());
    mReview = new ReviewPanel(nullptr, this);
    // The model chosen last time, if it still loads; else the bundled one.
    if (!setActiveModel(QSettings().value(kActiveModelKey).toString()).isEmpty())
        setActiveModel(QString());
    mDock = new QDockWidget(tr("Worklist"), this);
    mDock->setObjectName(QStringLiteral("worklist"));
    mDock->setWidget(mReview);
    addDockWidget(Qt::RightDockWidgetArea, mDock);
    connect(mReview, &ReviewPanel::recordSelected, this, [this](qint64, const QString &path) { openFile(path); });
    connect(mReview, &ReviewPanel::errorOccurred, this, [this](const QString &message) { statusBar()->showMessage(message, 10000); });
    // Rhythm and beat plots, left of the sheet (the worklist has the right); hidden until asked for.
    mRhythmDock->setObjectName(QStringLiteral("rhythm"));
    mRhythmDock->setWidget(mRhythm);
    addDockWidget(Qt::LeftDockWidgetArea, mRhythmDock);
    connect(mRhythm, &RhythmPanel::beatChosen, mView, [this](double timeMs) { mView->markTime(timeMs); });
    connect(mRhythmDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (!visible)
            return;
        // A quarter of the window the first time, at least what the plots need.
        if (!std::exchange(mRhythmSized, true) && !mLayoutRestored)
            resizeDocks({mRhythmDock}, {std::max(mRhythmDock->minimumSizeHint().width(), width() / 4)}, Qt::Horizontal);
        showRhythm();
    });
    buildMenus();
    buildReviewMenu();
    buildTrainingMenu();
    restoreLayout();
    mDock->hide(); // shown when a study database is opened
    mRhythmDock->hide();
    applyScreenScale();
    connect(&mWatcher, &QFutureWatcher<Result<Classified>>::finished, this, &MainWindow::showClassification);
}

QString MainWindow::setActiveModel(const QString &modelDir)
{
    const QString dir = modelDir.isEmpty() ? dataDir() + QStringLiteral("/models/default") : modelDir;
    auto loaded = ml::Classifier::load(dir);
    if (!loaded) {
        if (!mClassifier)
            mClassifierError = loaded.error();
        return loaded.error();
    }
    mClassifier = loaded.value();
    mClassifierError.clear();
    QSettings().setValue(kActiveModelKey, modelDir);
    if (mReview->database())
        mReview->database()->setActiveModel(modelDir);
    mReview->setClassifier(mClassifier);
    if (!mEcg.leads.empty())
        classifyInBackground();
    statusBar()->showMessage(tr("Classifying with %1").arg(mClassifier->modelId()), 5000);
    return {};
}

QString MainWindow::openDatabase(const QString &path)
{
    const QString error = mReview->openDatabase(path);
    if (!error.isEmpty())
        return error;
    for (const QString &warning : mReview->database()->warnings()) {
        qWarning("%s", qPrintable(warning));
        statusBar()->showMessage(warning, 30000);
    }
    if (!mDock->isVisible()) {
        mDock->show();
        if (!mLayoutRestored) // the worklist's share of a first start: 40% of the window, at least what it needs
            resizeDocks({mDock}, {std::max(mDock->minimumSizeHint().width(), width() * 2 / 5)}, Qt::Horizontal);
    }
    const QString model = mReview->database()->activeModel();
    if (!model.isEmpty() && (!mClassifier || QFileInfo(model) != QFileInfo(mClassifier->directory())))
        if (const QString modelError = setActiveModel(model); !modelError.isEmpty())
            statusBar()->showMessage(tr("The database's active model is unusable (%1); keeping %2").arg(modelError, mClassifier ? mClassifier->modelId() : QString()), 10000);
    return {};
}

void MainWindow::restoreLayout()
{
    // The last session's window and docks, when they fit this screen (it may be another one, or
    // smaller); else a window that fills 90% of the available screen (task bars and docks excluded).
    const QRect available = screen()->availableGeometry();
    QSettings settings;
    mLayoutRestored = restoreGeometry(settings.value(kGeometryKey).toByteArray()) && available.contains(geometry())
                      && restoreState(settings.value(kStateKey).toByteArray());
    if (mLayoutRestored)
        return;
    const QSize size = available.size() * 9 / 10;
    setGeometry(QRect(available.topLeft() + QPoint((available.width() - size.width()) / 2, (available.height() - size.height()) / 2), size));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}

QString MainWindow::runsFolder() const
{
    if (mReview->database())
        return QFileInfo(mReview->database()->path()).absoluteDir().filePath(QStringLiteral("runs"));
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
}

void MainWindow::buildTrainingMenu()
{
    QMenu *training = menuBar()->addMenu(tr("T&raining"));
    training->addAction(tr("Training &Wizard..."), this, [this] {
        auto *wizard = new TrainingWizard(mReview->database(), runsFolder(), this);
        wizard->setAttribute(Qt::WA_DeleteOnClose);
        connect(wizard, &TrainingWizard::activeModelChanged, this, [this](const QString &dir) {
            const QString error = setActiveModel(dir);
            if (!error.isEmpty())
                QMessageBox::warning(this, tr("Cannot use the model"), error);
        });
        wizard->show();
    });
    training->addAction(tr("&Past Runs..."), this, [this] {
        if (!mReview->database()) {
            QMessageBox::information(this, tr("Past runs"), tr("Runs are stored in the study database: open one first (Review menu)."));
            return;
        }
        std::vector<ml::RunRecord> runs;
        if (auto stored = mReview->database()->runs())
            for (const QJsonObject &o : stored.value())
                if (auto r = ml::RunRecord::fromJson(o))
                    runs.push_back(std::move(r).value());
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Past training runs"));
        auto *view = new ComparisonView(&dialog);
        view->setRuns(runs);
        auto *layout = new QVBoxLayout(&dialog);
        layout->addWidget(view);
        dialog.resize(1300, 850);
        dialog.exec();
    });
    QMenu *models = training->addMenu(tr("Active &Model"));
    connect(models, &QMenu::aboutToShow, this, [this, models] {
        models->clear();
        std::vector<std::pair<QString, QString>> choices{{tr("Bundled model"), QString()}};
        if (mReview->database())
            if (auto stored = mReview->database()->runs())
                for (const QJsonObject &o : stored.value())
                    choices.emplace_back(QStringLiteral("%1 (%2)").arg(o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("model_id")).toString()),
                                         o.value(QStringLiteral("model_dir")).toString());
        auto *group = new QActionGroup(models);
        for (const auto &[text, dir] : choices) {
            QAction *a = models->addAction(text);
            a->setCheckable(true);
            a->setChecked(dir == QSettings().value(kActiveModelKey).toString());
            group->addAction(a);
            connect(a, &QAction::triggered, this, [this, dir = dir] {
                const QString error = setActiveModel(dir);
                if (!error.isEmpty())
                    QMessageBox::warning(this, tr("Cannot use the model"), error);
            });
        }
    });
}

void MainWindow::buildReviewMenu()
{
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = mReview->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = mReview->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu *review = menuBar()->addMenu(tr("&Review"));
    review->addAction(tr("&Open Study Database..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Open or create a study database"), QString(), tr("Study database (*.ecgdb *.sqlite *.db)"),
                                                          nullptr, QFileDialog::DontConfirmOverwrite);
        if (path.isEmpty())
            return;
        const QString error = openDatabase(path);
        if (!error.isEmpty())
            QMessageBox::warning(this, tr("Cannot open the study database"), error);
    });
    const auto import = [this](const QStringList &paths) {
        if (paths.isEmpty())
            return;
        const auto report = mReview->importPaths(paths);
        if (!report) {
            QMessageBox::warning(this, tr("Import failed"), report.error());
            return;
        }
        QString text = tr("%1 records added, %2 already present, %3 files could not be read.")
                           .arg(report->added)
                           .arg(report->duplicates)
                           .arg(report->failures.size());
        if (!report->failures.isEmpty())
            text += QStringLiteral("\n\n") + report->failures.join(QLatin1Char('\n'));
        QMessageBox::information(this, tr("Import"), text);
    };
    review->addAction(tr("Import &Files..."), this, [this, import] { import(QFileDialog::getOpenFileNames(this, tr("Import ECG files"), QString(), io::openFileFilter())); });
    review->addAction(tr("Import F&older..."), this, [this, import] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import a folder (recursively)"));
        if (!dir.isEmpty())
            import({dir});
    });
    review->addAction(tr("&Classify Worklist"), mReview, &ReviewPanel::classifyAll);
    review->addAction(tr("Cancel Classification"), mReview, &ReviewPanel::cancelClassification);
    review->addSeparator();
    review->addAction(tr("&Confirm"), QKeySequence(Qt::CTRL | Qt::Key_Return), mReview, &ReviewPanel::confirm);
    review->addAction(tr("&Reject"), QKeySequence(Qt::CTRL | Qt::Key_Backspace), mReview, &ReviewPanel::reject);
    QMenu *relabel = review->addMenu(tr("Re&label Selection As"));
    for (int c = 0; c <= dataset::kTargetClassCount; ++c)
        relabel->addAction(QStringLiteral("&%1 %2").arg(c + 1).arg(dataset::className(c)), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + c)), mReview,
                           [this, c] { mReview->relabelSelection(c); });
    review->addAction(tr("&Next Unreviewed Flagged"), QKeySequence(Qt::Key_F3), mReview, &ReviewPanel::nextUnreviewedFlagged);
    review->addAction(tr("&Operating Points and Thresholds..."), QKeySequence(Qt::CTRL | Qt::Key_T), this, &MainWindow::showOperatingPoints);
    review->addSeparator();
    // Exports name their reviewer in the audit trail, and ask whether to de-identify.
    const auto exportOptions = [this](const QString &what) {
        store::ExportOptions o;
        o.deidentify = QMessageBox::question(this, what,
                                             tr("De-identify? Names, birth dates, the institution, reviewers and comments are removed, patient IDs "
                                                "replaced by this database's keyed pseudonyms, dates removed.")) == QMessageBox::Yes;
        o.who = mReview->reviewer();
        return o;
    };
    review->addAction(tr("Export &Labels (CSV)..."), this, [this, exportOptions] {
        if (!mReview->database())
            return;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export labels and reviews"), QStringLiteral("labels.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (Status s = mReview->database()->exportLabelsCsv(path, mClassifier ? mClassifier->modelId() : QString(), exportOptions(tr("Labels"))); !s)
            QMessageBox::warning(this, tr("Export failed"), s.error());
    });
    review->addAction(tr("Export &Training Set..."), this, [this, exportOptions] {
        if (!mReview->database())
            return;
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export a training set into"));
        if (dir.isEmpty())
            return;
        if (Status s = mReview->database()->exportTrainingSet(dir, exportOptions(tr("Training set"))); !s)
            QMessageBox::warning(this, tr("Export failed"), s.error());
        else
            statusBar()->showMessage(tr("Wrote %1/manifest.csv (ecgscope-cli train --manifest takes it)").arg(dir), 10000);
    });
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::openFromDialog);
    mRecentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    file->addAction(tr("Export &PDF..."), this, [this] { exportFromDialog(tr("PDF (*.pdf)")); });
    file->addAction(tr("Export P&NG..."), this, [this] { exportFromDialog(tr("PNG image (*.png)")); });
    file->addAction(tr("&Print..."), QKeySequence::Print, this, &MainWindow::print);
    mDeidentifyPrints = file->addAction(tr("&De-identify Printouts"));
    mDeidentifyPrints->setCheckable(true);
    mDeidentifyPrints->setToolTip(tr("PDF, PNG and printed pages without the patient's name, birth date, institution or dates; the ID as a pseudonym"));
    addChoices<QPageSize::PageSizeId>(file->addMenu(tr("Paper Si&ze")), {{tr("A4 landscape"), QPageSize::A4}, {tr("Letter landscape"), QPageSize::Letter}},
                                      mPageSize, [this](QPageSize::PageSizeId s) {
                                          mPageSize = s;
                                          QSettings().setValue(kPageSizeKey, int(s));
                                      });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    const auto changePaper = [this](const std::function<void(PaperSettings &)> &change) {
        PaperSettings p = mView->paper();
        change(p);
        mView->setPaper(p);
    };
    const auto changeFilter = [this](const std::function<void(dsp::DisplayFilter &)> &change) {
        dsp::DisplayFilter f = mView->filter();
        change(f);
        mView->setFilter(f);
        showRhythm(); // the plots show the record as filtered
    };
    const PaperSettings &paper = mView->paper();
    QMenu *view = menuBar()->addMenu(tr("&View"));
    std::vector<std::pair<QString, Layout>> layouts;
    for (Layout l : allLayouts())
        layouts.emplace_back(toString(l), l);
    addChoices<Layout>(view->addMenu(tr("&Layout")), layouts, paper.layout, [changePaper](Layout l) { changePaper([l](PaperSettings &p) { p.layout = l; }); });
    std::vector<std::pair<QString, QString>> leads{{tr("All leads"), QString()}};
    std::vector<std::pair<QString, QString>> rhythmLeads;
    for (const char *name : {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"}) {
        leads.emplace_back(QString::fromLatin1(name), QString::fromLatin1(name));
        rhythmLeads.emplace_back(QString::fromLatin1(name), QString::fromLatin1(name));
    }
    addChoices<QString>(view->addMenu(tr("&Rhythm Strip Lead")), rhythmLeads, paper.rhythmLeads.value(0),
                        [changePaper](QString l) { changePaper([l](PaperSettings &p) { p.rhythmLeads = {l}; }); });
    addChoices<QString>(view->addMenu(tr("Single L&ead")), leads, QString(), [changePaper, this](QString l) {
        changePaper([l](PaperSettings &p) { p.singleLead = l; });
        mView->zoomToFit();
    });
    addChoices<double>(view->addMenu(tr("&Speed")), {{tr("25 mm/s"), 25.0}, {tr("50 mm/s"), 50.0}}, paper.mmPerSecond,
                       [changePaper](double v) { changePaper([v](PaperSettings &p) { p.mmPerSecond = v; }); });
    const std::vector<std::pair<QString, double>> gains{{tr("5 mm/mV"), 5.0}, {tr("10 mm/mV"), 10.0}, {tr("20 mm/mV"), 20.0}};
    addChoices<double>(view->addMenu(tr("&Limb Lead Gain")), gains, paper.limbMmPerMv,
                       [changePaper](double v) { changePaper([v](PaperSettings &p) { p.limbMmPerMv = v; }); });
    addChoices<double>(view->addMenu(tr("&Chest Lead Gain")), gains, paper.chestMmPerMv,
                       [changePaper](double v) { changePaper([v](PaperSettings &p) { p.chestMmPerMv = v; }); });
    view->addSeparator();
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this, [this] { mView->setZoom(mView->zoom() * 1.25); });
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this, [this] { mView->setZoom(mView->zoom() / 1.25); });
    // Fit Width (the default) and True Scale (the screen's calibrated mm) are modes: zooming leaves both.
    QAction *trueScale = view->addAction(tr("&True Scale"));
    trueScale->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    trueScale->setCheckable(true);
    connect(trueScale, &QAction::triggered, mView, &EcgView::setTrueScale);
    QAction *fitWidth = view->addAction(tr("&Fit Width"));
    fitWidth->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_9));
    fitWidth->setCheckable(true);
    connect(fitWidth, &QAction::triggered, mView, &EcgView::zoomToFit);
    const auto showMode = [this, trueScale, fitWidth] {
        trueScale->setChecked(mView->trueScale());
        fitWidth->setChecked(mView->fitsWidth());
    };
    connect(mView, &EcgView::zoomChanged, this, showMode);
    showMode();
    view->addAction(tr("&Calibrate Screen..."), this, &MainWindow::calibrateScreen);

    QMenu *filters = menuBar()->addMenu(tr("F&ilters"));
    QAction *baseline = filters->addAction(tr("&Baseline Wander Removal (0.5 Hz)"));
    baseline->setCheckable(true);
    connect(baseline, &QAction::toggled, this, [changeFilter](bool on) { changeFilter([on](dsp::DisplayFilter &f) { f.baselineRemoval = on; }); });
    addChoices<int>(filters->addMenu(tr("Mains &Notch")), {{tr("Off"), 0}, {tr("50 Hz"), 50}, {tr("60 Hz"), 60}}, 0,
                    [changeFilter](int hz) { changeFilter([hz](dsp::DisplayFilter &f) { f.notchHz = hz; }); });
    addChoices<int>(filters->addMenu(tr("&Low-Pass")), {{tr("Off"), 0}, {tr("40 Hz"), 40}, {tr("100 Hz"), 100}, {tr("150 Hz"), 150}}, 0,
                    [changeFilter](int hz) { changeFilter([hz](dsp::DisplayFilter &f) { f.lowpassHz = hz; }); });

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    QAction *calipers = tools->addAction(tr("&Calipers"));
    calipers->setCheckable(true);
    calipers->setShortcut(Qt::Key_C);
    connect(calipers, &QAction::toggled, mView, &EcgView::setCaliperMode);
    QAction *march = tools->addAction(tr("&March Out"));
    march->setCheckable(true);
    march->setShortcut(Qt::Key_M);
    connect(march, &QAction::toggled, mView, &EcgView::setMarchOut);
    tools->addAction(tr("C&lear Caliper"), mView, &EcgView::clearCaliper);
    tools->addSeparator();
    QAction *rhythm = mRhythmDock->toggleViewAction();
    rhythm->setText(tr("&Rhythm and Beat Plots"));
    rhythm->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    tools->addAction(rhythm);
    tools->addAction(tr("Compare with &Prior"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this, [this] {
        if (!compareWithPrior())
            QMessageBox::information(this, tr("Compare with prior"), mError);
    });
    tools->addAction(tr("Compare &With..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Compare with"), QFileInfo(mEcg.sourcePath).path(), io::openFileFilter());
        if (!path.isEmpty() && !compareWith(path))
            QMessageBox::warning(this, tr("Compare with"), mError);
    });
}

void MainWindow::showRhythm()
{
    if (mRhythmDock->isVisible() && !mEcg.leads.empty())
        mRhythm->setRecord(mView->shownRecord(), mIntervals);
}

ComparedEcg MainWindow::compared(const Ecg &ecg) const
{
    ComparedEcg c;
    c.ecg = ecg;
    c.intervals = dsp::measureIntervals(ecg);
    c.headerLines = printedHeaderLines(ecg, c.intervals);
    // One ECG's classification takes milliseconds, like the measurements above: no worker needed.
    if (mClassifier)
        if (auto r = mClassifier->classify(ecg)) {
            c.modelClassIndex = r->topClass;
            c.modelClass = QStringLiteral("%1 %2").arg(mClassifier->classNames().value(r->topClass)).arg(r->probabilities[size_t(r->topClass)], 0, 'f', 2);
        }
    if (const store::WorklistRow *r = mReview->model()->rowOfPath(ecg.sourcePath))
        c.record = r->id;
    return c;
}

SerialComparisonWindow *MainWindow::compareWith(const QString &path)
{
    if (mEcg.leads.empty()) {
        mError = tr("Open an ECG first: the comparison is of the shown ECG with another.");
        return nullptr;
    }
    auto other = io::readEcg(path, mReadOptions.value(path)); // what the user told of a text file, as openFile keeps it
    if (!other) {
        mError = other.error();
        return nullptr;
    }
    ComparedEcg a = compared(mEcg), b = compared(other.value());
    // The older acquisition is the prior; without times, the one chosen is.
    if (a.ecg.acquisition.start.isValid() && b.ecg.acquisition.start.isValid() && a.ecg.acquisition.start < b.ecg.acquisition.start)
        std::swap(a, b);
    auto *window = new SerialComparisonWindow(std::move(b), std::move(a), mView->paper(), mView->pixelsPerMm(),
                                              mClassifier ? mClassifier->classNames() : QStringList(), mClassifier ? mClassifier->otherClass() : -1, this);
    window->setPageSize(mPageSize);
    connect(window, &SerialComparisonWindow::linkRequested, this, [this, window](qint64 prior, qint64 current) {
        if (!mReview->database())
            return;
        const Status s = mReview->database()->linkPatient(current, prior, mReview->reviewer(), tr("same patient, confirmed in a serial comparison"));
        statusBar()->showMessage(s ? tr("Linked: both ECGs are filed under one patient") : s.error(), 10000);
        window->linkButton()->setText(s ? tr("Linked") : tr("Not linked"));
    });
    // "Same patient" is offered when both are in the database under different patients.
    store::StudyDatabase *db = mReview->database();
    const auto keyOf = [db](qint64 record) {
        const auto key = db && record > 0 ? db->patientKey(record) : Result<QString>::failure(QString());
        return key ? key.value() : QString();
    };
    const QString priorKey = keyOf(window->priorRecord()), currentKey = keyOf(window->currentRecord());
    window->linkButton()->setVisible(!priorKey.isEmpty() && !currentKey.isEmpty() && priorKey != currentKey);
    // Most of the screen: two sheets and the table need the room.
    const QRect screen = this->screen()->availableGeometry();
    window->resize(screen.width() * 9 / 10, screen.height() * 9 / 10);
    window->move(screen.center() - window->rect().center());
    window->show();
    mError.clear();
    return window;
}

SerialComparisonWindow *MainWindow::compareWithPrior()
{
    store::StudyDatabase *db = mReview->database();
    // The shown file's record (openFile makes it the worklist's current one when it is listed).
    const store::WorklistRow *shown = mEcg.leads.empty() ? nullptr : mReview->model()->rowOfPath(mEcg.sourcePath);
    if (!db || !shown) {
        mError = tr("The prior ECG is looked up in the study database: open a database and show one of its records (or use Compare With... for any file).");
        return nullptr;
    }
    const auto prior = db->priorRecord(shown->id);
    if (!prior) {
        mError = prior.error();
        return nullptr;
    }
    if (prior.value() == 0) {
        const QString id = mEcg.patient.id.isEmpty() ? tr("the file names no patient") : tr("patient ID %1").arg(mEcg.patient.id);
        mError = tr("No earlier ECG of this patient in the study database (%1). Compare With... any file; its window can then file both under one patient.").arg(id);
        return nullptr;
    }
    const auto row = db->row(prior.value(), QString());
    if (!row) {
        mError = row.error();
        return nullptr;
    }
    return compareWith(row->path);
}

void MainWindow::showOperatingPoints()
{
    store::StudyDatabase *db = mReview->database();
    if (!db || !mClassifier) {
        QMessageBox::information(this, tr("Operating points"), tr("Operating points are computed on the study database's labelled records: open a database first."));
        return;
    }
    auto *dialog = new OperatingPointsDialog(db, mReview->model()->rows(), mClassifier->modelId(), mReview->reviewer(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OperatingPointsDialog::thresholdApplied, mReview->model(), [this] { mReview->model()->reload(); });
    dialog->resize(std::min(1200, screen()->availableGeometry().width() * 9 / 10), std::min(620, screen()->availableGeometry().height() * 9 / 10));
    dialog->show();
}

QString MainWindow::classificationText() const
{
    return mClassification->text();
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    QSettings().setValue(kRecentKey, files.mid(0, kMaxRecentFiles));
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    mRecentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString &f : files)
        mRecentMenu->addAction(QFileInfo(f).fileName(), this, [this, f] {
            if (!openFile(f))
                QMessageBox::warning(this, tr("Cannot open ECG"), mError);
        })->setToolTip(f);
    mRecentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::applyScreenScale()
{
    const QScreen *s = screen();
    double dpi = s ? s->physicalDotsPerInchX() / s->devicePixelRatio() : 96.0;
    if (!(dpi > 20.0 && dpi < 1000.0)) // screens that report no or nonsense physical size
        dpi = 96.0;
    mView->setPixelsPerMm(dpi / 25.4 * QSettings().value(kCalibrationKey, 1.0).toDouble());
}

void MainWindow::calibrateScreen()
{
    // A 100 mm bar at the current scale; the user measures it and enters what the ruler says.
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Calibrate Screen"));
    auto *layout = new QFormLayout(&dialog);
    const int barPixels = int(std::lround(100.0 * mView->pixelsPerMm()));
    QPixmap bar(barPixels + 2, 24);
    bar.fill(Qt::white);
    {
        QPainter p(&bar);
        p.fillRect(1, 8, barPixels, 8, Qt::black);
    }
    auto *barLabel = new QLabel(&dialog);
    barLabel->setPixmap(bar);
    layout->addRow(tr("Measure this bar with a ruler:"), barLabel);
    auto *measured = new QDoubleSpinBox(&dialog);
    measured->setRange(20.0, 500.0);
    measured->setDecimals(1);
    measured->setSuffix(tr(" mm"));
    measured->setValue(100.0);
    layout->addRow(tr("Its length on this screen:"), measured);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    layout->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const double calibration = QSettings().value(kCalibrationKey, 1.0).toDouble() * 100.0 / measured->value();
    QSettings().setValue(kCalibrationKey, calibration);
    applyScreenScale();
}

void MainWindow::classifyInBackground()
{
    if (!mClassifier) {
        mClassification->setText(tr("No classification: %1").arg(mClassifierError));
        Q_EMIT classified();
        return;
    }
    mClassification->setText(tr("Classifying..."));
    // The record is copied into the task: the GUI may open another file meanwhile.
    mWatcher.setFuture(QtConcurrent::run([classifier = mClassifier, ecg = mEcg]() -> Result<Classified> {
        auto prediction = classifier->classify(ecg);
        if (!prediction)
            return Result<Classified>::failure(prediction.error());
        auto saliency = classifier->saliency(ecg, prediction->topClass);
        return Classified{classifier->modelId(), std::move(prediction).value(), saliency ? std::move(saliency).value() : std::vector<float>{}};
    }));
}

void MainWindow::showClassification()
{
    const Result<Classified> outcome = mWatcher.result();
    if (!outcome) {
        mClassification->setText(tr("No classification: %1").arg(outcome.error()));
    } else {
        const ml::Prediction *r = &outcome->prediction;
        mView->setSaliency(outcome->saliency);
        mReview->storePrediction(mEcg.sourcePath, outcome->modelId, r->probabilities, r->topClass);
        const QStringList names = dataset::classNames(int(r->probabilities.size())); // of the model that classified
        QStringList probabilities;
        for (int c = 0; c < names.size(); ++c)
            probabilities << QStringLiteral("%1 %2").arg(names[c]).arg(double(r->probabilities[size_t(c)]), 0, 'f', 2);
        mClassification->setText(tr("Model: <b>%1</b> (%2)  ·  %3  ·  %4 — a research aid, not a diagnosis; the red band under the leads shows what drove it")
                                     .arg(names[r->topClass])
                                     .arg(double(r->probabilities[size_t(r->topClass)]), 0, 'f', 2)
                                     .arg(probabilities.join(QStringLiteral(", ")), outcome->modelId));
    }
    Q_EMIT classified();
}

bool MainWindow::openFile(const QString &path)
{
    io::ReadOptions options = mReadOptions.value(path);
    auto result = io::readEcg(path, options);
    if (!result && io::detectFormat(path) == io::Format::Text) {
        // Text files may not say their rate, units or leads: the user tells, until the reader agrees.
        TextOptionsDialog dialog(path, result.error(), this);
        while (!result && dialog.exec() == QDialog::Accepted) {
            options.text = dialog.options();
            result = io::readEcg(path, options);
            if (!result)
                dialog.setProblem(result.error());
        }
        if (result)
            mReadOptions.insert(path, options);
    }
    if (!result) {
        mError = result.error();
        statusBar()->showMessage(mError);
        return false;
    }
    mError.clear();
    mEcg = std::move(result).value();
    showEcg();
    addRecentFile(path);
    mReview->showPath(path);
    return true;
}

void MainWindow::openFromDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open ECG"), QString(), io::openFileFilter());
    if (path.isEmpty())
        return;
    if (!openFile(path))
        QMessageBox::warning(this, tr("Cannot open ECG"), mError);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().value(0).isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = event->mimeData()->urls().value(0).toLocalFile();
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    if (!openFile(path))
        QMessageBox::warning(this, tr("Cannot open ECG"), mError);
}

QStringList MainWindow::headerLines() const
{
    return headerLinesOf(mEcg, mIntervals);
}

Printout MainWindow::printout() const
{
    return Printout{mView->content(), printedHeaderLines(mEcg, mIntervals)};
}

QStringList MainWindow::printedHeaderLines(const Ecg &ecg, const dsp::Intervals &intervals) const
{
    if (!mDeidentifyPrints->isChecked())
        return headerLinesOf(ecg, intervals);
    // The open study database's pseudonyms; without one, a key of this session's own.
    Deidentifier deid{mSessionKey, DateHandling::Remove};
    if (mReview->database())
        if (auto d = mReview->database()->deidentifier())
            deid = d.value();
    return headerLinesOf(deid.apply(ecg), intervals);
}

QStringList MainWindow::headerLinesOf(const Ecg &ecg, const dsp::Intervals &intervals) const
{
    const PatientInfo &p = ecg.patient;
    QStringList patient;
    patient << (p.name.isEmpty() ? tr("(no name)") : p.name);
    if (!p.id.isEmpty())
        patient << tr("ID %1").arg(p.id);
    if (p.ageYears)
        patient << (p.ageOver89 ? tr("90+ y") : tr("%1 y").arg(*p.ageYears));
    if (p.sex != Sex::Unknown)
        patient << toString(p.sex);
    QStringList acquisition;
    acquisition << (ecg.acquisition.start.isValid() ? ecg.acquisition.start.toString(Qt::ISODate) : tr("acquisition time unknown"));
    if (!ecg.acquisition.device.isEmpty())
        acquisition << ecg.acquisition.device;
    acquisition << tr("%1 leads, %2 Hz, %3 s").arg(ecg.leads.size()).arg(ecg.sampleRateHz).arg(ecg.durationMs() / 1000.0);
    acquisition << (ecg.sourcePath.isEmpty() ? ecg.sourceFormat : QStringLiteral("%1 (%2)").arg(QFileInfo(ecg.sourcePath).fileName(), ecg.sourceFormat));
    QStringList lines{patient.join(QStringLiteral("  ·  ")), acquisition.join(QStringLiteral("  ·  ")),
                      tr("EcgScope measurements: %1").arg(intervals.summary())};
    if (!ecg.statements.isEmpty())
        lines << tr("Device interpretation: %1").arg(ecg.statements.join(QStringLiteral("; ")));
    return lines;
}

void MainWindow::updateHeader()
{
    QStringList lines = headerLines();
    if (!mEcg.notes.isEmpty())
        lines << mEcg.notes.join(QStringLiteral("; "));
    mHeader->setText(lines.join(QStringLiteral("\n")));
}

void MainWindow::showEcg()
{
    mIntervals = dsp::measureIntervals(mEcg);
    updateHeader();
    setWindowTitle(tr("EcgScope - %1").arg(QFileInfo(mEcg.sourcePath).fileName()));
    mView->setRecord(mEcg, mIntervals);
    showRhythm();
    mCaliper->clear();
    classifyInBackground();
    statusBar()->showMessage(tr("Loaded %1").arg(mEcg.sourcePath), 5000);
}

QString MainWindow::exportSheet(const QString &path) const
{
    const Printout printout = this->printout();
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
        return exportPdf(printout, path, mPageSize);
    if (path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive))
        return exportPng(printout, path, mPageSize);
    return tr("%1: unsupported export format (use .pdf or .png)").arg(path);
}

void MainWindow::exportFromDialog(const QString &filter)
{
    const QString suffix = filter.contains(QStringLiteral("pdf")) ? QStringLiteral(".pdf") : QStringLiteral(".png");
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), QFileInfo(mEcg.sourcePath).completeBaseName() + suffix, filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(suffix, Qt::CaseInsensitive))
        path += suffix;
    const QString error = exportSheet(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
}

void MainWindow::print()
{
    QPrinter printer(QPrinter::HighResolution);
    printer.setPageSize(QPageSize(mPageSize));
    printer.setPageOrientation(QPageLayout::Landscape);
    QPrintDialog dialog(&printer, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    printout().paint(printer);
}

} // namespace ecgscope::ui

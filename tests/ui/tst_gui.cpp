// The application as a person uses it: real windows on a real X server (Xvfb, started by
// tests/ui/xvfb-run-test.sh at the size in ECGSCOPE_TEST_SCREEN), driven by mouse and key events on the
// real widgets, menus and dialogs from the defaults; each step asserts on what the user sees and leaves
// a screenshot of the whole screen in ECGSCOPE_SCREENSHOT_DIR.
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/synth/generator.h"
#include "ui/comparisonview.h"
#include "ui/ecgview.h"
#include "core/dsp/serial.h"
#include "core/ml/metrics.h"
#include "ui/customplot.h"
#include "ui/mainwindow.h"
#include "ui/operatingpoints.h"
#include "ui/reviewpanel.h"
#include "ui/rhythmpanel.h"
#include "ui/serialcomparison.h"
#include "ui/textoptionsdialog.h"
#include "ui/trainingwizard.h"
#include "ui/worklistmodel.h"
#include "tests/ui/testsettings.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTabBar>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <functional>

using namespace ecgscope;

namespace {

const QString kSample = QStringLiteral(ECGSCOPE_BIN_DIR "/../share/ecgscope/samples/sample.hea");

QString plain(QString text)
{
    return text.remove(QLatin1Char('&'));
}

QRect availableScreen()
{
    return QGuiApplication::primaryScreen()->availableGeometry();
}

/// The widget's rectangle on the screen.
QRect onScreen(const QWidget *w)
{
    return QRect(w->mapToGlobal(QPoint(0, 0)), w->size());
}

/// Runs `act` on the modal dialog of type T as soon as it shows (from inside the dialog's own event
/// loop, which blocks the click that opened it). Fails the test if none comes within 30 s.
template<typename T>
void whenModal(std::function<void(T *)> act)
{
    auto *timer = new QTimer;
    auto *waited = new int(0);
    QObject::connect(timer, &QTimer::timeout, [timer, waited, act] {
        auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget());
        if (dialog && dialog->isVisible()) {
            timer->stop();
            timer->deleteLater();
            delete waited;
            QTest::qWait(150); // the dialog lays itself out and takes focus
            act(dialog);
        } else if ((*waited += 50) > 30000) {
            timer->stop();
            timer->deleteLater();
            delete waited;
            qCritical("no %s appeared", T::staticMetaObject.className());
        }
    });
    timer->start(50);
}

/// Types into the focused field of the dialog (select all first), then Return.
void typeAndEnter(QWidget *field, const QString &text)
{
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
    QTest::keyClick(field, Qt::Key_Return);
}

/// A file dialog answered as a person does: the path typed into its file name field, then Return.
void answerFileDialog(const QString &path)
{
    whenModal<QFileDialog>([path](QFileDialog *d) {
        auto *name = d->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
        typeAndEnter(name ? name : d->focusWidget(), path);
    });
}

QPushButton *buttonWithText(QWidget *parent, const QString &text)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>())
        if (plain(b->text()) == text && b->isVisible())
            return b;
    return nullptr;
}

/// Raises and focuses a window, as a click on its title bar would (a shortcut goes to the active window).
void activate(QWidget *window)
{
    window->activateWindow();
    QTRY_VERIFY(QApplication::activeWindow() == window);
}

void click(QWidget *w)
{
    QVERIFY2(w && w->isVisible() && w->isEnabled(), w ? qPrintable(w->objectName()) : "no widget");
    QVERIFY2(availableScreen().contains(onScreen(w)), qPrintable(QStringLiteral("%1 is off-screen").arg(w->metaObject()->className())));
    QTest::mouseClick(w, Qt::LeftButton, {}, w->rect().center());
}

/// Clicks a menu of the menu bar, then one of its entries, with the mouse.
void chooseMenu(QMainWindow *window, const QString &menu, const QString &entry)
{
    QMenuBar *bar = window->menuBar();
    QAction *top = nullptr;
    for (QAction *a : bar->actions())
        if (plain(a->text()) == menu)
            top = a;
    QVERIFY2(top && top->menu(), qPrintable(menu));
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(top).center());
    QMenu *popup = top->menu();
    QTRY_VERIFY(popup->isVisible());
    QVERIFY(availableScreen().contains(popup->geometry()));
    QAction *item = nullptr;
    for (QAction *a : popup->actions())
        if (plain(a->text()) == entry)
            item = a;
    QVERIFY2(item && item->isEnabled(), qPrintable(entry));
    QTest::mouseClick(popup, Qt::LeftButton, {}, popup->actionGeometry(item).center());
}

/// Median distance in pixels between the major (5 mm) grid lines crossing row `y` of `image`.
double majorGridSpacing(const QImage &image, int y, int x0, int x1)
{
    // The major lines are #e38a8a, the minor #f6c9c9: red well above green marks a major line.
    std::vector<double> centres;
    int runStart = -1;
    for (int x = x0; x <= x1; ++x) {
        const QColor c = x < x1 ? image.pixelColor(x, y) : QColor(Qt::white);
        const bool major = c.red() - c.green() > 65 && c.red() > 180;
        if (major && runStart < 0)
            runStart = x;
        if (!major && runStart >= 0) {
            centres.push_back((runStart + x - 1) / 2.0);
            runStart = -1;
        }
    }
    std::vector<double> gaps;
    for (size_t i = 1; i < centres.size(); ++i)
        gaps.push_back(centres[i] - centres[i - 1]);
    if (gaps.empty())
        return 0.0;
    std::nth_element(gaps.begin(), gaps.begin() + long(gaps.size() / 2), gaps.end());
    return gaps[gaps.size() / 2];
}

/// Labelled 10 s records the generator makes, written as WFDB with a patient's age and sex.
void writeRecords(const QString &folder)
{
    QDir().mkpath(folder);
    const synth::Rhythm rhythms[] = {synth::Rhythm::AtrialFibrillation, synth::Rhythm::SinusTachycardia, synth::Rhythm::Vpc,
                                     synth::Rhythm::FirstDegreeAvBlock};
    for (int i = 0; i < 32; ++i) {
        synth::Options o;
        o.rhythm = rhythms[i % 4];
        o.seed = uint64_t(100 + i);
        o.sampleRateHz = 250;
        auto s = synth::generate(o);
        QVERIFY(s);
        // Records 30 and 31 are one patient's ECGs a year apart (the serial comparison's prior and new).
        s->ecg.patient.id = QStringLiteral("P%1").arg(std::min(i, 30), 2, 10, QLatin1Char('0'));
        if (i >= 30)
            s->ecg.acquisition.start = QDateTime(QDate(2024 + i - 30, 3, 1), QTime(9, 0));
        s->ecg.patient.name.clear();
        s->ecg.patient.ageYears = 30 + i;
        s->ecg.patient.sex = i % 2 ? Sex::Female : Sex::Male;
        QVERIFY(io::writeEcg(s->ecg, QStringLiteral("%1/rec%2.hea").arg(folder).arg(i, 2, 10, QLatin1Char('0'))));
    }
}

} // namespace

class TestGui : public QObject {
    Q_OBJECT
private:
    QTemporaryDir mDir;
    QString mShots;
    int mShot = 0;
    std::unique_ptr<ui::MainWindow> mWindow;

    void screenshot(const QString &what)
    {
        QTest::qWait(250);
        const QString path = QStringLiteral("%1/%2-%3.png").arg(mShots).arg(++mShot, 2, 10, QLatin1Char('0')).arg(what);
        QVERIFY2(QGuiApplication::primaryScreen()->grabWindow(0).save(path), qPrintable(path));
        if (QWidget *active = QApplication::activeWindow()) // the window alone, for the documentation
            QVERIFY(active->grab().save(QString(path).replace(QStringLiteral(".png"), QStringLiteral("-window.png"))));
    }

    /// Everything the user needs of the main window is on the screen: the window, the worklist dock,
    /// the review panel's last button, the sheet's view.
    void verifyMainWindowFits()
    {
        const QRect screen = availableScreen();
        QVERIFY2(screen.contains(mWindow->frameGeometry()),
                 qPrintable(QStringLiteral("window %1x%2 at %3,%4 on a %5x%6 screen").arg(mWindow->frameGeometry().width()).arg(mWindow->frameGeometry().height())
                                .arg(mWindow->frameGeometry().x()).arg(mWindow->frameGeometry().y()).arg(screen.width()).arg(screen.height())));
        QVERIFY(screen.contains(onScreen(mWindow->view())));
        if (mWindow->reviewPanel()->isVisible()) {
            QVERIFY(screen.contains(onScreen(mWindow->reviewPanel())));
            QVERIFY(screen.contains(onScreen(buttonWithText(mWindow->reviewPanel(), QStringLiteral("Relabel")))));
            QVERIFY(mWindow->view()->viewport()->width() >= 400); // the sheet keeps a usable share
        }
    }

    QTableView *table() const { return mWindow->reviewPanel()->table(); }

    /// The displayed text of the worklist's row of `record` in `column`, as the table shows it.
    QString cell(qint64 record, int column) const
    {
        QAbstractItemModel *m = table()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, 0).data(ui::WorklistModel::kIdRole).toLongLong() == record)
                return m->index(r, column).data().toString();
        return QStringLiteral("(no row)");
    }
    qint64 currentRecord() const { return table()->currentIndex().data(ui::WorklistModel::kIdRole).toLongLong(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QGuiApplication::platformName() == QLatin1String("xcb"), "run me through tests/ui/xvfb-run-test.sh (a real X server)");
        const QString size = qEnvironmentVariable("ECGSCOPE_TEST_SCREEN");
        const QSize screen = QGuiApplication::primaryScreen()->size();
        QCOMPARE(QStringLiteral("%1x%2").arg(screen.width()).arg(screen.height()), size);
        useThrowAwaySettings();
        mShots = qEnvironmentVariable("ECGSCOPE_SCREENSHOT_DIR", QDir::currentPath()) + QLatin1Char('/') + size;
        QDir(mShots).removeRecursively();
        QVERIFY(QDir().mkpath(mShots));
        writeRecords(mDir.filePath(QStringLiteral("records")));
    }

    void firstStartFitsTheScreen()
    {
        mWindow = std::make_unique<ui::MainWindow>();
        mWindow->show();
        QVERIFY(QTest::qWaitForWindowExposed(mWindow.get()));
        QVERIFY(mWindow->openFile(kSample)); // what `ecgscope` does without arguments
        QTest::qWait(300);
        verifyMainWindowFits();
        // The sheet fits the view's width: its grid is all there, no horizontal scroll bar.
        QVERIFY(mWindow->view()->fitsWidth());
        QVERIFY(!mWindow->view()->horizontalScrollBar()->isVisible());
        screenshot(QStringLiteral("start"));
    }

    void opensAFileFromTheFileMenu()
    {
        const QString file = mDir.filePath(QStringLiteral("records/rec02.hea"));
        answerFileDialog(file);
        chooseMenu(mWindow.get(), QStringLiteral("File"), QStringLiteral("Open..."));
        QTRY_VERIFY(mWindow->windowTitle().contains(QStringLiteral("rec02.hea")));
        QVERIFY(mWindow->headerLines().join(QLatin1Char('\n')).contains(QStringLiteral("32 y"))); // 30 + 2
        screenshot(QStringLiteral("open-file"));
    }

    // Tools > Rhythm and Beat Plots (Ctrl+R) beside the sheet; a click on a premature beat's point marks
    // that beat on the sheet.
    void showsRhythmAndBeatPlots()
    {
        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_R, Qt::ControlModifier);
        QTRY_VERIFY(mWindow->rhythmDock()->isVisible());
        QTest::qWait(300);
        verifyMainWindowFits();
        ui::RhythmPanel *panel = mWindow->rhythmPanel();
        QVERIFY(availableScreen().contains(onScreen(panel->overlay())));
        QCOMPARE(panel->leadBox()->currentText(), QStringLiteral("II"));
        // rec02 has premature ventricular beats: the first one's point on the tachogram, clicked.
        const dsp::Intervals &in = mWindow->intervals();
        size_t premature = 0;
        for (size_t b = 1; b < in.rPeaks.size() && !premature; ++b)
            if (!in.isDominant(in.rPeaks[b]))
                premature = b;
        QVERIFY2(premature > 0, "rec02 (ventricular premature beats) shows none");
        const auto point = panel->tachogramPoint(premature);
        QVERIFY(point && panel->tachogram()->rect().contains(point->toPoint()));
        QTest::mouseClick(panel->tachogram(), Qt::LeftButton, {}, point->toPoint());
        const double expected = 1000.0 * in.rPeaks[premature] / mWindow->ecg().sampleRateHz;
        QTRY_VERIFY(mWindow->view()->markedTime().has_value());
        QCOMPARE(*mWindow->view()->markedTime(), expected);
        QVERIFY(mWindow->view()->markedPanel() >= 0);
        // The same beat on the Poincaré plot (its RR against the next) marks it too.
        mWindow->view()->markTime(std::nullopt);
        const auto poincare = panel->poincarePoint(premature);
        QVERIFY(poincare);
        QTest::mouseClick(panel->poincare(), Qt::LeftButton, {}, poincare->toPoint());
        QTRY_VERIFY(mWindow->view()->markedTime().has_value());
        QCOMPARE(*mWindow->view()->markedTime(), expected);
        screenshot(QStringLiteral("rhythm-plots"));
        // By keyboard (the click focused the panel): Right the next beat, Page Down the next premature one.
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(panel));
        QTest::keyClick(panel, Qt::Key_Right);
        QTRY_COMPARE(*mWindow->view()->markedTime(), 1000.0 * in.rPeaks[premature + 1] / mWindow->ecg().sampleRateHz);
        size_t nextPremature = 0;
        for (size_t b = premature + 2; b < in.rPeaks.size() && !nextPremature; ++b)
            if (!in.isDominant(in.rPeaks[b]))
                nextPremature = b;
        if (nextPremature > 0) {
            QTest::keyClick(panel, Qt::Key_PageDown);
            QTRY_COMPARE(*mWindow->view()->markedTime(), 1000.0 * in.rPeaks[nextPremature] / mWindow->ecg().sampleRateHz);
        }
        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_R, Qt::ControlModifier); // and away again
        QTRY_VERIFY(!mWindow->rhythmDock()->isVisible());
    }

    // A CSV of raw counts with neither rate nor units (as research exports and the Contec device write):
    // the dialog asks, from its defaults, by keyboard; the record then reads in those units.
    void opensATextFileByAskingWhatItDoesNotSay()
    {
        synth::Options o;
        o.sampleRateHz = 250;
        o.seed = 7;
        const Ecg source = synth::generate(o)->ecg;
        QString csv;
        for (int t = 0; t < source.sampleCount(); ++t) {
            QStringList row;
            for (const LeadSignal &l : source.leads)
                row << QString::number(std::lround(l.microvolts[size_t(t)] / 5.0f)); // a 5 µV device's counts
            csv += row.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
        const QString file = mDir.filePath(QStringLiteral("counts.csv"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(csv.toUtf8());
        out.close();
        bool asked = false;
        answerFileDialog(file);
        whenModal<ui::TextOptionsDialog>([&](ui::TextOptionsDialog *d) {
            asked = true;
            QVERIFY(availableScreen().contains(d->frameGeometry()));
            screenshot(QStringLiteral("text-options"));
            // Rate first (it has the focus), then units and leads, as Tab takes a person through them.
            QWidget *field = QApplication::focusWidget();
            QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
            QTest::keyClicks(field, QStringLiteral("250"));
            QTest::keyClick(field, Qt::Key_Tab);
            field = QApplication::focusWidget();
            QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
            QTest::keyClicks(field, QStringLiteral("5"));
            QTest::keyClick(field, Qt::Key_Tab);
            QTest::keyClicks(QApplication::focusWidget(), source.leadNames().join(QStringLiteral(", ")));
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        });
        chooseMenu(mWindow.get(), QStringLiteral("File"), QStringLiteral("Open..."));
        QTRY_VERIFY(mWindow->windowTitle().contains(QStringLiteral("counts.csv")));
        QVERIFY(asked);
        const Ecg &ecg = mWindow->ecg();
        QCOMPARE(ecg.sampleRateHz, 250.0);
        QCOMPARE(ecg.leadNames(), source.leadNames());
        for (const int t : {0, 100, 2000})
            QCOMPARE(ecg.lead(QStringLiteral("V2"))->microvolts[size_t(t)], 5.0f * float(std::lround(source.lead(QStringLiteral("V2"))->microvolts[size_t(t)] / 5.0f)));
        screenshot(QStringLiteral("text-file"));
    }

    // At True Scale the screenshot's major grid lines are 5 mm apart at the screen's pixels per mm; fitted
    // to the width, 5 mm times the zoom.
    void gridSpacingOnTheScreen()
    {
        ui::EcgView *view = mWindow->view();
        const auto measure = [view] {
            const QImage image = QGuiApplication::primaryScreen()->grabWindow(0).toImage();
            const ui::Panel &p = view->sheet().panels[0];
            const double scale = view->pixelsPerMm() * view->zoom();
            const QPoint baseline = view->viewport()->mapToGlobal(view->widgetPoint(0, p.startMs, 0).toPoint());
            const int y = int(baseline.y() - (p.baselineMm - p.rectMm.top() - 2.5) * scale); // between grid lines near the panel's top
            const QRect visible = onScreen(view->viewport());
            return majorGridSpacing(image, y, std::max(visible.left(), baseline.x()), std::min(visible.right(), int(baseline.x() + 50 * scale)));
        };
        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_0, Qt::ControlModifier); // View > True Scale
        QTRY_VERIFY(view->trueScale());
        QTest::qWait(300);
        const double trueSpacing = measure();
        screenshot(QStringLiteral("true-scale"));
        QVERIFY2(std::abs(trueSpacing - 5.0 * view->pixelsPerMm()) <= 1.0,
                 qPrintable(QStringLiteral("%1 px between major lines, expected %2").arg(trueSpacing).arg(5.0 * view->pixelsPerMm())));
        QTest::keyClick(mWindow.get(), Qt::Key_9, Qt::ControlModifier); // View > Fit Width
        QTRY_VERIFY(view->fitsWidth());
        QTest::qWait(300);
        const double fitSpacing = measure();
        QVERIFY2(std::abs(fitSpacing - 5.0 * view->pixelsPerMm() * view->zoom()) <= 1.0, qPrintable(QString::number(fitSpacing)));
    }

    void opensAStudyDatabaseAndImportsAFolder()
    {
        answerFileDialog(mDir.filePath(QStringLiteral("study.ecgdb")));
        chooseMenu(mWindow.get(), QStringLiteral("Review"), QStringLiteral("Open Study Database..."));
        QTRY_VERIFY(mWindow->reviewPanel()->database());
        QTRY_VERIFY(mWindow->reviewPanel()->isVisible());

        QString report;
        answerFileDialog(mDir.filePath(QStringLiteral("records")));
        // The import's report, read and dismissed.
        QTimer::singleShot(0, [&report] {
            whenModal<QMessageBox>([&report](QMessageBox *box) {
                report = box->text();
                QTest::keyClick(box, Qt::Key_Return);
            });
        });
        chooseMenu(mWindow.get(), QStringLiteral("Review"), QStringLiteral("Import Folder..."));
        QTRY_VERIFY(!report.isEmpty());
        QVERIFY2(report.startsWith(QStringLiteral("32 records added, 0 already present, 0 files")), qPrintable(report));
        QTRY_COMPARE(table()->model()->rowCount(), 32);
        verifyMainWindowFits();
        // What tells the records apart: the record's name (no patient name in these files), age, sex, duration.
        // Sorted by record at first.
        const qint64 first = table()->model()->index(0, 0).data(ui::WorklistModel::kIdRole).toLongLong();
        QCOMPARE(cell(first, ui::WorklistModel::Record), QStringLiteral("P00"));
        QCOMPARE(cell(first, ui::WorklistModel::Age), QStringLiteral("30"));
        QCOMPARE(cell(first, ui::WorklistModel::Sex), QStringLiteral("Male"));
        QCOMPARE(cell(first, ui::WorklistModel::Duration), QStringLiteral("10.0 s"));
        screenshot(QStringLiteral("worklist"));
    }

    void sortsAndKeepsTheCurrentRowAcrossClassifyAndFilters()
    {
        // Sort by age, oldest first: two clicks on the header.
        QHeaderView *header = table()->horizontalHeader();
        const QPoint ageHeader(header->sectionViewportPosition(ui::WorklistModel::Age) + header->sectionSize(ui::WorklistModel::Age) / 2, header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, ageHeader);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, ageHeader);
        QTRY_COMPARE(table()->model()->index(0, ui::WorklistModel::Age).data().toString(), QStringLiteral("61"));
        // The fourth row, clicked: the viewer shows it.
        const QModelIndex fourth = table()->model()->index(3, ui::WorklistModel::Record);
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, table()->visualRect(fourth).center());
        const qint64 chosen = fourth.data(ui::WorklistModel::kIdRole).toLongLong();
        QCOMPARE(currentRecord(), chosen);
        QTRY_VERIFY(mWindow->windowTitle().contains(QStringLiteral("rec28.hea"))); // age 58 = record 28
        QVERIFY(!mWindow->view()->markedTime()); // the beat marked on an earlier record is gone

        QSignalSpy finished(mWindow->reviewPanel(), &ui::ReviewPanel::batchFinished);
        chooseMenu(mWindow.get(), QStringLiteral("Review"), QStringLiteral("Classify Worklist"));
        QVERIFY(finished.wait(120000));
        QVERIFY(finished.front().at(0).toInt() >= 31); // the viewer may have classified the shown record first
        QCOMPARE(currentRecord(), chosen);
        for (int r = 0; r < 32; ++r)
            QVERIFY(!table()->model()->index(r, ui::WorklistModel::ModelClass).data().toString().isEmpty());
        QCOMPARE(table()->model()->index(0, ui::WorklistModel::Age).data().toString(), QStringLiteral("61")); // still sorted

        // A class filter that hides the current row opens nothing else; clearing it brings the row back.
        auto *classes = mWindow->reviewPanel()->findChildren<QComboBox *>().front();
        const QString shownClass = cell(chosen, ui::WorklistModel::ModelClass);
        const int other = classes->findText(shownClass == QStringLiteral("PSVT") ? QStringLiteral("AVB3") : QStringLiteral("PSVT"));
        click(classes);
        QTRY_VERIFY(classes->view()->isVisible());
        QTest::qWait(QApplication::doubleClickInterval() + 100); // a popup ignores a release that comes as fast as a double click
        QTest::mouseClick(classes->view()->viewport(), Qt::LeftButton, {}, classes->view()->visualRect(classes->model()->index(other, 0)).center());
        QTRY_COMPARE(classes->currentIndex(), other);
        QVERIFY(mWindow->windowTitle().contains(QStringLiteral("rec28.hea")));
        classes->setFocus();
        QTest::keyClick(classes, Qt::Key_Home); // back to "any class" with the keyboard
        QTRY_COMPARE(table()->model()->rowCount(), 32);
        QCOMPARE(currentRecord(), chosen);
        activate(mWindow.get()); // the window alone is saved too, for the documentation
        screenshot(QStringLiteral("classified"));
    }

    void confirmsRelabelsAndUndoes()
    {
        const qint64 record = currentRecord();
        // The first change asks for the reviewer's name, once.
        whenModal<QInputDialog>([](QInputDialog *d) { typeAndEnter(d->findChild<QLineEdit *>(), QStringLiteral("Dr. Xvfb")); });
        click(buttonWithText(mWindow->reviewPanel(), QStringLiteral("Confirm")));
        QTRY_COMPARE(cell(record, ui::WorklistModel::Review), QStringLiteral("confirmed"));
        QVERIFY(mWindow->reviewPanel()->historyText().contains(QStringLiteral("Dr. Xvfb")));

        const QString before = cell(record, ui::WorklistModel::Label);
        QCOMPARE(before, QStringLiteral("AF/AFL (dataset)")); // record 28: 28 % 4 = 0, atrial fibrillation
        auto *relabel = mWindow->reviewPanel()->findChildren<QComboBox *>().back();
        relabel->setFocus();
        QTest::keyClick(relabel, Qt::Key_End); // the last class, "Other", by keyboard
        QCOMPARE(relabel->currentText(), QStringLiteral("7 Other"));
        click(buttonWithText(mWindow->reviewPanel(), QStringLiteral("Relabel")));
        QTRY_COMPARE(cell(record, ui::WorklistModel::Label), QStringLiteral("Other (user)"));
        QCOMPARE(cell(record, ui::WorklistModel::Review), QStringLiteral("relabeled"));
        screenshot(QStringLiteral("relabeled"));

        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_Z, Qt::ControlModifier); // Edit > Undo
        QTRY_COMPARE(cell(record, ui::WorklistModel::Label), before);
        QCOMPARE(cell(record, ui::WorklistModel::Review), QStringLiteral("confirmed"));
        QCOMPARE(currentRecord(), record);
    }

    // Patient P30's ECG of 2025 beside the one of 2024 (Tools > Compare with Prior, Ctrl+Shift+P): locked
    // sheets, the table of changes, a PDF of the comparison.
    void comparesWithThePriorEcg()
    {
        // Oldest patient first (sorted by age): record 31 (61 y), the newer of P30's two.
        const QModelIndex first = table()->model()->index(0, ui::WorklistModel::Record);
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, table()->visualRect(first).center());
        QTRY_VERIFY(mWindow->windowTitle().contains(QStringLiteral("rec31.hea")));
        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
        ui::SerialComparisonWindow *compare = nullptr;
        QTRY_VERIFY((compare = mWindow->findChild<ui::SerialComparisonWindow *>()) && compare->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(compare));
        QVERIFY(availableScreen().contains(compare->frameGeometry()));
        QCOMPARE(QFileInfo(compare->priorView()->shownRecord().sourcePath).fileName(), QStringLiteral("rec30.hea"));
        QCOMPARE(QFileInfo(compare->currentView()->shownRecord().sourcePath).fileName(), QStringLiteral("rec31.hea"));
        QVERIFY(!compare->linkButton()->isVisible()); // already one patient
        // The table's changes are the differences of the two sheets' own measurements (EcgScope's), e.g. HR.
        const auto &before = compare->priorView()->intervals(), &after = compare->currentView()->intervals();
        QCOMPARE(compare->table()->item(0, 0)->text(), QStringLiteral("HR (bpm)"));
        const double change = std::round(after.heartRateBpm - before.heartRateBpm) + 0.0;
        QCOMPARE(compare->table()->item(0, 3)->text().section(QLatin1Char(' '), 0, 0), QStringLiteral("%1%2").arg(change >= 0 ? "+" : "").arg(change, 0, 'f', 0));
        // A change beyond its limit is highlighted and named (the table and the list of changes agree).
        for (int row = 0; row < 6; ++row) {
            const QString flag = compare->changes()[size_t(row)].flag;
            QCOMPARE(compare->table()->item(row, 3)->toolTip(), flag);
            QCOMPARE(compare->flags().contains(flag), !flag.isEmpty());
        }
        // Zoom and scrolling are locked: zoom the prior in (Ctrl+wheel), drag it; the new one follows.
        compare->priorView()->setFocus();
        const QPoint centre = compare->priorView()->viewport()->rect().center();
        QWheelEvent wheel(centre, compare->priorView()->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 480), Qt::NoButton, Qt::ControlModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(compare->priorView()->viewport(), &wheel);
        QTRY_VERIFY(!compare->priorView()->fitsWidth());
        QCOMPARE(compare->currentView()->zoom(), compare->priorView()->zoom());
        QTest::mousePress(compare->priorView()->viewport(), Qt::LeftButton, {}, centre);
        QTest::mouseMove(compare->priorView()->viewport(), centre - QPoint(150, 60));
        QTest::mouseRelease(compare->priorView()->viewport(), Qt::LeftButton, {}, centre - QPoint(150, 60));
        QTRY_VERIFY(compare->priorView()->horizontalScrollBar()->value() > 0);
        QCOMPARE(compare->currentView()->horizontalScrollBar()->value(), compare->priorView()->horizontalScrollBar()->value());
        QCOMPARE(compare->currentView()->verticalScrollBar()->value(), compare->priorView()->verticalScrollBar()->value());
        compare->priorView()->zoomToFit();
        QTRY_VERIFY(compare->currentView()->fitsWidth());
        activate(compare);
        screenshot(QStringLiteral("serial-comparison"));
        // Export PDF: a summary page and each sheet at true scale, private to its owner.
        const QString pdf = mDir.filePath(QStringLiteral("comparison.pdf"));
        answerFileDialog(pdf);
        click(buttonWithText(compare, QStringLiteral("Export PDF...")));
        QTRY_VERIFY(QFileInfo(pdf).size() > 0);
        const auto written = [compare, pdf] {
            for (QLabel *l : compare->findChildren<QLabel *>())
                if (l->text() == QStringLiteral("Written: %1").arg(pdf))
                    return true;
            return false;
        };
        QTRY_VERIFY(written());
        QCOMPARE(QFile::permissions(pdf) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString body = QString::fromLatin1(f.readAll());
        QVERIFY2(body.count(QRegularExpression(QStringLiteral("/Type\\s*/Page[^s]"))) >= 3, "a summary page and one page per sheet at least");
        QVERIFY(compare->renderSummaryPage(QPageSize::A4, 100).save(mShots + QStringLiteral("/serial-comparison-summary-page.png")));
        click(buttonWithText(compare, QStringLiteral("Close")));
        QTRY_VERIFY(!mWindow->findChild<ui::SerialComparisonWindow *>());
    }

    // Review > Operating Points (Ctrl+T): a click on the AF/AFL precision-recall curve picks that threshold;
    // Apply stores it with an audit row and the worklist's flags follow.
    void choosesAnOperatingPoint()
    {
        activate(mWindow.get());
        QTest::keyClick(mWindow.get(), Qt::Key_T, Qt::ControlModifier);
        ui::OperatingPointsDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = mWindow->findChild<ui::OperatingPointsDialog *>()) && dialog->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(availableScreen().contains(dialog->frameGeometry()));
        dialog->classBox()->setFocus();
        QTest::keyClick(dialog->classBox(), Qt::Key_Down, Qt::NoModifier); // by keyboard, class by class
        QTest::keyClick(dialog->classBox(), Qt::Key_Down, Qt::NoModifier);
        QTest::keyClick(dialog->classBox(), Qt::Key_Down, Qt::NoModifier);
        QCOMPARE(dialog->classBox()->currentText(), QStringLiteral("AF/AFL"));
        QVERIFY(dialog->curve().points.size() >= 2);
        const size_t pick = dialog->curve().points.size() / 2;
        QTest::qWait(200);
        const QPoint at = dialog->precisionRecallPoint(pick).toPoint();
        QTest::mouseClick(dialog->precisionRecall(), Qt::LeftButton, {}, at);
        // The threshold of the point clicked (or of one drawn on the same pixels).
        QTRY_VERIFY([&] {
            for (size_t i = 0; i < dialog->curve().points.size(); ++i)
                if ((dialog->precisionRecallPoint(i) - at).manhattanLength() <= 3
                    && qFuzzyCompare(dialog->thresholdBox()->value(), std::round(dialog->curve().points[i].threshold * 1000) / 1000))
                    return true;
            return false;
        }());
        // Precision and recall at that threshold, counted here from the worklist's labelled rows.
        store::StudyDatabase *db = mWindow->reviewPanel()->database();
        int tp = 0, fp = 0, positives = 0, flagged = 0;
        for (const store::WorklistRow &r : mWindow->reviewPanel()->model()->rows()) {
            const bool af = r.modelClass == 3 && r.modelProbability >= dialog->thresholdBox()->value();
            flagged += r.modelClass == 3 ? af : db->isFlagged(r);
            if (!r.state.label || r.state.labelOrigin == QLatin1String("model") || r.probabilities.empty())
                continue;
            positives += *r.state.label == 3;
            tp += af && *r.state.label == 3;
            fp += af && *r.state.label != 3;
        }
        QVERIFY2(dialog->summary().contains(QStringLiteral("precision %1, recall %2").arg(double(tp) / (tp + fp), 0, 'f', 3).arg(double(tp) / positives, 0, 'f', 3)),
                 qPrintable(dialog->summary()));
        QVERIFY2(dialog->summary().contains(QStringLiteral("would flag %1 of 32").arg(flagged)), qPrintable(dialog->summary()));
        QVERIFY(dialog->reliabilityPlot()->plottableCount() >= 2);
        activate(dialog);
        screenshot(QStringLiteral("operating-points"));
        click(dialog->applyButton());
        QTRY_COMPARE(db->threshold(3), dialog->thresholdBox()->value());
        const auto trail = db->history(0).value();
        QCOMPARE(trail.back().field, QStringLiteral("threshold AF/AFL"));
        QCOMPARE(trail.back().who, QStringLiteral("Dr. Xvfb"));
        QVERIFY(trail.back().reason.startsWith(QStringLiteral("operating point: precision")));
        dialog->close();
    }

    // From the defaults, by keyboard alone: Return on every page; the run page's Results button too.
    void trainingWizardRunsFromItsDefaults()
    {
        chooseMenu(mWindow.get(), QStringLiteral("Training"), QStringLiteral("Training Wizard..."));
        ui::TrainingWizard *wizard = nullptr;
        QTRY_VERIFY((wizard = mWindow->findChild<ui::TrainingWizard *>()) && wizard->isVisible());
        QVERIFY(QTest::qWaitForWindowExposed(wizard));
        wizard->activateWindow();
        QTRY_VERIFY(QApplication::activeWindow() == wizard);
        const QStringList pages{QStringLiteral("data"), QStringLiteral("split"), QStringLiteral("model"), QStringLiteral("strategies")};
        for (int page = 0; page < pages.size(); ++page) {
            QTRY_COMPARE(wizard->currentId(), page);
            QVERIFY2(availableScreen().contains(wizard->frameGeometry()), qPrintable(pages[page]));
            QVERIFY2(wizard->button(QWizard::NextButton)->isEnabled(), qPrintable(QStringLiteral("Next is disabled on the %1 page").arg(pages[page])));
            screenshot(QStringLiteral("wizard-") + pages[page]);
            if (pages[page] == QStringLiteral("strategies")) {
                // Fewer epochs than the default 30 keep the suite short: typed into the field as a user would.
                auto *epochs = wizard->currentPage()->findChildren<QSpinBox *>().front();
                QCOMPARE(epochs->value(), 30);
                epochs->setFocus();
                typeAndEnter(epochs, QStringLiteral("4")); // Return also goes on (to the run page)
            } else {
                QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : wizard, Qt::Key_Return);
            }
        }
        QTRY_COMPARE(wizard->currentId(), int(ui::TrainingWizard::RunPage));
        QTRY_VERIFY_WITH_TIMEOUT(!wizard->isRunning(), 600000);
        screenshot(QStringLiteral("wizard-run"));
        QCOMPARE(int(wizard->finishedRuns().size()), 2); // the defaults: none and focal loss
        QTRY_VERIFY(wizard->button(QWizard::CommitButton)->isEnabled());
        QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : wizard, Qt::Key_Return);
        QTRY_COMPARE(wizard->currentId(), int(ui::TrainingWizard::ResultsPage));
        QTest::qWait(300);
        QVERIFY(availableScreen().contains(wizard->frameGeometry()));

        // The comparison speaks to people, and all of it can be reached.
        QTableWidget *metrics = wizard->comparison()->table();
        QCOMPARE(metrics->horizontalHeaderItem(0)->text(), QStringLiteral("Micro precision"));
        QVERIFY(!metrics->horizontalHeaderItem(0)->toolTip().isEmpty());
        QCOMPARE(metrics->horizontalHeaderItem(5)->text(), QStringLiteral("Macro F1"));
        const int columnsWidth = metrics->horizontalHeader()->length();
        QVERIFY2(columnsWidth <= metrics->viewport()->width() || metrics->horizontalScrollBar()->isVisible(), "the metrics table is cut without a scroll bar");
        QChart *curves = nullptr;
        for (QGraphicsView *v : wizard->comparison()->findChildren<QGraphicsView *>())
            if (auto *chartView = qobject_cast<QChartView *>(v))
                curves = chartView->chart();
        QVERIFY(curves);
        QStringList legend;
        int widest = 0;
        for (QLegendMarker *m : curves->legend()->markers())
            if (m->isVisible()) {
                legend << m->label();
                widest = std::max(widest, QFontMetrics(m->font()).horizontalAdvance(m->label()));
            }
        QCOMPARE(legend, (QStringList{QStringLiteral("none"), QStringLiteral("focal")})); // one entry per run, the part that differs
        // The legend has room for its longest label beside its colour box (else it shows "fo...").
        QVERIFY2(curves->legend()->geometry().width() >= widest + 24,
                 qPrintable(QStringLiteral("legend %1 px for a %2 px label").arg(curves->legend()->geometry().width()).arg(widest)));
        screenshot(QStringLiteral("wizard-results"));
        // The reliability diagram of both runs' test predictions, one click away.
        QTabBar *tabs = wizard->comparison()->plotTabs()->tabBar();
        QTest::mouseClick(tabs, Qt::LeftButton, {}, tabs->tabRect(1).center());
        QTRY_COMPARE(wizard->comparison()->plotTabs()->currentIndex(), 1);
        QCOMPARE(wizard->comparison()->reliabilityPlot()->plottableCount(), 3); // the diagonal and two runs
        QVERIFY(wizard->comparison()->reliabilityPlot()->plottable(1)->name().contains(QStringLiteral("ECE")));
        screenshot(QStringLiteral("wizard-reliability"));
        // Operating points: each run's curves of a class; a click on a point names its threshold.
        QTest::mouseClick(tabs, Qt::LeftButton, {}, tabs->tabRect(2).center());
        QTRY_COMPARE(wizard->comparison()->plotTabs()->currentIndex(), 2);
        QCustomPlot *pr = wizard->comparison()->precisionRecall();
        QCOMPARE(pr->plottableCount(), 2);
        QCOMPARE(wizard->comparison()->roc()->plottableCount(), 3);
        auto *curve = static_cast<QCPCurve *>(pr->plottable(0));
        QVERIFY(!curve->data()->isEmpty());
        QTest::qWait(200);
        // The point of highest precision: far from the legend in the bottom right corner.
        const auto first = std::max_element(curve->data()->begin(), curve->data()->end(), [](const QCPCurveData &a, const QCPCurveData &b) { return a.value < b.value; });
        const QPoint point(int(pr->xAxis->coordToPixel(first->key)), int(pr->yAxis->coordToPixel(first->value)));
        QTest::mouseClick(pr, Qt::LeftButton, {}, point);
        QTRY_VERIFY(wizard->comparison()->findChildren<QLabel *>().size() > 0);
        QStringList texts;
        for (QLabel *l : wizard->comparison()->findChildren<QLabel *>())
            texts << l->text();
        QVERIFY2(texts.join(QLatin1Char('|')).contains(QStringLiteral("probability ≥")), qPrintable(texts.join(QLatin1Char('|')) + QStringLiteral(" click at %1,%2 in %3x%4").arg(point.x()).arg(point.y()).arg(pr->width()).arg(pr->height())));
        screenshot(QStringLiteral("wizard-operating-points"));

        // Make Active Classifier: the main window classifies with the new model.
        const QString modelId = wizard->finishedRuns().front().modelId;
        click(buttonWithText(wizard, QStringLiteral("Make Active Classifier")));
        QTRY_COMPARE(mWindow->classifier()->modelId(), modelId);
        wizard->close();
    }

    // The layout is remembered when it fits the screen, and a window too large for it (saved on a bigger
    // screen) starts fitted instead.
    void restoresTheLayoutOnlyWhenItFits()
    {
        const QRect remembered = mWindow->geometry();
        mWindow->close();
        mWindow = std::make_unique<ui::MainWindow>();
        mWindow->show();
        QVERIFY(QTest::qWaitForWindowExposed(mWindow.get()));
        QCOMPARE(mWindow->geometry().size(), remembered.size());

        const QRect screen = availableScreen();
        mWindow->setGeometry(QRect(screen.topLeft(), screen.size() * 3 / 2)); // as on a larger screen
        QTRY_COMPARE(mWindow->geometry().width(), screen.width() * 3 / 2);
        mWindow->close();
        mWindow = std::make_unique<ui::MainWindow>();
        mWindow->show();
        QVERIFY(QTest::qWaitForWindowExposed(mWindow.get()));
        verifyMainWindowFits();
        screenshot(QStringLiteral("restart"));
        mWindow.reset();
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"

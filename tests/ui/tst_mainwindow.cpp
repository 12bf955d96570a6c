#include "core/dataset/classes.h"
#include "core/store/studydb.h"
#include "ui/ecgview.h"
#include "ui/mainwindow.h"
#include "ui/reviewpanel.h"
#include "tests/ui/testsettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <sys/stat.h>

using namespace ecgscope;

namespace {
const QString kSample = QStringLiteral(ECGSCOPE_BIN_DIR "/../share/ecgscope/samples/sample.hea");
}

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        useThrowAwaySettings();
    }

    void showsBundledSampleAndKeepsItOnError()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY2(w.openFile(kSample), qPrintable(w.errorString()));
        QCOMPARE(w.ecg().leads.size(), size_t(12));
        QCOMPARE(int(w.view()->sheet().panels.size()), 13); // 3x4 + rhythm strip
        QVERIFY(w.windowTitle().contains(QStringLiteral("sample.hea")));
        // The sample is generated at 72 bpm: the header carries EcgScope's own measurements.
        QVERIFY2(w.intervals().heartRateBpm > 68 && w.intervals().heartRateBpm < 80, qPrintable(w.intervals().summary()));
        QVERIFY(w.headerLines().join(QLatin1Char('\n')).contains(QStringLiteral("EcgScope measurements: HR ")));
        // The bundled model classifies on a worker thread while the event loop runs.
        QSignalSpy done(&w, &ui::MainWindow::classified);
        QVERIFY(done.wait(30000) || !done.isEmpty());
        QVERIFY2(w.classificationText().contains(QStringLiteral("<b>VPC</b>")), qPrintable(w.classificationText()));

        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nope.hea"));
        QVERIFY(!w.openFile(missing));
        QVERIFY(w.errorString().contains(missing));
        QCOMPARE(w.ecg().leads.size(), size_t(12)); // the shown record stays
        QVERIFY(w.windowTitle().contains(QStringLiteral("sample.hea")));
        QCOMPARE(w.recentFiles().value(0), QFileInfo(kSample).absoluteFilePath());
        QCOMPARE(w.recentFiles().size(), 1); // failed opens are not remembered
    }

    void opensDroppedFiles()
    {
        ui::MainWindow w;
        w.show();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(kSample)});
        // What a window system delivers: enter (accepted for local files), then the drop.
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &drop);
        QVERIFY(drop.isAccepted());
        QCOMPARE(w.ecg().leads.size(), size_t(12));
        QCOMPARE(QFileInfo(w.ecg().sourcePath).canonicalFilePath(), QFileInfo(kSample).canonicalFilePath());
    }

    // A record opened from the worklist is classified in the background and the result is stored.
    void storesTheClassificationOfAWorklistRecord()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        QCOMPARE(w.openDatabase(dir.filePath(QStringLiteral("s.ecgdb"))), QString());
        QCOMPARE(w.reviewPanel()->importPaths({kSample})->added, 1);
        const qint64 id = w.reviewPanel()->database()->worklist(QString())->front().id;
        QSignalSpy done(&w, &ui::MainWindow::classified);
        w.reviewPanel()->select(id); // opens the file in the viewer
        QVERIFY(done.wait(30000) || !done.isEmpty());
        const auto row = w.reviewPanel()->database()->row(id, w.classifier()->modelId()).value();
        QCOMPARE(row.modelId, w.classifier()->modelId());
        QCOMPARE(dataset::className(row.modelClass), QStringLiteral("VPC"));
        QCOMPARE(w.view()->saliency().size(), size_t(1000)); // 10 s at 10 ms
    }

    // File > De-identify Printouts: the header printed on every page names nobody; exports are owner-only.
    void deidentifiesPrintouts()
    {
        const mode_t previous = ::umask(0);
        ui::MainWindow w;
        QVERIFY(w.openFile(kSample));
        QAction *deidentify = nullptr;
        for (QAction *a : w.findChildren<QAction *>())
            if (a->text() == QStringLiteral("&De-identify Printouts"))
                deidentify = a;
        QVERIFY(deidentify && deidentify->isCheckable() && !deidentify->isChecked());
        const QString identified = w.printout().headerLines.join(QLatin1Char('\n'));
        QVERIFY2(identified.contains(QStringLiteral("SYN-7")) && identified.contains(QStringLiteral("2026-01-01")), qPrintable(identified));
        deidentify->trigger();
        const QString header = w.printout().headerLines.join(QLatin1Char('\n'));
        for (const QString &secret : {QStringLiteral("SYN-7"), QStringLiteral("Synthetic vpc"), QStringLiteral("2026-01-01"), QStringLiteral("sample.hea")})
            QVERIFY2(!header.contains(secret), qPrintable(header));
        QVERIFY2(header.contains(QStringLiteral("ID ANON-")) && header.contains(QStringLiteral("80 y")), qPrintable(header));
        QTemporaryDir dir;
        QCOMPARE(w.exportSheet(dir.filePath(QStringLiteral("a.pdf"))), QString());
        QCOMPARE(QFile::permissions(dir.filePath(QStringLiteral("a.pdf"))), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
        ::umask(previous);
    }

    void exportsWhatIsShown()
    {
        ui::MainWindow w;
        QVERIFY(w.openFile(kSample));
        QTemporaryDir dir;
        QCOMPARE(w.exportSheet(dir.filePath(QStringLiteral("a.pdf"))), QString());
        QCOMPARE(w.exportSheet(dir.filePath(QStringLiteral("a.png"))), QString());
        QVERIFY(QFile(dir.filePath(QStringLiteral("a.pdf"))).size() > 1000);
        QVERIFY(QImage(dir.filePath(QStringLiteral("a.png"))).width() == 3508); // A4 landscape, 300 dpi
        QVERIFY(w.exportSheet(dir.filePath(QStringLiteral("a.bmp"))).contains(QStringLiteral("unsupported")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

#include "ui/leadplot.h"
#include "ui/mainwindow.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ecgscope;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsBundledSampleAndKeepsItOnError()
    {
        ui::MainWindow w;
        w.show();
        const QString sample = QStringLiteral(ECGSCOPE_BIN_DIR "/../share/ecgscope/samples/sample.hea");
        QVERIFY2(w.openFile(sample), qPrintable(w.errorString()));
        QCOMPARE(w.ecg().leads.size(), size_t(12));
        QCOMPARE(w.findChild<ui::LeadPlot *>()->traceCount(), 12);
        QVERIFY(w.windowTitle().contains(QStringLiteral("sample.hea")));
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
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

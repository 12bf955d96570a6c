#include "core/synth/generator.h"
#include "ui/ecgview.h"
#include "ui/printout.h"

#include <QFile>
#include <QImage>
#include <QPrinter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QScrollBar>
#include <QTest>

#include <cmath>

using namespace ecgscope;
using ui::Layout;

namespace {

Ecg sinus(double bpm, uint64_t seed, synth::Truth *truth = nullptr)
{
    synth::Options o;
    o.seed = seed;
    o.heartRateBpm = bpm;
    o.noiseLevel = 0.0;
    o.variants = false;
    auto s = synth::generate(o);
    if (truth)
        *truth = s->truth;
    return s->ecg;
}

const ui::Panel *find(const ui::Sheet &sheet, const QString &lead, double startMs)
{
    for (const ui::Panel &p : sheet.panels)
        if (p.lead == lead && std::abs(p.startMs - startMs) < 1e-6)
            return &p;
    return nullptr;
}

/// Positions of vertical major grid lines (their colour) along image row y, merged into line centres.
std::vector<double> majorLines(const QImage &image, int y)
{
    std::vector<double> centres;
    int runStart = -1;
    for (int x = 0; x <= image.width(); ++x) {
        const bool on = x < image.width() && image.pixelColor(x, y) == QColor(0xe3, 0x8a, 0x8a);
        if (on && runStart < 0)
            runStart = x;
        if (!on && runStart >= 0) {
            centres.push_back(0.5 * (runStart + x - 1));
            runStart = -1;
        }
    }
    return centres;
}

} // namespace

class TestPaper : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layoutsPlaceTheRightLeads()
    {
        const Ecg ecg = sinus(70, 1);
        ui::PaperSettings paper;
        ui::Sheet s = ui::layoutSheet(ecg, paper);
        QCOMPARE(int(s.panels.size()), 13);
        // Row by row: I aVR V1 V4 / II aVL V2 V5 / III aVF V3 V6, columns of 2.5 s, then lead II for 10 s.
        const QStringList rows[] = {{"I", "aVR", "V1", "V4"}, {"II", "aVL", "V2", "V5"}, {"III", "aVF", "V3", "V6"}};
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c) {
                const ui::Panel *p = find(s, rows[r][c], 2500.0 * c);
                QVERIFY2(p, qPrintable(rows[r][c]));
                QCOMPARE(p->durationMs, 2500.0);
                QCOMPARE(p->baselineMm, s.rowBaselinesMm[size_t(r)]);
                QVERIFY(!p->rhythmStrip);
                QCOMPARE(ecg.leads[size_t(p->leadIndex)].name, rows[r][c]);
            }
        const ui::Panel &rhythm = s.panels.back();
        QCOMPARE(rhythm.lead, QStringLiteral("II"));
        QCOMPARE(rhythm.durationMs, 10000.0);
        QVERIFY(rhythm.rhythmStrip);
        // At 25 mm/s the 10 s strip is 250 mm long, and the four columns tile it exactly.
        QCOMPARE(rhythm.rectMm.width(), 250.0);
        QCOMPARE(find(s, "V4", 7500)->rectMm.right(), rhythm.rectMm.right());

        paper.layout = Layout::ThreeByFourThreeRhythm;
        s = ui::layoutSheet(ecg, paper);
        QCOMPARE(int(s.panels.size()), 15);
        QCOMPARE(s.panels[12].lead, QStringLiteral("V1"));
        QCOMPARE(s.panels[13].lead, QStringLiteral("II"));
        QCOMPARE(s.panels[14].lead, QStringLiteral("V5"));

        paper.layout = Layout::SixByTwo;
        s = ui::layoutSheet(ecg, paper);
        QCOMPARE(int(s.panels.size()), 12);
        QVERIFY(find(s, "aVF", 0) && find(s, "V6", 5000));
        QCOMPARE(find(s, "aVF", 0)->baselineMm, find(s, "V6", 5000)->baselineMm);
        QCOMPARE(find(s, "V1", 5000)->durationMs, 5000.0);

        paper.layout = Layout::TwelveByOne;
        s = ui::layoutSheet(ecg, paper);
        QCOMPARE(int(s.panels.size()), 12);
        for (const ui::Panel &p : s.panels)
            QCOMPARE(p.durationMs, 10000.0);
        QCOMPARE(s.panels[6].lead, QStringLiteral("V1"));

        paper.singleLead = QStringLiteral("V2");
        s = ui::layoutSheet(ecg, paper);
        QCOMPARE(int(s.panels.size()), 1);
        QCOMPARE(s.panels[0].lead, QStringLiteral("V2"));

        // A lead the record lacks is shown as such, not taken from another lead.
        Ecg twoLeads = ecg;
        twoLeads.leads.resize(2);
        paper = ui::PaperSettings{};
        s = ui::layoutSheet(twoLeads, paper);
        QCOMPARE(find(s, "V1", 5000)->leadIndex, -1);
    }

    // The sheet fits the view's width by default and keeps fitting as the view resizes; at true scale
    // a sheet larger than the view gets scroll bars that reach all of it.
    void fitsWidthByDefaultWithScrollBarsAtTrueScale()
    {
        ui::EcgView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPixelsPerMm(96.0 / 25.4);
        view.setRecord(sinus(70, 1), {});
        const auto sheetWidth = [&view] { return view.widgetPoint(0, 10000.0, 0).x() - view.widgetPoint(0, 0.0, 0).x(); };
        const double mmWidth = view.sheet().sizeMm.width();
        // 250 mm of trace in a sheet of mmWidth: the whole sheet within the viewport.
        QVERIFY(mmWidth * view.pixelsPerMm() * view.zoom() <= view.viewport()->width());
        QVERIFY(mmWidth * view.pixelsPerMm() * view.zoom() >= view.viewport()->width() - 20);
        QCOMPARE(view.horizontalScrollBar()->maximum(), 0);
        const double fitted = sheetWidth();
        view.resize(1200, 700);
        QTRY_VERIFY(sheetWidth() > fitted * 1.3);
        QVERIFY(view.fitsWidth() && !view.trueScale());

        view.resize(800, 500);
        view.setTrueScale(true);
        QVERIFY(view.trueScale());
        QVERIFY(qFuzzyCompare(sheetWidth(), 250.0 * 96.0 / 25.4));
        QTRY_VERIFY(view.horizontalScrollBar()->isVisible() && view.verticalScrollBar()->isVisible());
        // Scrolled to the end, the sheet's right edge is inside the view.
        view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum());
        const double corner = view.widgetPoint(0, 0, 0).x() - view.sheet().panels[0].xMm(0) * view.pixelsPerMm();
        const double right = corner + mmWidth * view.pixelsPerMm();
        QVERIFY2(right <= view.viewport()->width() && right >= view.viewport()->width() - 20, qPrintable(QString::number(right)));
        // The arrow keys pan: Left moves the sheet right.
        const double before = view.widgetPoint(0, 0, 0).x();
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.widgetPoint(0, 0, 0).x(), before + 40);
        view.setTrueScale(false);
        QVERIFY(view.fitsWidth());
        QTRY_VERIFY(!view.horizontalScrollBar()->isVisible());
    }

    void scaleMaths()
    {
        ui::EcgView view;
        view.resize(1600, 1000);
        view.setRecord(sinus(70, 1), {});
        QVERIFY(view.fitsWidth()); // the default
        view.setTrueScale(true);
        view.setPixelsPerMm(96.0 / 25.4);
        // Panel 0 is lead I (limb), panel 2 is V1 (chest).
        const QPointF a = view.widgetPoint(0, 0.0, 0.0), b = view.widgetPoint(0, 1000.0, 1000.0);
        QVERIFY(qFuzzyCompare(b.x() - a.x(), 25.0 * 96.0 / 25.4));   // 25 mm per second
        QVERIFY(qFuzzyCompare(a.y() - b.y(), 10.0 * 96.0 / 25.4));   // 10 mm per mV, upwards
        ui::PaperSettings paper;
        paper.mmPerSecond = 50.0;
        paper.chestMmPerMv = 5.0;
        paper.limbMmPerMv = 20.0;
        view.setPaper(paper);
        view.setPixelsPerMm(300.0 / 25.4);
        QVERIFY(qFuzzyCompare(view.widgetPoint(0, 1000.0, 0).x() - view.widgetPoint(0, 0.0, 0).x(), 50.0 * 300.0 / 25.4));
        QVERIFY(qFuzzyCompare(view.widgetPoint(0, 0, 0).y() - view.widgetPoint(0, 0, 1000).y(), 20.0 * 300.0 / 25.4));
        QCOMPARE(view.sheet().panels[2].lead, QStringLiteral("V1"));
        QVERIFY(qFuzzyCompare(view.widgetPoint(2, 0, 0).y() - view.widgetPoint(2, 0, 1000).y(), 5.0 * 300.0 / 25.4));
        view.setZoom(2.0);
        QVERIFY(qFuzzyCompare(view.widgetPoint(0, 1000.0, 0).x() - view.widgetPoint(0, 0.0, 0).x(), 2 * 50.0 * 300.0 / 25.4));
    }

    void caliperMeasuresKnownRr()
    {
        synth::Truth truth;
        const Ecg ecg = sinus(75, 4, &truth);
        ui::EcgView view;
        view.resize(2100, 1250);
        view.show();
        view.setRecord(ecg, {});
        view.setTrueScale(true);
        view.setPixelsPerMm(2.0 * 96.0 / 25.4); // twice true scale on a 96 dpi screen
        view.setCaliperMode(true);
        const int rhythm = int(view.sheet().panels.size()) - 1;
        const double r0 = truth.beats[3].rPeakMs, r1 = truth.beats[4].rPeakMs;
        const QPoint from = view.widgetPoint(rhythm, r0, 0.0).toPoint();
        const QPoint to = view.widgetPoint(rhythm, r1, 1000.0).toPoint();
        QVERIFY(view.viewport()->rect().contains(from) && view.viewport()->rect().contains(to));
        QSignalSpy changed(&view, &ui::EcgView::caliperChanged);
        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, from);
        QTest::mouseMove(view.viewport(), to);
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, to);
        QVERIFY(!changed.isEmpty());
        const auto reading = view.caliper();
        QVERIFY(reading);
        // One widget pixel at twice true scale is 1 / (2 * 96 / 25.4 * 25) s = 5.3 ms, and 13 µV at 10 mm/mV.
        QVERIFY2(std::abs(reading->deltaMs - (r1 - r0)) <= 6.0, qPrintable(reading->text()));
        QVERIFY2(std::abs(reading->rateBpm - 60000.0 / (r1 - r0)) <= 0.6, qPrintable(reading->text()));
        QVERIFY2(std::abs(reading->deltaMicrovolts - 1000.0) <= 14.0, qPrintable(reading->text()));
        QVERIFY(reading->text().contains(QStringLiteral(" bpm")));
        // Hover read-out names the lead and the sample value.
        QTest::mouseMove(view.viewport(), view.widgetPoint(rhythm, r0, 0.0).toPoint());
        QVERIFY2(view.hoverText().startsWith(QStringLiteral("II · ")), qPrintable(view.hoverText()));
        // The read-out by hand: 800 ms is 75 bpm.
        const ui::CaliperReading byHand = ui::caliperReading(100.0, 900.0, 50.0, -450.0);
        QCOMPARE(byHand.deltaMs, 800.0);
        QCOMPARE(byHand.rateBpm, 75.0);
        QCOMPARE(byHand.deltaMicrovolts, -500.0);
    }

    void doubleClickShowsOneLeadAndEscapeReturns()
    {
        ui::EcgView view;
        view.resize(1400, 900);
        view.show();
        view.setRecord(sinus(70, 2), {});
        const QPoint onV2 = view.widgetPoint(6, 6000.0, 0.0).toPoint();
        QCOMPARE(view.sheet().panels[6].lead, QStringLiteral("V2"));
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, onV2);
        QCOMPARE(view.paper().singleLead, QStringLiteral("V2"));
        QCOMPARE(int(view.sheet().panels.size()), 1);
        QTest::keyClick(&view, Qt::Key_Escape);
        QVERIFY(view.paper().singleLead.isEmpty());
        QCOMPARE(int(view.sheet().panels.size()), 13);
    }

    void printsAtTrueScale_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<QSize>("pixels");
        QTest::addColumn<QSizeF>("points");
        // 297 x 210 mm and 11 x 8.5 in, landscape: pixels at 300 dpi, PDF points at 72 per inch.
        QTest::addRow("A4") << int(QPageSize::A4) << QSize(3508, 2480) << QSizeF(297 / 25.4 * 72, 210 / 25.4 * 72);
        QTest::addRow("Letter") << int(QPageSize::Letter) << QSize(3300, 2550) << QSizeF(792, 612);
    }
    void printsAtTrueScale()
    {
        QFETCH(int, size);
        QFETCH(QSize, pixels);
        QFETCH(QSizeF, points);
        const Ecg ecg = sinus(70, 1);
        const ui::PaperSettings paper;
        const ui::Sheet sheet = ui::layoutSheet(ecg, paper);
        ui::Printout printout{{&ecg, &paper, &sheet, QStringLiteral("no filter"), nullptr}, {QStringLiteral("Patient")}};
        QCOMPARE(printout.pageCount(QPageSize::PageSizeId(size)), 1);
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("sheet.png"));
        QCOMPARE(ui::exportPng(printout, png, QPageSize::PageSizeId(size), 300), QString());
        const QImage image(png);
        QCOMPARE(image.size(), pixels);
        QCOMPARE(image.dotsPerMeterX(), int(std::lround(300 / 0.0254)));
        // Major grid lines 5 mm apart: 59.06 px at 300 dpi (median spacing, traces cross a few).
        std::vector<double> lines = majorLines(image, image.height() / 2 + 3);
        QVERIFY2(lines.size() > 40, qPrintable(QString::number(lines.size())));
        std::vector<double> gaps;
        for (size_t i = 1; i < lines.size(); ++i)
            gaps.push_back(lines[i] - lines[i - 1]);
        std::nth_element(gaps.begin(), gaps.begin() + long(gaps.size() / 2), gaps.end());
        QVERIFY2(std::abs(gaps[gaps.size() / 2] - 5.0 * 300.0 / 25.4) <= 1.0, qPrintable(QString::number(gaps[gaps.size() / 2])));
        // The grid spans the 265 mm sheet (3,130 px), minus less than one 5 mm square at each end.
        QVERIFY2(lines.back() - lines.front() >= (sheet.sizeMm.width() - 10.0) * 300.0 / 25.4, qPrintable(QString::number(lines.back() - lines.front())));

        const QString pdf = dir.filePath(QStringLiteral("sheet.pdf"));
        QCOMPARE(ui::exportPdf(printout, pdf, QPageSize::PageSizeId(size)), QString());
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        const QByteArray box = bytes.mid(bytes.indexOf("/MediaBox [") + 11, 60);
        const QList<QByteArray> corners = box.left(box.indexOf(']')).simplified().split(' ');
        QCOMPARE(corners.size(), 4);
        QVERIFY2(std::abs(corners[2].toDouble() - points.width()) < 0.5 && std::abs(corners[3].toDouble() - points.height()) < 0.5, box.constData());
        QCOMPARE(bytes.count("/Type /Page\n") + bytes.count("/Type /Page\r"), 1);
    }

    void longSheetsSpanPages()
    {
        const Ecg ecg = sinus(70, 1);
        ui::PaperSettings paper;
        paper.layout = Layout::TwelveByOne;
        const ui::Sheet sheet = ui::layoutSheet(ecg, paper);
        ui::Printout printout{{&ecg, &paper, &sheet, QString(), nullptr}, {}};
        // 12 rows of 28 mm do not fit below the header on 210 mm; 6 rows a page.
        QCOMPARE(printout.pageCount(QPageSize::A4), 2);
        // Printing goes through the same pages (a PDF printer stands in for a real one).
        QTemporaryDir printed;
        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        printer.setOutputFileName(printed.filePath(QStringLiteral("printed.pdf")));
        printer.setPageSize(QPageSize(QPageSize::A4));
        printout.paint(printer);
        QFile f(printed.filePath(QStringLiteral("printed.pdf")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QCOMPARE(bytes.count("/Type /Page\n") + bytes.count("/Type /Page\r"), 2);
        paper.mmPerSecond = 50.0; // 500 mm of trace: two pages across as well
        const ui::Sheet wide = ui::layoutSheet(ecg, paper);
        printout.content.sheet = &wide;
        QCOMPARE(printout.pageCount(QPageSize::A4), 4);
        QTemporaryDir dir;
        QCOMPARE(ui::exportPng(printout, dir.filePath(QStringLiteral("p.png")), QPageSize::A4, 100), QString());
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("p-4.png"))));
        const QString unwritable = QStringLiteral("/nonexistent-dir/p.png");
        QVERIFY(ui::exportPng(printout, unwritable, QPageSize::A4, 100).contains(unwritable));
    }
};

QTEST_MAIN(TestPaper)
#include "tst_paper.moc"

#include "ui/printout.h"

#include "core/privatefile.h"

#include <QFileInfo>
#include <QImage>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPdfWriter>

#include <cmath>

namespace ecgscope::ui {

namespace {

constexpr double kMarginMm = 7.0;
constexpr double kHeaderMm = 22.0;
constexpr double kLineMm = 4.2;

/// The sheet's tiles on one page size: rows of the sheet that fit one page, times horizontal pieces.
struct Tiling {
    QRectF pageMm;   ///< printable area below the header
    double tileWidthMm = 0, tileHeightMm = 0;
    double contentHeightMm = 0; ///< rows and saliency band
    int across = 1, down = 1;
};

Tiling tiling(const Sheet &sheet, QPageSize::PageSizeId size)
{
    const QSizeF page = QPageSize(size).size(QPageSize::Millimeter).transposed(); // landscape
    Tiling t;
    t.pageMm = QRectF(kMarginMm, kMarginMm + kHeaderMm, page.width() - 2 * kMarginMm, page.height() - 2 * kMarginMm - kHeaderMm);
    t.tileWidthMm = std::min(sheet.sizeMm.width(), t.pageMm.width());
    t.across = int(std::ceil(sheet.sizeMm.width() / t.tileWidthMm - 1e-9));
    // The sheet's own speed/gain line is left out: every page's header has it.
    t.contentHeightMm = sheet.saliencyMm.bottom() + 0.5;
    if (t.contentHeightMm <= t.pageMm.height() || sheet.panels.empty()) {
        t.tileHeightMm = t.contentHeightMm;
        return t;
    }
    // Whole rows per page; the band goes with the last rows.
    const double pitch = sheet.panels.front().rectMm.height();
    const double rows = sheet.panels.back().rectMm.bottom();
    t.tileHeightMm = std::max(1, int(std::floor(t.pageMm.height() / pitch))) * pitch;
    t.down = int(std::ceil(rows / t.tileHeightMm - 1e-9));
    return t;
}

void paintPage(QPainter &p, const Printout &printout, const Tiling &t, int page, double dotsPerMm)
{
    const int across = page % t.across, down = page / t.across;
    p.save();
    p.scale(dotsPerMm, dotsPerMm);
    QStringList lines = printout.headerLines;
    lines << QStringLiteral("%1   ·   %2").arg(printout.content.paper->describe(), printout.content.filterText);
    if (t.across * t.down > 1)
        lines << QStringLiteral("page %1 of %2").arg(page + 1).arg(t.across * t.down);
    p.setPen(Qt::black);
    for (int i = 0; i < lines.size(); ++i)
        drawTextMm(p, QPointF(kMarginMm, kMarginMm + 3.0 + i * kLineMm), lines[i], 3.0, dotsPerMm, i == 0);
    const QPointF origin(across * t.tileWidthMm, down * t.tileHeightMm);
    p.translate(t.pageMm.topLeft() - origin);
    const double height = down == t.down - 1 ? std::min(t.pageMm.height(), t.contentHeightMm - origin.y()) : t.tileHeightMm;
    drawSheet(p, printout.content, dotsPerMm, QRectF(origin, QSizeF(t.tileWidthMm, height)));
    p.restore();
}

} // namespace

int Printout::pageCount(QPageSize::PageSizeId size) const
{
    const Tiling t = tiling(*content.sheet, size);
    return t.across * t.down;
}

void Printout::paint(QPagedPaintDevice &device) const
{
    device.setPageOrientation(QPageLayout::Landscape);
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    QPainter p(&device);
    paintPages(p, device, false);
}

void Printout::paintPages(QPainter &painter, QPagedPaintDevice &device, bool afterOthers) const
{
    const Tiling t = tiling(*content.sheet, device.pageLayout().pageSize().id());
    const double dotsPerMm = device.logicalDpiX() / 25.4;
    for (int page = 0; page < t.across * t.down; ++page) {
        if (page > 0 || afterOthers)
            device.newPage();
        paintPage(painter, *this, t, page, dotsPerMm);
    }
}

QImage Printout::renderPage(QPageSize::PageSizeId size, int dpi, int page) const
{
    const QSizeF mm = QPageSize(size).size(QPageSize::Millimeter).transposed();
    const QSize pixels(int(std::lround(mm.width() / 25.4 * dpi)), int(std::lround(mm.height() / 25.4 * dpi)));
    QImage image(pixels, QImage::Format_RGB32);
    image.fill(Qt::white);
    image.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    image.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    QPainter p(&image);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    paintPage(p, *this, tiling(*content.sheet, size), page, dpi / 25.4);
    return image;
}

QString preparePdf(QPdfWriter &writer, const QString &path, QPageSize::PageSizeId size)
{
    if (Status s = createPrivateFile(path); !s) // the header names the patient
        return s.error();
    writer.setResolution(600);
    writer.setPageSize(QPageSize(size));
    writer.setPageOrientation(QPageLayout::Landscape);
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    writer.setTitle(QFileInfo(path).completeBaseName()); // the user's own name for it, never the source's
    writer.setCreator(QStringLiteral("EcgScope"));
    return {};
}

QString exportPdf(const Printout &printout, const QString &path, QPageSize::PageSizeId size)
{
    QPdfWriter writer(path);
    if (QString error = preparePdf(writer, path, size); !error.isEmpty())
        return error;
    printout.paint(writer);
    if (!QFileInfo(path).isFile() || QFileInfo(path).size() == 0)
        return QStringLiteral("%1: cannot write the PDF").arg(path);
    return {};
}

QString exportPng(const Printout &printout, const QString &path, QPageSize::PageSizeId size, int dpi)
{
    const int pages = printout.pageCount(size);
    const QFileInfo info(path);
    for (int page = 0; page < pages; ++page) {
        const QString name = page == 0 ? path : QStringLiteral("%1/%2-%3.png").arg(info.path(), info.completeBaseName()).arg(page + 1);
        if (Status s = createPrivateFile(name); !s)
            return s.error();
        if (!printout.renderPage(size, dpi, page).save(name, "PNG"))
            return QStringLiteral("%1: cannot write the PNG image").arg(name);
    }
    return {};
}

} // namespace ecgscope::ui

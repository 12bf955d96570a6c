#pragma once

#include "ui/paper.h"

#include <QPageSize>
#include <QStringList>

class QPagedPaintDevice;
class QPainter;
class QPdfWriter;

namespace ecgscope::ui {

/// A sheet printed at true scale on landscape pages: a header (the record's lines, then speed, gains and
/// filters) on every page, the sheet tiled over as many pages as it needs (whole rows per page).
struct Printout {
    SheetContent content;
    QStringList headerLines;

    /// Pages needed on a landscape page of this size (7 mm margins).
    int pageCount(QPageSize::PageSizeId size) const;
    /// Paints every page on a printer or PDF writer (its page layout is set to landscape here).
    void paint(QPagedPaintDevice &device) const;
    /// Paints every page with a painter already open on a landscape device, after the pages it holds
    /// (a new page first when `afterOthers`): several printouts in one document.
    void paintPages(QPainter &painter, QPagedPaintDevice &device, bool afterOthers) const;
    /// One page as an image at `dpi` (dots per metre set, so viewers know its scale).
    QImage renderPage(QPageSize::PageSizeId size, int dpi, int page) const;
};

/// Opens a private PDF file for writing at 600 dpi, titled by its own file name (never the patient's).
/// @return an empty string, or why not (naming the file)
QString preparePdf(QPdfWriter &writer, const QString &path, QPageSize::PageSizeId size);
/// Writes a PDF with every page. @return an empty string, or why it failed (naming the file)
QString exportPdf(const Printout &printout, const QString &path, QPageSize::PageSizeId size);
/// Writes PNG pages at `dpi`: `path` for the first, `name-2.png`... for the others.
/// @return an empty string, or why it failed (naming the file)
QString exportPng(const Printout &printout, const QString &path, QPageSize::PageSizeId size, int dpi = 300);

} // namespace ecgscope::ui

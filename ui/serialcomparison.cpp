#include "ui/serialcomparison.h"

#include "ui/ecgview.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ecgscope::ui {

namespace {

const QColor kHighlight(0xfd, 0xe0, 0xdc);

/// Scroll bars and zoom of `from` drive `to` (connected both ways; a change that is already there stops).
void follow(EcgView *from, EcgView *to)
{
    QObject::connect(from->horizontalScrollBar(), &QScrollBar::valueChanged, to->horizontalScrollBar(), &QScrollBar::setValue);
    QObject::connect(from->verticalScrollBar(), &QScrollBar::valueChanged, to->verticalScrollBar(), &QScrollBar::setValue);
    QObject::connect(from, &EcgView::zoomChanged, to, [from, to] {
        if (from->fitsWidth() && !to->fitsWidth())
            to->zoomToFit();
        else if (!from->fitsWidth() && (to->fitsWidth() || to->zoom() != from->zoom()))
            to->setZoom(from->zoom());
    });
}

QWidget *titled(const QString &title, EcgView *view, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(title, box);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    layout->addWidget(view, 1);
    return box;
}

} // namespace

SerialComparisonWindow::SerialComparisonWindow(ComparedEcg prior, ComparedEcg current, const PaperSettings &paper, double pixelsPerMm,
                                               const QStringList &classNames, int otherClass, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , mPrior(std::move(prior))
    , mCurrent(std::move(current))
    , mClassNames(classNames)
    , mOtherClass(otherClass)
    , mChanges(dsp::compareMeasurements(mPrior.intervals, mCurrent.intervals))
    , mModelFlag(dsp::newClassFlag(mPrior.modelClassIndex, mCurrent.modelClassIndex, classNames, otherClass))
    , mSplitter(new QSplitter(Qt::Horizontal, this))
    , mPriorView(new EcgView(this))
    , mCurrentView(new EcgView(this))
    , mTable(new QTableWidget(this))
    , mFlags(new QLabel(this))
    , mLink(new QPushButton(tr("Same &Patient"), this))
    , mStatus(new QLabel(this))
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Serial comparison - %1 and %2").arg(QFileInfo(mPrior.ecg.sourcePath).fileName(), QFileInfo(mCurrent.ecg.sourcePath).fileName()));
    for (auto [view, which] : {std::pair{mPriorView, &mPrior}, std::pair{mCurrentView, &mCurrent}}) {
        view->setPixelsPerMm(pixelsPerMm);
        view->setPaper(paper);
        view->setRecord(which->ecg, which->intervals);
    }
    follow(mPriorView, mCurrentView);
    follow(mCurrentView, mPriorView);
    const auto when = [this](const ComparedEcg &e) {
        return e.ecg.acquisition.start.isValid() ? e.ecg.acquisition.start.toString(QStringLiteral("yyyy-MM-dd hh:mm")) : tr("time unknown");
    };
    mSplitter->addWidget(titled(tr("<b>Prior</b> · %1 · %2").arg(when(mPrior), QFileInfo(mPrior.ecg.sourcePath).fileName().toHtmlEscaped()), mPriorView, this));
    mSplitter->addWidget(titled(tr("<b>New</b> · %1 · %2").arg(when(mCurrent), QFileInfo(mCurrent.ecg.sourcePath).fileName().toHtmlEscaped()), mCurrentView, this));
    mSplitter->setChildrenCollapsible(false);

    fillTable();
    mFlags->setWordWrap(true);
    mFlags->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mFlags->setText(flags().isEmpty() ? tr("No change beyond the limits (%1, a new model class).").arg(dsp::serialLimits())
                                      : tr("<b>Changes:</b> %1").arg(flags().join(QStringLiteral("; ")).toHtmlEscaped()));

    auto *stacked = new QCheckBox(tr("One &above the other"), this);
    connect(stacked, &QCheckBox::toggled, this, &SerialComparisonWindow::setStacked);
    auto *print = new QPushButton(tr("&Print..."), this);
    connect(print, &QPushButton::clicked, this, [this] {
        QPrinter printer(QPrinter::HighResolution);
        QPrintDialog dialog(&printer, this);
        if (dialog.exec() == QDialog::Accepted)
            paint(printer);
    });
    auto *pdf = new QPushButton(tr("Export P&DF..."), this);
    connect(pdf, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), QString(), tr("PDF (*.pdf)"));
        if (path.isEmpty())
            return;
        const QString error = exportPdf(path, mPageSize);
        mStatus->setText(error.isEmpty() ? tr("Written: %1").arg(path) : error);
    });
    mLink->setToolTip(tr("Both ECGs are of one patient: the new one is filed under the prior's patient (audited)"));
    mLink->hide();
    connect(mLink, &QPushButton::clicked, this, [this] {
        mLink->setEnabled(false);
        Q_EMIT linkRequested(mPrior.record, mCurrent.record);
    });
    auto *close = new QPushButton(tr("&Close"), this);
    connect(close, &QPushButton::clicked, this, &QWidget::close);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(stacked);
    buttons->addWidget(mStatus, 1);
    for (QPushButton *b : {mLink, print, pdf, close})
        buttons->addWidget(b);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(mSplitter, 1);
    layout->addWidget(mTable);
    layout->addWidget(mFlags);
    layout->addLayout(buttons);
}

std::vector<SerialComparisonWindow::TableRow> SerialComparisonWindow::tableRows() const
{
    std::vector<TableRow> rows;
    for (const dsp::SerialChange &c : mChanges) {
        const QString change = dsp::serialText(c.change, true);
        rows.push_back({{QStringLiteral("%1 (%2)").arg(c.name, c.unit), dsp::serialText(c.before), dsp::serialText(c.after),
                         c.flag.isEmpty() ? change : QStringLiteral("%1  ⚠ %2").arg(change, c.flag)},
                        c.flag});
    }
    rows.push_back({{tr("Model class"), mPrior.modelClass.isEmpty() ? tr("-") : mPrior.modelClass, mCurrent.modelClass.isEmpty() ? tr("-") : mCurrent.modelClass,
                     mModelFlag.isEmpty() ? QString() : QStringLiteral("⚠ %1").arg(mModelFlag)},
                    mModelFlag});
    return rows;
}

void SerialComparisonWindow::fillTable()
{
    const QStringList statements[] = {mPrior.ecg.statements, mCurrent.ecg.statements};
    mTable->setColumnCount(4);
    mTable->setHorizontalHeaderLabels({tr("Measurement"), tr("Prior"), tr("New"), tr("Change")});
    mTable->setRowCount(int(mChanges.size()) + 2);
    const auto set = [this](int row, int column, const QString &text, const QString &flag) {
        auto *item = new QTableWidgetItem(text);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (!flag.isEmpty()) {
            item->setBackground(kHighlight);
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setToolTip(flag);
        }
        mTable->setItem(row, column, item);
    };
    const std::vector<TableRow> rows = tableRows();
    for (size_t row = 0; row < rows.size(); ++row)
        for (int column = 0; column < 4; ++column)
            set(int(row), column, rows[row].cells[column], rows[row].flag);
    const int model = int(rows.size()) - 1;
    set(model + 1, 0, tr("Device statements"), QString());
    for (int i = 0; i < 2; ++i)
        set(model + 1, 1 + i, statements[i].isEmpty() ? tr("(none in the file)") : statements[i].join(QStringLiteral("; ")), QString());
    mTable->verticalHeader()->hide();
    mTable->verticalHeader()->setDefaultSectionSize(mTable->fontMetrics().height() + 8);
    mTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    mTable->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    mTable->setWordWrap(false); // one line per row; long statements are whole in their tooltips
    for (int row = 0; row < mTable->rowCount(); ++row)
        for (int column = 1; column < 3; ++column)
            if (QTableWidgetItem *item = mTable->item(row, column); item && item->toolTip().isEmpty())
                item->setToolTip(item->text());
    // As tall as its rows: the sheets get the rest.
    mTable->setFixedHeight(mTable->horizontalHeader()->sizeHint().height() + mTable->verticalHeader()->length() + 2 * mTable->frameWidth() + 2);
}

QStringList SerialComparisonWindow::flags() const
{
    return dsp::changeFlags(mChanges, mModelFlag);
}

void SerialComparisonWindow::setStacked(bool stacked)
{
    mSplitter->setOrientation(stacked ? Qt::Vertical : Qt::Horizontal);
}

bool SerialComparisonWindow::isStacked() const
{
    return mSplitter->orientation() == Qt::Vertical;
}

Printout SerialComparisonWindow::printout(const ComparedEcg &which, const EcgView *view, const QString &title) const
{
    QStringList lines = which.headerLines;
    if (!lines.isEmpty())
        lines[0] = QStringLiteral("%1 — %2").arg(title, lines[0]);
    return Printout{view->content(), lines};
}

void SerialComparisonWindow::paintSummary(QPainter &p, double dotsPerMm) const
{
    // A4/Letter landscape in mm: the headers of both, then the table, changes in bold with a mark.
    p.save();
    p.scale(dotsPerMm, dotsPerMm);
    p.setPen(Qt::black);
    double y = 12.0;
    const auto line = [&](const QString &text, double height, bool bold, double x = 7.0) {
        drawTextMm(p, QPointF(x, y), text, height, dotsPerMm, bold);
    };
    line(tr("Serial ECG comparison"), 4.5, true);
    y += 8.0;
    for (const auto &[title, which] : {std::pair{tr("Prior"), &mPrior}, std::pair{tr("New"), &mCurrent}}) {
        line(title, 3.2, true);
        y += 4.6;
        for (const QString &l : which->headerLines) {
            line(l, 3.0, false, 10.0);
            y += 4.2;
        }
        y += 2.0;
    }
    y += 3.0;
    const double columns[] = {7.0, 60.0, 105.0, 150.0};
    const QString heads[] = {tr("Measurement"), tr("Prior"), tr("New"), tr("Change")};
    for (int c = 0; c < 4; ++c)
        drawTextMm(p, QPointF(columns[c], y), heads[c], 3.2, dotsPerMm, true);
    y += 5.0;
    for (const TableRow &row : tableRows()) {
        for (int c = 0; c < row.cells.size(); ++c)
            drawTextMm(p, QPointF(columns[c], y), row.cells[c], 3.0, dotsPerMm, !row.flag.isEmpty());
        y += 4.6;
    }
    y += 3.0;
    line(flags().isEmpty() ? tr("No change beyond the limits.") : tr("Changes: %1").arg(flags().join(QStringLiteral("; "))), 3.2, !flags().isEmpty());
    y += 5.0;
    line(tr("Limits: %1. The sheets follow at true scale.").arg(dsp::serialLimits()), 2.8, false);
    p.restore();
}

void SerialComparisonWindow::paint(QPagedPaintDevice &device) const
{
    device.setPageOrientation(QPageLayout::Landscape);
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    QPainter p(&device);
    paintSummary(p, device.logicalDpiX() / 25.4);
    printout(mPrior, mPriorView, tr("Prior ECG")).paintPages(p, device, true);
    printout(mCurrent, mCurrentView, tr("New ECG")).paintPages(p, device, true);
}

QImage SerialComparisonWindow::renderSummaryPage(QPageSize::PageSizeId size, int dpi) const
{
    const QSizeF mm = QPageSize(size).size(QPageSize::Millimeter).transposed();
    QImage image(QSize(int(mm.width() / 25.4 * dpi), int(mm.height() / 25.4 * dpi)), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    paintSummary(p, dpi / 25.4);
    return image;
}

QString SerialComparisonWindow::exportPdf(const QString &path, QPageSize::PageSizeId size) const
{
    QPdfWriter writer(path);
    if (QString error = preparePdf(writer, path, size); !error.isEmpty())
        return error;
    paint(writer);
    if (!QFileInfo(path).isFile() || QFileInfo(path).size() == 0)
        return QStringLiteral("%1: cannot write the PDF").arg(path);
    return {};
}

} // namespace ecgscope::ui

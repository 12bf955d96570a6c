#pragma once

#include "core/dsp/serial.h"
#include "ui/paper.h"
#include "ui/printout.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QSplitter;
class QTableWidget;

namespace ecgscope::ui {

class EcgView;

/// One ECG of a serial comparison.
struct ComparedEcg {
    Ecg ecg;                      ///< as read
    dsp::Intervals intervals;     ///< EcgScope's measurements
    QStringList headerLines;      ///< as printed (de-identified when printouts are)
    QString modelClass;           ///< the model's class and probability, e.g. "AF/AFL 0.93"; empty: none
    int modelClassIndex = -1;
    qint64 record = 0;            ///< in the open study database; 0 when not there
};

/// A new ECG beside the patient's prior one: two sheets with the same layout, speed and gains whose
/// scrolling and zoom move together (side by side or one above the other), a table of EcgScope's
/// measurements of both and their changes (highlighted beyond dsp::compareMeasurements' limits, and a new
/// model class), the devices' statements of both. Prints and exports a PDF at true scale: a summary page,
/// then each sheet.
class SerialComparisonWindow : public QWidget {
    Q_OBJECT
public:
    SerialComparisonWindow(ComparedEcg prior, ComparedEcg current, const PaperSettings &paper, double pixelsPerMm,
                           const QStringList &classNames, int otherClass, QWidget *parent = nullptr);

    EcgView *priorView() const { return mPriorView; }
    EcgView *currentView() const { return mCurrentView; }
    QTableWidget *table() const { return mTable; }
    const std::vector<dsp::SerialChange> &changes() const { return mChanges; }
    /// Every highlighted change, the model's new class last ("QTc +34 ms (limit +30)", "new AF/AFL").
    QStringList flags() const;
    /// Side by side (false) or one above the other (true).
    void setStacked(bool stacked);
    bool isStacked() const;
    /// The "same patient" button (hidden; the window's owner shows it when both records are in the
    /// study database under different patients).
    QPushButton *linkButton() const { return mLink; }
    qint64 priorRecord() const { return mPrior.record; }
    qint64 currentRecord() const { return mCurrent.record; }

    /// The paper of Export PDF (landscape): the main window's choice; A4 unless set.
    void setPageSize(QPageSize::PageSizeId size) { mPageSize = size; }
    /// The summary page's lines and each sheet, for print and PDF.
    QString exportPdf(const QString &path, QPageSize::PageSizeId size) const;
    void paint(QPagedPaintDevice &device) const;
    /// The summary page alone as an image at `dpi` (a landscape page of `size`), as printed.
    QImage renderSummaryPage(QPageSize::PageSizeId size, int dpi) const;

Q_SIGNALS:
    /// The user confirmed that both ECGs are of one patient (the window's records, prior then new).
    void linkRequested(qint64 prior, qint64 current);

private:
    /// The measurements' rows and the model's (name, prior, new, change), each with its flag: the table
    /// on the screen and the printed summary.
    struct TableRow {
        QStringList cells;
        QString flag;
    };
    std::vector<TableRow> tableRows() const;
    void fillTable();
    Printout printout(const ComparedEcg &which, const EcgView *view, const QString &title) const;
    void paintSummary(QPainter &painter, double dotsPerMm) const;

    ComparedEcg mPrior, mCurrent;
    QStringList mClassNames;
    int mOtherClass;
    std::vector<dsp::SerialChange> mChanges;
    QString mModelFlag;
    QSplitter *mSplitter;
    EcgView *mPriorView;
    EcgView *mCurrentView;
    QTableWidget *mTable;
    QLabel *mFlags;
    QPushButton *mLink;
    QLabel *mStatus;
    QPageSize::PageSizeId mPageSize = QPageSize::A4;
};

} // namespace ecgscope::ui

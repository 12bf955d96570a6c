#pragma once

#include "core/ml/comparison.h"

#include <QWidget>

class QChart;
class QComboBox;
class QLabel;
class QCustomPlot;
class QTabWidget;
class QTableWidget;
class QHBoxLayout;
class QScrollArea;

namespace ecgscope::ui {

/// The runs' names for a legend: without the leading parts (" / "-separated) that all of them share,
/// e.g. "resnet / none", "resnet / focal" -> "none", "focal".
QStringList legendNames(const QStringList &runs);
/// Training curves on `chart`: cleared, a whole-epoch x axis 1..epochs, y 0..yMax, and for each run a
/// loss series (solid) and a validation macro-F1 series (dashed, the same colour), in that order; one
/// legend entry per run (legendNames), beside the plot.
void resetCurves(QChart *chart, const QStringList &runs, int epochs, double yMax);
/// Adds one epoch of run `run` to the curves resetCurves made.
void appendCurves(QChart *chart, int run, const ml::EpochReport &epoch);

/// One run's test confusion matrix as a heatmap: counts and row-normalised percentages, class names on
/// both axes (rows: true class, columns: predicted), colour by row percentage on a fixed 0-100% scale so
/// that matrices side by side compare directly.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);
    void setRun(const QString &title, const ml::Evaluation &evaluation);
    const ml::Evaluation &evaluation() const { return mEvaluation; }
    QString title() const { return mTitle; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString mTitle;
    ml::Evaluation mEvaluation;
};

/// Runs compared side by side: their confusion matrices, a metrics table (micro and macro precision,
/// recall, F1, accuracy, F1 per class; the best value of each column in bold with a ★), their
/// training curves (loss and validation macro-F1 per epoch), reliability diagrams (with the ECE) and
/// per-class precision-recall and ROC curves (a click on a point names its threshold). Exports to PNG, PDF and CSV.
class ComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonView(QWidget *parent = nullptr);
    void setRuns(std::vector<ml::RunRecord> runs);
    const std::vector<ml::RunRecord> &runs() const { return mRuns; }
    std::vector<ConfusionMatrixView *> matrices() const { return mMatrices; }
    QTableWidget *table() const { return mTable; }
    /// The test predictions' reliability diagrams of the runs that have them (a tab beside the curves).
    QCustomPlot *reliabilityPlot() const { return mReliability; }
    QTabWidget *plotTabs() const { return mPlots; }
    /// Per class, every run's one-vs-rest precision-recall and ROC curves on its test records (a tab).
    QComboBox *curveClass() const { return mCurveClass; }
    QCustomPlot *precisionRecall() const { return mPr; }
    QCustomPlot *roc() const { return mRoc; }

    /// @return an empty string, or why not (naming the file)
    QString exportImage(const QString &path) const; ///< .png or .pdf (A4 landscape, scaled to fit)
    QString exportCsv(const QString &path) const;

private:
    std::vector<ml::RunRecord> mRuns;
    std::vector<ConfusionMatrixView *> mMatrices;
    QHBoxLayout *mMatrixRow;
    QScrollArea *mMatrixScroll;
    QTableWidget *mTable;
    QChart *mCurves;
    QCustomPlot *mReliability;
    QComboBox *mCurveClass;
    QCustomPlot *mPr;
    QCustomPlot *mRoc;
    QLabel *mPoint;
    QTabWidget *mPlots;
    QStringList mLegend; ///< the runs' names for legends (legendNames)
    std::vector<std::pair<QString, ml::OperatingCurve>> mShownCurves; ///< as plotted: plottable i is curve i

    void showCurves();
};

} // namespace ecgscope::ui

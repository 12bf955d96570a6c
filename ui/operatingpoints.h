#pragma once

#include "core/ml/metrics.h"
#include "core/store/studydb.h"

#include <QDialog>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace ecgscope::ui {

/// A reliability diagram on `plot`: for each named set, observed accuracy against mean top probability
/// per bin (points sized by count, the count written beside them), the diagonal of perfect calibration,
/// the expected calibration error in the legend.
void plotReliability(QCustomPlot *plot, const std::vector<std::pair<QString, ml::Reliability>> &sets);

/// Precision-recall curves on `pr` and ROC curves on `roc`, one per named set (plottable i of each plot
/// is set i's curve, points as discs, in a colour per set), the legend naming each set's average precision
/// and AUROC, and the ROC diagonal after them.
void plotOperatingCurves(QCustomPlot *pr, QCustomPlot *roc, const std::vector<std::pair<QString, ml::OperatingCurve>> &sets);

/// A plot of the unit square with a bold title, drag and wheel zoom (double-click resets), the given axis labels.
QCustomPlot *unitPlot(QWidget *parent, const QString &title, const QString &x, const QString &y);

/// Operating points of the model in use on the study database's labelled records (labels a dataset or a
/// user gave; the model's own labels would grade it against itself): per class the flag rule's
/// precision-recall and ROC curves with the current threshold marked, and the reliability diagram.
/// Clicking a point of a curve (or typing a threshold) shows that threshold's precision and recall and how
/// many worklist records would be flagged; Apply stores it in the database with an audit row.
class OperatingPointsDialog : public QDialog {
    Q_OBJECT
public:
    /// `rows`: the worklist with the model's predictions. `who`: the user, for the audit trail.
    OperatingPointsDialog(store::StudyDatabase *db, std::vector<store::WorklistRow> rows, const QString &modelId, const QString &who,
                          QWidget *parent = nullptr);

    QComboBox *classBox() const { return mClass; }
    QDoubleSpinBox *thresholdBox() const { return mThreshold; }
    QCustomPlot *precisionRecall() const { return mPr; }
    QCustomPlot *roc() const { return mRoc; }
    QCustomPlot *reliabilityPlot() const { return mReliability; }
    QPushButton *applyButton() const { return mApply; }
    /// What the chosen threshold does: "threshold 0.62: precision 0.91, recall 0.78 ..."
    QString summary() const;
    /// The current class's curve (the labelled records it is computed from: labelledCount()).
    const ml::OperatingCurve &curve() const { return mCurve; }
    int labelledCount() const { return int(mTruth.size()); }
    /// Widget position of a curve point on the precision-recall plot.
    QPointF precisionRecallPoint(size_t point) const;
    /// How many worklist records the flag rule flags with `threshold` for the current class (others as now).
    int flaggedWith(double threshold) const;

Q_SIGNALS:
    /// A threshold was stored: the worklist's flags change.
    void thresholdApplied(int cls, double threshold);

private:
    void showClass();
    void showThreshold();

    store::StudyDatabase *mDb;
    std::vector<store::WorklistRow> mRows;
    QString mWho;
    std::vector<std::vector<float>> mProbabilities; ///< of the labelled records
    std::vector<int> mTruth, mDecided;
    ml::OperatingCurve mCurve;
    QComboBox *mClass;
    QDoubleSpinBox *mThreshold;
    QCustomPlot *mPr;
    QCustomPlot *mRoc;
    QCustomPlot *mReliability;
    QLabel *mSource;
    QLabel *mSummary;
    QPushButton *mApply;
};

} // namespace ecgscope::ui

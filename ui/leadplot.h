#pragma once

#include "core/record/ecg.h"

#include <QWidget>

class QCustomPlot;

namespace ecgscope::ui {

/// Shows every lead of a record stacked, one trace per lead, time in ms on the x axis and
/// offsets of 2 mV between leads. A plain plot; the clinical paper view is the viewer's job.
class LeadPlot : public QWidget {
    Q_OBJECT
public:
    explicit LeadPlot(QWidget *parent = nullptr);

    void setEcg(const Ecg &ecg);
    /// Number of traces shown (one per lead), for tests.
    int traceCount() const;

private:
    QCustomPlot *mPlot;
};

} // namespace ecgscope::ui

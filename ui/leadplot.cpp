#include "ui/leadplot.h"

#include "ui/customplot.h"

#include <QVBoxLayout>

namespace ecgscope::ui {

namespace {
constexpr double kLeadSpacingUv = 2000.0; // vertical distance between lead baselines, µV
}

LeadPlot::LeadPlot(QWidget *parent) : QWidget(parent), mPlot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(mPlot);
    mPlot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    mPlot->axisRect()->setRangeDrag(Qt::Horizontal);
    mPlot->axisRect()->setRangeZoom(Qt::Horizontal);
    mPlot->xAxis->setLabel(tr("time (ms)"));
    mPlot->yAxis->setTickLabels(false);
    mPlot->yAxis->setTicks(false);
}

void LeadPlot::setEcg(const Ecg &ecg)
{
    mPlot->clearGraphs();
    mPlot->clearItems();
    const int n = ecg.sampleCount();
    QVector<double> t(n);
    for (int i = 0; i < n; ++i)
        t[i] = 1000.0 * i / ecg.sampleRateHz;
    const int leadCount = int(ecg.leads.size());
    for (int l = 0; l < leadCount; ++l) {
        const LeadSignal &lead = ecg.leads[size_t(l)];
        // First lead on top.
        const double offset = (leadCount - 1 - l) * kLeadSpacingUv;
        QVector<double> v(n);
        for (int i = 0; i < n; ++i)
            v[i] = lead.microvolts[size_t(i)] + offset;
        QCPGraph *g = mPlot->addGraph();
        g->setData(t, v, /*alreadySorted=*/true);
        g->setPen(QPen(lead.derived ? QColor(60, 60, 160) : Qt::black, 1.0));
        auto *label = new QCPItemText(mPlot);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.0, offset + 0.3 * kLeadSpacingUv);
        label->setText(lead.derived ? lead.name + tr(" (derived)") : lead.name);
    }
    mPlot->xAxis->setRange(0.0, ecg.durationMs());
    mPlot->yAxis->setRange(-kLeadSpacingUv, leadCount * kLeadSpacingUv);
    mPlot->replot();
}

int LeadPlot::traceCount() const
{
    return mPlot->graphCount();
}

} // namespace ecgscope::ui

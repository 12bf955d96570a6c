#include "core/dsp/intervals.h"

#include "core/dsp/filter.h"
#include "core/dsp/qrs.h"
#include "core/dsp/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ecgscope::dsp {

namespace {

/// The leads that carry independent information (the other four limb leads are sums of I and II).
std::vector<const LeadSignal *> independentLeads(const Ecg &ecg)
{
    std::vector<const LeadSignal *> out;
    for (const char *name : {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"})
        if (const LeadSignal *l = ecg.lead(QString::fromLatin1(name)))
            out.push_back(l);
    if (out.size() < 2) {
        out.clear();
        for (const LeadSignal &l : ecg.leads)
            out.push_back(&l);
    }
    return out;
}

struct MeanSd {
    double mean = 0.0, sd = 0.0;
};

/// Mean and (population) standard deviation.
MeanSd meanSd(const std::vector<double> &v)
{
    MeanSd m;
    m.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double sq = 0.0;
    for (double x : v)
        sq += (x - m.mean) * (x - m.mean);
    m.sd = std::sqrt(sq / double(v.size()));
    return m;
}

double correlation(const std::vector<double> &a, const std::vector<double> &b)
{
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / double(a.size());
    const double mb = std::accumulate(b.begin(), b.end(), 0.0) / double(b.size());
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) * (a[i] - ma);
        bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

/// Walks from `from` one sample at a time in `direction` (-1 or +1) until the magnitude is at the baseline
/// (at most `floor`), or has stopped falling while below `near` x `height` (a baseline the filter has
/// shifted, or a neighbouring wave). @return the sample, or -1 when the walk leaves [step, size - step)
int walkToBaseline(const std::vector<double> &magnitude, int from, int direction, double height, double floor, double near, int step)
{
    const int n = int(magnitude.size());
    int k = from;
    while (k >= step && k < n - step) {
        const double here = magnitude[size_t(k)];
        if (here <= floor || (here < near * height && here - magnitude[size_t(k + direction * step)] < 0.02 * height))
            return k;
        k += direction;
    }
    return -1;
}

} // namespace

bool Intervals::isDominant(int rPeak) const
{
    return std::binary_search(dominantBeats.begin(), dominantBeats.end(), rPeak);
}

QString Intervals::summary() const
{
    if (heartRateBpm <= 0)
        return QStringLiteral("HR: too few beats");
    QStringList parts;
    parts << QStringLiteral("HR %1 bpm").arg(heartRateBpm, 0, 'f', 0)
          << QStringLiteral("RR %1 ± %2 ms").arg(rrMeanMs, 0, 'f', 0).arg(rrSdMs, 0, 'f', 0);
    auto add = [&parts](const char *name, const std::optional<double> &v) {
        parts << QStringLiteral("%1 %2").arg(QLatin1String(name), v ? QStringLiteral("%1 ms").arg(*v, 0, 'f', 0) : QStringLiteral("-"));
    };
    add("PR", prMs);
    add("QRS", qrsMs);
    if (qtMs && qtcBazettMs)
        parts << QStringLiteral("QT/QTc %1/%2 ms").arg(*qtMs, 0, 'f', 0).arg(*qtcBazettMs, 0, 'f', 0);
    else
        parts << QStringLiteral("QT -");
    if (qrsAxisDeg)
        parts << QStringLiteral("axis %1°").arg(*qrsAxisDeg, 0, 'f', 0);
    return parts.join(QStringLiteral(", "));
}

Intervals measureIntervals(const Ecg &ecg)
{
    Intervals m;
    m.rPeaks = detectQrs(ecg);
    const double fs = ecg.sampleRateHz;
    const int n = ecg.sampleCount();
    if (m.rPeaks.size() < 2)
        return m;
    std::vector<double> rr;
    for (size_t i = 1; i < m.rPeaks.size(); ++i)
        rr.push_back(1000.0 * (m.rPeaks[i] - m.rPeaks[i - 1]) / fs);
    const MeanSd rrStats = meanSd(rr);
    m.rrMeanMs = rrStats.mean;
    m.rrSdMs = rrStats.sd;
    m.heartRateBpm = 60000.0 / m.rrMeanMs;

    // The median beat spans [R - pre, R + post], short enough not to reach the neighbouring beats.
    const double rrMedianMs = median(rr);
    const auto samples = [fs](double ms) { return int(std::lround(ms * fs / 1000.0)); };
    const int pre = samples(std::min(600.0, 0.75 * rrMedianMs));
    const int post = samples(std::clamp(0.85 * rrMedianMs, 300.0, 700.0));
    const int length = pre + post + 1;
    m.beatWindowMs = {-1000.0 * pre / fs, 1000.0 * post / fs};

    const std::vector<Biquad> band = bandpass(0.5, 40.0, fs);
    std::vector<const std::vector<float> *> independent;
    for (const LeadSignal *l : independentLeads(ecg))
        independent.push_back(&l->microvolts);
    const std::vector<std::vector<float>> leads = filtfilt(independent, band, fs);

    // Dominant beats: not premature, QRS shaped like the majority's. A beat at the record's edge is
    // judged on the part of its QRS window the record holds (it lacks a neighbour, not a shape).
    std::vector<int> beats;
    for (size_t i = 0; i < m.rPeaks.size(); ++i)
        if (i == 0 || rr[i - 1] >= 0.85 * rrMedianMs)
            beats.push_back(m.rPeaks[i]);
    if (beats.empty())
        return m;
    const int qrsHalf = samples(60.0);
    const int qrsWidth = 2 * qrsHalf + 1;
    // The QRS window of each beat, lead after lead; samples outside the record are NaN.
    auto qrsShape = [&](int r) {
        std::vector<double> v;
        for (const auto &l : leads)
            for (int k = -qrsHalf; k <= qrsHalf; ++k)
                v.push_back(r + k >= 0 && r + k < n ? double(l[size_t(r + k)]) : std::nan(""));
        return v;
    };
    std::vector<std::vector<double>> shapes;
    for (int r : beats)
        shapes.push_back(qrsShape(r));
    std::vector<double> typical(shapes.front().size());
    std::vector<double> atK;
    for (size_t k = 0; k < typical.size(); ++k) {
        atK.clear();
        for (const auto &shape : shapes)
            if (!std::isnan(shape[k]))
                atK.push_back(shape[k]);
        typical[k] = atK.empty() ? 0.0 : median(atK);
    }
    const auto overlap = [&](const std::vector<double> &shape) {
        std::vector<double> a, b;
        for (size_t k = 0; k < shape.size(); ++k)
            if (!std::isnan(shape[k])) {
                a.push_back(shape[k]);
                b.push_back(typical[k]);
            }
        // Less than half a QRS window is too little to judge: such a beat counts as dominant.
        return a.size() * 2 < size_t(qrsWidth) * leads.size() ? 1.0 : correlation(a, b);
    };
    std::vector<int> dominant;
    for (size_t b = 0; b < beats.size(); ++b)
        if (overlap(shapes[b]) >= 0.9)
            dominant.push_back(beats[b]);
    if (dominant.size() * 3 < beats.size())
        dominant = beats;
    m.dominantBeats = dominant;
    // The median beat is made of the dominant beats whose whole window [R - pre, R + post] is recorded.
    dominant.erase(std::remove_if(dominant.begin(), dominant.end(), [&](int r) { return r - pre < 0 || r + post >= n; }), dominant.end());
    if (dominant.empty())
        return m;

    // Median beat per lead.
    std::vector<std::vector<double>> beat(leads.size(), std::vector<double>(size_t(length)));
    std::vector<double> values(dominant.size());
    for (size_t l = 0; l < leads.size(); ++l)
        for (int k = 0; k < length; ++k) {
            for (size_t b = 0; b < dominant.size(); ++b)
                values[b] = leads[l][size_t(dominant[b] - pre + k)];
            beat[l][size_t(k)] = median(values);
        }

    // Spatial velocity, then the isoelectric level: the flattest 30 ms between 250 and 30 ms before R.
    std::vector<double> velocity(size_t(length), 0.0);
    for (int k = 1; k + 1 < length; ++k) {
        double s = 0.0;
        for (const auto &b : beat) {
            const double d = b[size_t(k + 1)] - b[size_t(k - 1)];
            s += d * d;
        }
        velocity[size_t(k)] = std::sqrt(s);
    }
    const int flat = std::max(2, samples(30.0));
    int baseStart = -1;
    double bestVelocity = 0.0;
    for (int k = std::max(1, pre - samples(250.0)); k + flat <= pre - samples(30.0); ++k) {
        const double v = std::accumulate(velocity.begin() + k, velocity.begin() + k + flat, 0.0);
        if (baseStart < 0 || v < bestVelocity) {
            baseStart = k;
            bestVelocity = v;
        }
    }
    if (baseStart < 0)
        return m;
    std::vector<double> magnitude(size_t(length), 0.0);
    for (const auto &b : beat) {
        const double level = std::accumulate(b.begin() + baseStart, b.begin() + baseStart + flat, 0.0) / flat;
        for (int k = 0; k < length; ++k)
            magnitude[size_t(k)] += (b[size_t(k)] - level) * (b[size_t(k)] - level);
    }
    for (double &v : magnitude)
        v = std::sqrt(v);
    const auto ms = [fs, pre](int k) { return 1000.0 * (k - pre) / fs; };

    // QRS: where the magnitude leaves and returns to the baseline (2% of the QRS peak, at least 20 µV);
    // the offset also ends where the complex stops moving (ST elevation never returns to baseline).
    const auto peakIn = [&magnitude](int from, int to) {
        return int(std::max_element(magnitude.begin() + from, magnitude.begin() + to + 1) - magnitude.begin());
    };
    const int qrsPeak = peakIn(std::max(0, pre - qrsHalf), std::min(length - 1, pre + qrsHalf));
    const double qrsThreshold = std::max(20.0, 0.02 * magnitude[size_t(qrsPeak)]);
    const int step = std::max(1, samples(10.0));
    const double qrsHeight = magnitude[size_t(qrsPeak)];
    const int qrsWindowStart = std::max(1, qrsPeak - samples(100.0));
    const int qrsEnd = std::min(length, qrsPeak + 1 + samples(60.0));
    const double maxVelocity = *std::max_element(velocity.begin() + qrsWindowStart, velocity.begin() + qrsEnd);
    const int still = std::max(1, samples(10.0));
    const auto movement = [&](int from) { return std::accumulate(velocity.begin() + from, velocity.begin() + from + still, 0.0) / still; };
    // Onset: back from the peak to where the leads stop moving (the PR segment), or reach the baseline
    // slowly (passing through it fast is a change of direction within the QRS, as between Q and R).
    int onset = qrsPeak;
    while (onset > still) {
        const double v = movement(onset - still);
        if (qrsPeak - onset > samples(20.0) && (v < 0.03 * maxVelocity || (magnitude[size_t(onset)] <= qrsThreshold && v < 0.1 * maxVelocity)))
            break;
        --onset;
    }
    if (onset <= still)
        return m;
    int offset = qrsPeak;
    while (offset + still + 1 < length) {
        // The complex has stopped moving: nearly still, back at baseline slowly, or slowest before the T
        // wave's upstroke.
        const double v = movement(offset), here = magnitude[size_t(offset)];
        if (offset - qrsPeak > samples(20.0)
            && (v < 0.03 * maxVelocity || (here <= qrsThreshold && v < 0.1 * maxVelocity)
                || (v < 0.1 * maxVelocity && here < 0.3 * qrsHeight && movement(offset + 1) > v)))
            break;
        ++offset;
    }
    if (offset + still >= length)
        return m;
    m.qrsOnsetMs = ms(onset);
    m.qrsOffsetMs = ms(offset);
    m.qrsMs = *m.qrsOffsetMs - *m.qrsOnsetMs;
    // Frontal axis: independentLeads puts I and II first when the record has them.
    if (ecg.lead(QStringLiteral("I")) && ecg.lead(QStringLiteral("II"))) {
        const auto area = [&](const std::vector<double> &b) {
            const double level = std::accumulate(b.begin() + baseStart, b.begin() + baseStart + flat, 0.0) / flat;
            return std::accumulate(b.begin() + onset, b.begin() + offset + 1, 0.0) - level * (offset - onset + 1);
        };
        const double x = area(beat[0]), y = (area(beat[1]) - 0.5 * x) * 2.0 / std::sqrt(3.0);
        if (std::hypot(x, y) > 0.0)
            m.qrsAxisDeg = std::atan2(y, x) * 180.0 / M_PI;
    }

    // T end: after the T peak's steepest descent, where the magnitude reaches baseline (5% of the T peak)
    // or stops falling.
    const int tFrom = offset + samples(60.0);
    const int tTo = std::min(length - 2, pre + samples(0.6 * rrMedianMs)); // before the next P wave
    if (tFrom < tTo) {
        const int tPeak = peakIn(tFrom, tTo);
        const double tHeight = magnitude[size_t(tPeak)];
        const int end = tHeight > qrsThreshold ? walkToBaseline(magnitude, tPeak, +1, tHeight, 0.05 * tHeight, 0.3, step) : -1;
        if (end > 0) {
            m.tEndMs = ms(end);
            m.qtMs = *m.tEndMs - *m.qrsOnsetMs;
            const double rrSeconds = m.rrMeanMs / 1000.0;
            m.qtcBazettMs = *m.qtMs / std::sqrt(rrSeconds);
            m.qtcFridericiaMs = *m.qtMs / std::cbrt(rrSeconds);
        }
    }

    // P wave: the largest wave 40-450 ms before the QRS and after the previous beat's T wave, present only
    // in a regular rhythm (between consecutive dominant beats) and in each dominant beat (their P segments
    // correlate with the median beat's; fibrillation waves do not). A baseline the filter has shifted
    // after a large T wave, or a P wave fused with the T wave, is allowed for by stopping where the
    // magnitude stops falling.
    std::vector<double> regularRr;
    for (size_t i = 1; i < dominant.size(); ++i) {
        const auto at = std::find(m.rPeaks.begin(), m.rPeaks.end(), dominant[i]);
        if (at != m.rPeaks.begin() && *(at - 1) == dominant[i - 1])
            regularRr.push_back(dominant[i] - dominant[i - 1]);
    }
    if (regularRr.size() < 2)
        return m;
    if (const MeanSd regular = meanSd(regularRr); regular.sd > 0.1 * regular.mean)
        return m;
    int pFrom = std::max(1, onset - samples(450.0));
    if (m.tEndMs)
        pFrom = std::max(pFrom, pre + samples(*m.tEndMs - rrMedianMs + 20.0));
    const int pTo = onset - samples(40.0);
    if (pFrom >= pTo)
        return m;
    const int pPeak = peakIn(pFrom, pTo);
    const double pHeight = magnitude[size_t(pPeak)];
    const int pOnset = pHeight > 25.0 ? walkToBaseline(magnitude, pPeak, -1, pHeight, std::max(8.0, 0.05 * pHeight), 0.5, step) : -1;
    if (pOnset <= 0)
        return m;
    std::vector<double> medianP, beatP, correlations;
    for (const auto &b : beat)
        medianP.insert(medianP.end(), b.begin() + pOnset, b.begin() + pTo);
    for (int r : dominant) {
        beatP.clear();
        for (const auto &l : leads)
            beatP.insert(beatP.end(), l.begin() + (r - pre + pOnset), l.begin() + (r - pre + pTo));
        correlations.push_back(correlation(beatP, medianP));
    }
    if (median(correlations) < 0.6)
        return m;
    m.pOnsetMs = ms(pOnset);
    m.prMs = *m.qrsOnsetMs - *m.pOnsetMs;
    return m;
}

} // namespace ecgscope::dsp

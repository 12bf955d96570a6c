#include "core/dsp/filter.h"
#include "core/record/ecg.h"
#include "core/synth/generator.h"

#include <QTest>

#include <cmath>

using namespace ecgscope;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Amplitude of the frequency component f (Goertzel-style single-bin DFT), µV.
double amplitudeAt(const std::vector<float> &x, double f, double fs)
{
    double re = 0, im = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        re += x[i] * std::cos(2 * kPi * f * double(i) / fs);
        im += x[i] * std::sin(2 * kPi * f * double(i) / fs);
    }
    return 2.0 * std::hypot(re, im) / double(x.size());
}

int argmaxNear(const std::vector<float> &x, int centre, int half)
{
    int best = centre;
    for (int i = std::max(0, centre - half); i <= std::min(int(x.size()) - 1, centre + half); ++i)
        if (x[size_t(i)] > x[size_t(best)])
            best = i;
    return best;
}

} // namespace

class TestFilter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void removesDriftAndMainsWithoutMovingRPeaks()
    {
        synth::Options o;
        o.seed = 5;
        o.noiseLevel = 0.0;
        o.variants = false;
        o.heartRateBpm = 70;
        const auto s = synth::generate(o);
        const double fs = s->ecg.sampleRateHz;
        Ecg noisy = s->ecg;
        // A 0.3 Hz, 800 µV baseline swing plus a 400 µV offset, and a 150 µV 50 Hz tone, on every lead.
        for (LeadSignal &l : noisy.leads)
            for (size_t i = 0; i < l.microvolts.size(); ++i) {
                const double t = double(i) / fs;
                l.microvolts[i] += float(400.0 + 800.0 * std::sin(2 * kPi * 0.3 * t) + 150.0 * std::sin(2 * kPi * 50.0 * t));
            }
        dsp::DisplayFilter filter;
        filter.baselineRemoval = true;
        filter.notchHz = 50;
        const Ecg clean = dsp::filtered(s->ecg, filter);
        const Ecg shown = dsp::filtered(noisy, filter);
        QVERIFY(shown.sampleCount() == noisy.sampleCount());
        const std::vector<float> &before = noisy.lead(QStringLiteral("II"))->microvolts;
        const std::vector<float> &after = shown.lead(QStringLiteral("II"))->microvolts;
        QVERIFY(amplitudeAt(before, 50.0, fs) > 140.0);
        QVERIFY2(amplitudeAt(after, 50.0, fs) < 3.0, qPrintable(QString::number(amplitudeAt(after, 50.0, fs))));
        QVERIFY(amplitudeAt(before, 0.3, fs) > 700.0);
        QVERIFY2(amplitudeAt(after, 0.3, fs) < 0.03 * 800.0, qPrintable(QString::number(amplitudeAt(after, 0.3, fs))));
        // Away from the record's edges the filtered noisy trace follows the filtered clean one.
        double worst = 0;
        for (size_t i = size_t(fs); i + size_t(fs) < after.size(); ++i)
            worst = std::max(worst, double(std::abs(after[i] - clean.lead(QStringLiteral("II"))->microvolts[i])));
        QVERIFY2(worst < 60.0, qPrintable(QString::number(worst)));
        // Zero phase: every R peak stays within a sample (the clean trace's maximum within 40 ms of the
        // true R, in the lead where R is tallest).
        for (const auto &b : s->truth.beats) {
            const int r = int(std::lround(b.rPeakMs * fs / 1000.0));
            if (r < fs || r + fs >= noisy.sampleCount())
                continue;
            size_t tallest = 0;
            for (size_t l = 0; l < s->ecg.leads.size(); ++l)
                if (s->ecg.leads[l].microvolts[size_t(r)] > s->ecg.leads[tallest].microvolts[size_t(r)])
                    tallest = l;
            const int truePeak = argmaxNear(s->ecg.leads[tallest].microvolts, r, int(0.04 * fs));
            QVERIFY(std::abs(argmaxNear(shown.leads[tallest].microvolts, truePeak, int(0.04 * fs)) - truePeak) <= 1);
        }
        // The stored record is untouched.
        QCOMPARE(noisy.lead(QStringLiteral("II"))->microvolts, before);
    }

    void lowPassAndDescription()
    {
        dsp::DisplayFilter f;
        QVERIFY(f.isOff());
        QCOMPARE(f.describe(), QStringLiteral("no filter"));
        QVERIFY(f.sections(500).empty());
        f.baselineRemoval = true;
        f.lowpassHz = 40;
        f.notchHz = 60;
        QCOMPARE(f.describe(), QStringLiteral("0.5-40 Hz, 60 Hz notch"));
        QCOMPARE(int(f.sections(500).size()), 4); // two high-pass sections, notch, low-pass
        // At 100 Hz the notch and the 150 Hz low-pass are above Nyquist and skipped.
        f.lowpassHz = 150;
        QCOMPARE(int(f.sections(100).size()), 2);
        // A 40 Hz low-pass attenuates 100 Hz by more than 30 dB (forward and backward: squared).
        std::vector<float> tone(5000);
        for (size_t i = 0; i < tone.size(); ++i)
            tone[i] = float(1000.0 * std::sin(2 * kPi * 100.0 * double(i) / 1000.0));
        dsp::DisplayFilter low;
        low.lowpassHz = 40;
        const auto out = dsp::filtfilt(tone, low.sections(1000), 1000);
        QVERIFY(amplitudeAt(out, 100.0, 1000) < 1000.0 * 0.0316);
    }
};

QTEST_GUILESS_MAIN(TestFilter)
#include "tst_filter.moc"

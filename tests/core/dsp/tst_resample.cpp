#include "core/dsp/resample.h"

#include <QTest>

#include <cmath>

using namespace ecgscope;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> sine(double freqHz, double rateHz, int n, double amplitude = 1000.0)
{
    std::vector<float> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        v[size_t(i)] = float(amplitude * std::sin(2 * kPi * freqHz * i / rateHz));
    return v;
}

// Largest deviation from the ideal sinusoid over the middle 80% (edges are mirrored, not periodic).
double maxErrorAgainstSine(const std::vector<float> &v, double freqHz, double rateHz, double amplitude = 1000.0)
{
    double worst = 0.0;
    const size_t n = v.size();
    for (size_t i = n / 10; i < n - n / 10; ++i)
        worst = std::max(worst, std::abs(v[i] - amplitude * std::sin(2 * kPi * freqHz * double(i) / rateHz)));
    return worst;
}

double rms(const std::vector<float> &v)
{
    double s = 0.0;
    for (size_t i = v.size() / 10; i < v.size() - v.size() / 10; ++i)
        s += double(v[i]) * v[i];
    return std::sqrt(s / double(v.size() - 2 * (v.size() / 10)));
}

} // namespace

class TestResample : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void downsampleKeepsInBandSine_data()
    {
        QTest::addColumn<double>("inHz");
        QTest::addColumn<double>("outHz");
        QTest::addColumn<double>("toneHz");
        QTest::newRow("500->100, 5 Hz") << 500.0 << 100.0 << 5.0;
        QTest::newRow("500->250, 40 Hz") << 500.0 << 250.0 << 40.0;
        QTest::newRow("250->500, 10 Hz") << 250.0 << 500.0 << 10.0;
        QTest::newRow("360->500, 17 Hz") << 360.0 << 500.0 << 17.0;
        QTest::newRow("1000->500, 30 Hz") << 1000.0 << 500.0 << 30.0;
    }
    void downsampleKeepsInBandSine()
    {
        QFETCH(double, inHz);
        QFETCH(double, outHz);
        QFETCH(double, toneHz);
        const int n = int(10 * inHz);
        const auto out = dsp::resample(sine(toneHz, inHz, n), inHz, outHz);
        QCOMPARE(out.size(), size_t(std::lround(n * outHz / inHz)));
        // Within 1% of the amplitude at every sample: the pass band is flat and the phase is kept.
        QVERIFY2(maxErrorAgainstSine(out, toneHz, outHz) < 10.0, qPrintable(QString::number(maxErrorAgainstSine(out, toneHz, outHz))));
    }

    void antiAliasRemovesToneAboveNewNyquist()
    {
        // 120 Hz is above the 50 Hz Nyquist frequency of 100 Hz; without filtering it would alias to 20 Hz
        // at full amplitude. Require at least 40 dB attenuation.
        const auto out = dsp::resample(sine(120.0, 500.0, 5000), 500.0, 100.0);
        QVERIFY2(rms(out) < 1000.0 / std::sqrt(2.0) / 100.0, qPrintable(QString::number(rms(out))));
    }

    void keepsDcExactly()
    {
        const std::vector<float> dc(997, 250.0f);
        for (double out : {100.0, 250.0, 333.0, 1000.0}) {
            for (float v : dsp::resample(dc, 500.0, out))
                QVERIFY(std::abs(v - 250.0f) < 1e-3f);
        }
    }

    void sameRateIsIdentity()
    {
        const auto in = sine(3.0, 500.0, 100);
        QCOMPARE(dsp::resample(in, 500.0, 500.0), in);
    }

    void resamplesWholeRecord()
    {
        Ecg ecg;
        ecg.sampleRateHz = 500.0;
        ecg.leads.push_back({QStringLiteral("I"), sine(5.0, 500.0, 5000), false});
        ecg.leads.push_back({QStringLiteral("II"), sine(7.0, 500.0, 5000), false});
        const Ecg out = dsp::resample(ecg, 100.0);
        QCOMPARE(out.sampleRateHz, 100.0);
        QCOMPARE(out.sampleCount(), 1000);
        QCOMPARE(out.durationMs(), ecg.durationMs());
        QVERIFY(maxErrorAgainstSine(out.leads[1].microvolts, 7.0, 100.0) < 10.0);
        QVERIFY(out.notes.back().contains(QStringLiteral("500 Hz to 100 Hz")));
    }
};

QTEST_APPLESS_MAIN(TestResample)
#include "tst_resample.moc"

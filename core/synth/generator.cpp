#include "core/synth/generator.h"


#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace ecgscope::synth {

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Vec3 {
    double x = 0.0; // towards the patient's left
    double y = 0.0; // towards the feet (inferior)
    double z = 0.0; // towards the front (anterior)
    Vec3 operator*(double k) const { return {x * k, y * k, z * k}; }
    Vec3 operator+(const Vec3 &o) const { return {x + o.x, y + o.y, z + o.z}; }
    double dot(const Vec3 &o) const { return x * o.x + y * o.y + z * o.z; }
    Vec3 unit() const
    {
        const double n = std::sqrt(dot(*this));
        return n > 0 ? *this * (1.0 / n) : *this;
    }
};

/// A direction from a frontal-plane angle (degrees, 0 = lead I, +90 = aVF) and an anterior component.
Vec3 direction(double frontalDeg, double anterior)
{
    const double a = frontalDeg * kPi / 180.0;
    return Vec3{std::cos(a), std::sin(a), anterior}.unit();
}

/// Lead vectors of the 12 standard leads in standard order. Limb leads follow Einthoven's triangle
/// exactly (so III = II - I holds in the output); chest leads lie in the horizontal plane, from V1
/// (right-anterior) to V6 (left-lateral), with the larger gains of electrodes close to the heart.
const std::array<Vec3, 12> &leadVectors()
{
    static const std::array<Vec3, 12> v = [] {
        const Vec3 I{1.0, 0.0, 0.0};
        const Vec3 II{0.5, std::sqrt(3.0) / 2.0, 0.0};
        const Vec3 III = II + I * -1.0;
        const auto chest = [](double deg, double gain) {
            const double a = deg * kPi / 180.0;
            return Vec3{std::cos(a), 0.0, std::sin(a)} * gain;
        };
        return std::array<Vec3, 12>{I, II, III, (I + II) * -0.5, I + II * -0.5, II + I * -0.5,
                                    chest(115, 1.2), chest(92, 1.6), chest(75, 1.6),
                                    chest(58, 1.5), chest(30, 1.3), chest(0, 1.0)};
    }();
    return v;
}

class Rng {
public:
    explicit Rng(uint64_t seed) : mEngine(seed) {}
    double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(mEngine); }
    double normal(double mean, double sd) { return std::normal_distribution<double>(mean, sd)(mEngine); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(mEngine); }
    bool chance(double p) { return uniform(0.0, 1.0) < p; }

private:
    std::mt19937_64 mEngine;
};

/// A value drawn so that its 5th, 50th and 95th percentiles are q[1], q[2], q[3], within [q[0], q[4]]:
/// the inverse of a piecewise-linear distribution function through those points.
double drawQuantiles(Rng &rng, const std::array<double, 5> &q)
{
    const double u = rng.uniform(0.0, 1.0);
    const double knots[] = {0.0, 0.05, 0.5, 0.95, 1.0};
    for (int i = 0; i < 4; ++i) {
        if (u <= knots[i + 1])
            return q[size_t(i)] + (q[size_t(i + 1)] - q[size_t(i)]) * (u - knots[i]) / (knots[i + 1] - knots[i]);
    }
    return q[4];
}

/// Per-rhythm distributions (min, p5, median, p95, max) from the Chapman-Shaoxing measurement table
/// (shared/data/chapman-diagnostics): ventricular rate in bpm and Bazett QTc in ms.
struct Calibration {
    std::array<double, 5> rateBpm;
    std::array<double, 5> qtcMs;
};

Calibration calibration(Rhythm r)
{
    const std::array<double, 5> qtcSinus{370, 390, 429, 474, 500}, qtcBrady{360, 372, 411, 464, 490},
        qtcFast{390, 405, 452, 520, 545};
    switch (r) {
    case Rhythm::Sinus: return {{60, 62, 74, 94, 100}, qtcSinus};
    case Rhythm::SinusBradycardia: return {{40, 47, 56, 59, 59.5}, qtcBrady};
    case Rhythm::SinusTachycardia: return {{101, 101, 108, 136, 170}, qtcFast};
    case Rhythm::FirstDegreeAvBlock: return {{42, 48, 58, 100, 115}, qtcBrady};
    case Rhythm::MobitzI: return {{35, 45, 60, 85, 100}, qtcSinus};
    case Rhythm::CompleteAvBlock: return {{25, 30, 40, 50, 58}, qtcSinus};
    case Rhythm::Psvt: return {{130, 134, 168, 209, 240}, qtcFast};
    case Rhythm::AtrialFibrillation: return {{45, 59, 91, 148, 180}, qtcFast};
    case Rhythm::AtrialFlutter: return {{60, 63, 115, 168, 175}, qtcFast};
    case Rhythm::Vpc: return {{50, 55, 80, 110, 130}, qtcSinus};
    case Rhythm::SinusArrhythmia: return {{50, 60, 72, 92, 100}, qtcSinus};
    case Rhythm::Pac: return {{50, 55, 76, 110, 130}, qtcSinus};
    }
    return {{60, 62, 74, 94, 100}, qtcSinus};
}

/// One wave of the dipole model: a Gaussian lobe in time (different widths before and after its peak)
/// along a 3-D direction whose length is the amplitude in µV.
struct Lobe {
    double peakMs;
    double sigmaBeforeMs;
    double sigmaAfterMs;
    Vec3 dipole;
};

/// The simulated patient: everything that stays the same from beat to beat.
struct Patient {
    double qrsMs;
    double qtcMs;
    double prMs;
    double pDurationMs;
    Vec3 p, q, r, s, t;     // sinus beat waves
    Vec3 pEctopic;          // premature atrial beats come from elsewhere in the atria
    Vec3 rPrime;            // right bundle-branch block: late rightward-anterior forces (R' in V1)
    Vec3 stShift;           // ST-T changes: a depression of the ST segment
    double rSigmaFraction;  // width of the R lobe as a fraction of the QRS
    Conduction conduction = Conduction::Normal;
    bool stChanges = false;
    double ectopicQrsMs;    // wide ventricular beats
    Vec3 ectopicMain, ectopicSecond, ectopicT;
    Vec3 atrialDirection;   // fibrillation / flutter waves
};

Patient drawPatient(Rng &rng, const Calibration &cal, bool variants)
{
    Patient pt;
    pt.qrsMs = drawQuantiles(rng, {66, 72, 86, 106, 114});
    pt.qtcMs = drawQuantiles(rng, cal.qtcMs);
    pt.prMs = std::clamp(rng.normal(155.0, 18.0), 120.0, 195.0);
    pt.pDurationMs = rng.uniform(80.0, 110.0);
    const double axis = drawQuantiles(rng, {-45, -25, 45, 85, 110});
    const double rAmp = rng.uniform(600.0, 1600.0);
    pt.p = direction(rng.uniform(30.0, 75.0), rng.uniform(-0.1, 0.3)) * rng.uniform(30.0, 180.0);
    pt.pEctopic = direction(rng.uniform(-90.0, 120.0), rng.uniform(-0.5, 0.5)) * rng.uniform(60.0, 160.0);
    pt.q = Vec3{-0.6, 0.2, 0.75}.unit() * (rAmp * rng.uniform(0.08, 0.2));
    pt.r = direction(axis, -rng.uniform(0.25, 0.7)) * rAmp;
    pt.s = Vec3{-0.3, -0.4, -0.85}.unit() * (rAmp * rng.uniform(0.25, 0.5));
    pt.t = direction(axis + drawQuantiles(rng, {-60, -35, 0, 30, 50}), rng.uniform(0.1, 0.5)) * rng.uniform(150.0, 450.0);
    pt.rSigmaFraction = 0.1;
    pt.ectopicQrsMs = rng.uniform(130.0, 180.0);
    const Vec3 ectopic = direction(rng.uniform(-90.0, 180.0), rng.uniform(-0.8, 0.8));
    pt.ectopicMain = ectopic * (rAmp * rng.uniform(1.1, 1.6));
    pt.ectopicSecond = direction(rng.uniform(-180.0, 180.0), rng.uniform(-0.5, 0.5)) * (rAmp * rng.uniform(0.2, 0.4));
    pt.ectopicT = ectopic * (-rng.uniform(350.0, 600.0));
    pt.atrialDirection = Vec3{rng.uniform(-0.2, 0.3), rng.uniform(0.4, 0.9), rng.uniform(0.5, 0.9)}.unit();
    // Draws are made whether or not variants are on, so that switching them keeps the rest of the patient.
    const double conduction = rng.uniform(0.0, 1.0), st = rng.uniform(0.0, 1.0);
    const double bbbWidth = rng.uniform(120.0, 165.0), rPrimeAmp = rng.uniform(0.35, 0.7), stDepth = rng.uniform(60.0, 160.0);
    if (variants && conduction < 0.08) {
        pt.conduction = Conduction::RightBundleBranchBlock;
        pt.qrsMs = bbbWidth;
        pt.rPrime = Vec3{-0.6, 0.0, 0.8}.unit() * (rAmp * rPrimeAmp);
    } else if (variants && conduction < 0.12) {
        // Left bundle-branch block: no septal q, a broad leftward-posterior R, discordant T.
        pt.conduction = Conduction::LeftBundleBranchBlock;
        pt.qrsMs = bbbWidth + 10.0;
        pt.q = Vec3{};
        pt.r = direction(axis - 15.0, -0.9) * (rAmp * 1.2);
        pt.s = pt.s * 0.3;
        pt.rSigmaFraction = 0.2;
        pt.t = pt.r.unit() * -rng.uniform(200.0, 400.0);
    }
    if (variants && st < 0.10) {
        pt.stChanges = true;
        pt.t = pt.t * -0.7;
        pt.stShift = pt.r.unit() * -stDepth;
    }
    return pt;
}

/// A ventricular event in the schedule, before rendering.
struct Event {
    double rPeakMs;
    BeatKind kind;
    std::optional<double> pOnsetMs; // the conducted P wave
    double rrBeforeMs;              // for the rate dependence of QT
};

struct Schedule {
    std::vector<double> pOnsetsMs;
    std::vector<double> ectopicPOnsetsMs;
    std::vector<Event> beats;
    double atrialRateBpm = 0.0;
    bool fibrillation = false;
    double flutterCycleMs = 0.0; // > 0: sawtooth flutter waves with this cycle, starting at flutterStartMs
    double flutterStartMs = 0.0;
};

// Events are scheduled from before the record's start, so that it opens mid-rhythm like a real recording.
constexpr double kLeadInMs = 2500.0;

/// Sinus rhythm; `arrhythmia` is the respiratory modulation of RR (fraction). With `pacs` > 0 that many
/// beats are premature atrial beats: an early P of another shape, conducted, and the sinus node reset
/// (the next sinus beat comes one cycle after the PAC: a non-compensatory pause).
void sinusSchedule(Schedule &s, Rng &rng, const Patient &pt, double rateBpm, double endMs, double prMs, double arrhythmia, int pacs = 0)
{
    const double rr = 60000.0 / rateBpm;
    const double breathMs = rng.uniform(3000.0, 5000.0);
    std::vector<double> pacTimes;
    for (int i = 0; i < pacs; ++i)
        pacTimes.push_back(rng.uniform(1000.0, endMs - 2500.0));
    std::sort(pacTimes.begin(), pacTimes.end());
    double t = -kLeadInMs + rng.uniform(0.0, rr);
    double previous = t - rr;
    size_t nextPac = 0;
    while (t < endMs) {
        bool ectopic = false;
        if (nextPac < pacTimes.size() && t >= pacTimes[nextPac]) {
            t = previous + rr * rng.uniform(0.55, 0.75);
            ectopic = true;
            ++nextPac;
        }
        const double r = t + prMs + 0.5 * pt.qrsMs;
        (ectopic ? s.ectopicPOnsetsMs : s.pOnsetsMs).push_back(t);
        s.beats.push_back({r, BeatKind::Sinus, t, t - previous});
        previous = t;
        t += rr * (1.0 + arrhythmia * std::sin(2.0 * kPi * t / breathMs)) + rng.normal(0.0, 0.01 * rr);
    }
    s.atrialRateBpm = rateBpm;
}

/// Replaces a few sinus beats by premature ventricular beats. The sinus node is not reset, so the next
/// sinus beat comes on time and the pause around the VPC is fully compensatory.
void addVpcs(Schedule &s, Rng &rng, double endMs)
{
    std::vector<size_t> candidates;
    for (size_t i = 1; i + 1 < s.beats.size(); ++i) {
        if (s.beats[i].rPeakMs > 1200.0 && s.beats[i].rPeakMs < endMs - 300.0)
            candidates.push_back(i);
    }
    const int wanted = std::min<int>(rng.integer(1, 3), int(candidates.size()));
    std::shuffle(candidates.begin(), candidates.end(), std::mt19937_64(uint64_t(rng.integer(0, 1 << 30))));
    std::vector<size_t> chosen;
    for (size_t c : candidates) {
        if (int(chosen.size()) == wanted)
            break;
        // Not next to another VPC: keep a sinus beat between them.
        if (std::none_of(chosen.begin(), chosen.end(), [c](size_t o) { return c + 1 >= o && c <= o + 1; }))
            chosen.push_back(c);
    }
    for (size_t i : chosen) {
        const double rr = s.beats[i].rPeakMs - s.beats[i - 1].rPeakMs;
        Event &e = s.beats[i];
        e.rPeakMs = s.beats[i - 1].rPeakMs + rng.uniform(0.45, 0.7) * rr;
        e.kind = BeatKind::Ventricular;
        e.pOnsetMs.reset(); // the sinus P still fires (pOnsetsMs keeps it) but is not conducted
        e.rrBeforeMs = e.rPeakMs - s.beats[i - 1].rPeakMs;
    }
}

void mobitzSchedule(Schedule &s, Rng &rng, const Patient &pt, double ventricularBpm, double endMs)
{
    const int cycle = rng.integer(3, 5); // P waves per cycle; the last one is blocked
    const double atrialBpm = ventricularBpm * cycle / (cycle - 1);
    const double pp = 60000.0 / atrialBpm;
    const double pr0 = rng.uniform(160.0, 240.0);
    const double firstIncrement = rng.uniform(60.0, 120.0);
    int k = rng.integer(0, cycle - 1);
    double previousR = -1e9;
    for (double t = -kLeadInMs; t < endMs; t += pp + rng.normal(0.0, 0.01 * pp), k = (k + 1) % cycle) {
        s.pOnsetsMs.push_back(t);
        if (k == cycle - 1)
            continue; // blocked P wave: the dropped beat
        // The PR lengthens by shrinking steps (Wenckebach's decremental conduction).
        const double pr = pr0 + firstIncrement * (1.0 - std::pow(0.5, k)) / 0.5;
        const double r = t + pr + 0.5 * pt.qrsMs;
        s.beats.push_back({r, BeatKind::Sinus, t, previousR > -1e8 ? r - previousR : pp});
        previousR = r;
    }
    s.atrialRateBpm = atrialBpm;
}

void completeBlockSchedule(Schedule &s, Rng &rng, const Patient &pt, double escapeBpm, double endMs)
{
    const double atrialBpm = rng.uniform(65.0, 105.0);
    const double pp = 60000.0 / atrialBpm;
    for (double t = -kLeadInMs + rng.uniform(0.0, pp); t < endMs; t += pp + rng.normal(0.0, 0.01 * pp))
        s.pOnsetsMs.push_back(t);
    // Junctional escape (narrow QRS) at 40 bpm and above, ventricular escape (wide QRS) below.
    const BeatKind kind = escapeBpm >= 40.0 ? BeatKind::Sinus : BeatKind::Ventricular;
    const double rr = 60000.0 / escapeBpm;
    for (double r = -kLeadInMs + rng.uniform(0.0, rr) + pt.qrsMs; r < endMs; r += rr + rng.normal(0.0, 0.01 * rr))
        s.beats.push_back({r, kind, std::nullopt, rr});
    s.atrialRateBpm = atrialBpm;
}

void regularSchedule(Schedule &s, Rng &rng, double rateBpm, double endMs, double jitterFraction)
{
    const double rr = 60000.0 / rateBpm;
    for (double r = -kLeadInMs + rng.uniform(0.0, rr); r < endMs; r += rr * (1.0 + rng.normal(0.0, jitterFraction)))
        s.beats.push_back({r, BeatKind::Sinus, std::nullopt, rr});
}

void fibrillationSchedule(Schedule &s, Rng &rng, double rateBpm, double endMs)
{
    const double meanRr = 60000.0 / rateBpm;
    const double variability = rng.uniform(0.12, 0.25); // coefficient of variation of RR
    const double refractoryMs = 250.0;
    double previous = -kLeadInMs;
    for (double r = previous + rng.uniform(0.0, meanRr); r < endMs;) {
        s.beats.push_back({r, BeatKind::Sinus, std::nullopt, r - previous});
        previous = r;
        // Log-normal with the mean RR kept at meanRr.
        r += std::max(refractoryMs, meanRr * std::exp(rng.normal(-0.5 * variability * variability, variability)));
    }
    s.fibrillation = true;
}

void flutterSchedule(Schedule &s, Rng &rng, const Patient &pt, double ventricularBpm, double endMs)
{
    // 2:1 conduction mostly, 4:1 or variable 2:1/4:1 otherwise; the atrial rate follows from the requested
    // ventricular rate where that puts it in the flutter range, else conduction adapts.
    const double variableRatio = rng.chance(0.25);
    int ratio = ventricularBpm * 2.0 >= 240.0 ? 2 : (ventricularBpm * 3.0 >= 240.0 ? 3 : 4);
    const double atrialBpm = std::clamp(ventricularBpm * ratio, 240.0, 350.0);
    s.flutterCycleMs = 60000.0 / atrialBpm;
    s.flutterStartMs = -kLeadInMs + rng.uniform(0.0, s.flutterCycleMs);
    const double conductionMs = rng.uniform(200.0, 280.0);
    double previous = -1e9;
    for (double wave = s.flutterStartMs; wave < endMs;) {
        const double r = wave + conductionMs + 0.5 * pt.qrsMs;
        s.beats.push_back({r, BeatKind::Sinus, std::nullopt, previous > -1e8 ? r - previous : s.flutterCycleMs * ratio});
        previous = r;
        const int step = variableRatio ? (rng.chance(0.5) ? 2 : 4) : ratio;
        wave += step * s.flutterCycleMs;
    }
    s.atrialRateBpm = atrialBpm;
}

/// Adds a lobe to the dipole signal (one Vec3 per sample); only +-4 sigma around the peak is evaluated.
void addLobe(std::vector<Vec3> &dipole, double rateHz, const Lobe &lobe)
{
    const double msPerSample = 1000.0 / rateHz;
    const long n = long(dipole.size());
    const long first = std::max(0L, long(std::floor((lobe.peakMs - 4.0 * lobe.sigmaBeforeMs) / msPerSample)));
    const long last = std::min(n - 1, long(std::ceil((lobe.peakMs + 4.0 * lobe.sigmaAfterMs) / msPerSample)));
    for (long i = first; i <= last; ++i) {
        const double d = i * msPerSample - lobe.peakMs;
        const double sigma = d < 0 ? lobe.sigmaBeforeMs : lobe.sigmaAfterMs;
        dipole[size_t(i)] = dipole[size_t(i)] + lobe.dipole * std::exp(-0.5 * d * d / (sigma * sigma));
    }
}

Beat renderBeat(std::vector<Vec3> &dipole, double rateHz, const Patient &pt, const Event &e)
{
    Beat b;
    b.kind = e.kind;
    b.rPeakMs = e.rPeakMs;
    const double rr = std::clamp(e.rrBeforeMs, 250.0, 2500.0);
    const double r = e.rPeakMs;
    double qt;
    if (e.kind == BeatKind::Sinus) {
        const double w = pt.qrsMs;
        b.qrsOnsetMs = r - 0.5 * w;
        b.qrsOffsetMs = r + 0.5 * w;
        addLobe(dipole, rateHz, {r - 0.3 * w, 0.08 * w, 0.08 * w, pt.q});
        addLobe(dipole, rateHz, {r, pt.rSigmaFraction * w, pt.rSigmaFraction * w, pt.r});
        addLobe(dipole, rateHz, {r + 0.28 * w, 0.09 * w, 0.09 * w, pt.s});
        if (pt.conduction == Conduction::RightBundleBranchBlock)
            addLobe(dipole, rateHz, {r + 0.33 * w, 0.09 * w, 0.09 * w, pt.rPrime});
        if (pt.stChanges)
            addLobe(dipole, rateHz, {b.qrsOffsetMs + 70.0, 45.0, 45.0, pt.stShift});
        qt = pt.qtcMs * std::sqrt(rr / 1000.0); // Bazett
        if (e.pOnsetMs)
            b.prMs = b.qrsOnsetMs - *e.pOnsetMs;
    } else {
        const double w = pt.ectopicQrsMs;
        b.qrsOnsetMs = r - 0.45 * w;
        b.qrsOffsetMs = r + 0.55 * w;
        addLobe(dipole, rateHz, {r, 0.16 * w, 0.18 * w, pt.ectopicMain});
        addLobe(dipole, rateHz, {r + 0.3 * w, 0.12 * w, 0.12 * w, pt.ectopicSecond});
        qt = pt.qtcMs * std::sqrt(rr / 1000.0) + (w - pt.qrsMs);
    }
    // T wave: rises slower than it falls; its end (peak + 2.5 sigma after) defines the QT.
    b.tEndMs = b.qrsOnsetMs + qt;
    const double sigmaAfter = 0.09 * qt;
    const Vec3 t = e.kind == BeatKind::Sinus ? pt.t : pt.ectopicT;
    addLobe(dipole, rateHz, {b.tEndMs - 2.5 * sigmaAfter, 1.6 * sigmaAfter, sigmaAfter, t});
    return b;
}

} // namespace

const std::vector<Rhythm> &allRhythms()
{
    static const std::vector<Rhythm> all{Rhythm::Sinus,     Rhythm::SinusBradycardia,  Rhythm::SinusTachycardia,
                                         Rhythm::FirstDegreeAvBlock, Rhythm::MobitzI, Rhythm::CompleteAvBlock,
                                         Rhythm::Psvt,      Rhythm::AtrialFibrillation, Rhythm::AtrialFlutter,
                                         Rhythm::Vpc,       Rhythm::SinusArrhythmia,    Rhythm::Pac};
    return all;
}

QString toString(Rhythm rhythm)
{
    switch (rhythm) {
    case Rhythm::Sinus: return QStringLiteral("sinus");
    case Rhythm::SinusBradycardia: return QStringLiteral("sb");
    case Rhythm::SinusTachycardia: return QStringLiteral("st");
    case Rhythm::FirstDegreeAvBlock: return QStringLiteral("avb1");
    case Rhythm::MobitzI: return QStringLiteral("mobitz1");
    case Rhythm::CompleteAvBlock: return QStringLiteral("cavb");
    case Rhythm::Psvt: return QStringLiteral("psvt");
    case Rhythm::AtrialFibrillation: return QStringLiteral("af");
    case Rhythm::AtrialFlutter: return QStringLiteral("flutter");
    case Rhythm::Vpc: return QStringLiteral("vpc");
    case Rhythm::SinusArrhythmia: return QStringLiteral("sa");
    case Rhythm::Pac: return QStringLiteral("pac");
    }
    return {};
}

std::optional<Rhythm> rhythmFromString(const QString &name)
{
    for (Rhythm r : allRhythms()) {
        if (toString(r).compare(name.trimmed(), Qt::CaseInsensitive) == 0)
            return r;
    }
    return std::nullopt;
}

QStringList snomedCodes(Rhythm rhythm)
{
    switch (rhythm) {
    case Rhythm::Sinus: return {QStringLiteral("426783006")};
    case Rhythm::SinusBradycardia: return {QStringLiteral("426177001")};
    case Rhythm::SinusTachycardia: return {QStringLiteral("427084000")};
    case Rhythm::FirstDegreeAvBlock: return {QStringLiteral("426783006"), QStringLiteral("270492004")};
    case Rhythm::MobitzI: return {QStringLiteral("54016002")};
    case Rhythm::CompleteAvBlock: return {QStringLiteral("27885002")};
    case Rhythm::Psvt: return {QStringLiteral("67198005")};
    case Rhythm::AtrialFibrillation: return {QStringLiteral("164889003")};
    case Rhythm::AtrialFlutter: return {QStringLiteral("164890007")};
    case Rhythm::Vpc: return {QStringLiteral("426783006"), QStringLiteral("427172004")};
    case Rhythm::SinusArrhythmia: return {QStringLiteral("427393009")};
    case Rhythm::Pac: return {QStringLiteral("426783006"), QStringLiteral("284470004")};
    }
    return {};
}

std::pair<double, double> rateRangeBpm(Rhythm rhythm)
{
    const auto q = calibration(rhythm).rateBpm;
    return {q.front(), q.back()};
}

Result<Synthetic> generate(const Options &o)
{
    if (!(o.sampleRateHz >= 50.0 && o.sampleRateHz <= 10000.0))
        return Result<Synthetic>::failure(QStringLiteral("synth: sampling rate %1 Hz is outside 50-10000 Hz").arg(o.sampleRateHz));
    if (!(o.durationMs >= 1000.0 && o.durationMs <= 3600000.0))
        return Result<Synthetic>::failure(QStringLiteral("synth: duration %1 ms is outside 1 s - 1 h").arg(o.durationMs));
    if (!(o.noiseLevel >= 0.0 && o.noiseLevel <= 10.0))
        return Result<Synthetic>::failure(QStringLiteral("synth: noise level %1 is outside 0-10").arg(o.noiseLevel));
    const auto [minBpm, maxBpm] = rateRangeBpm(o.rhythm);
    if (o.heartRateBpm != 0.0 && !(o.heartRateBpm >= minBpm && o.heartRateBpm <= maxBpm))
        return Result<Synthetic>::failure(QStringLiteral("synth: %1 needs a heart rate of %2-%3 bpm, not %4")
                                              .arg(toString(o.rhythm)).arg(minBpm).arg(maxBpm).arg(o.heartRateBpm));

    Rng rng(o.seed);
    const Calibration cal = calibration(o.rhythm);
    const Patient pt = drawPatient(rng, cal, o.variants);
    const double drawn = drawQuantiles(rng, cal.rateBpm); // drawn even when given, so the rest stays the same
    const double rate = o.heartRateBpm > 0.0 ? o.heartRateBpm : drawn;
    const double endMs = o.durationMs + 1500.0;
    const double arrhythmia = rng.uniform(0.0, 0.04);

    Schedule s;
    switch (o.rhythm) {
    case Rhythm::Sinus: case Rhythm::SinusBradycardia: sinusSchedule(s, rng, pt, rate, endMs, pt.prMs, arrhythmia); break;
    case Rhythm::SinusTachycardia: sinusSchedule(s, rng, pt, rate, endMs, pt.prMs * 0.9, arrhythmia / 2); break;
    case Rhythm::SinusArrhythmia: sinusSchedule(s, rng, pt, rate, endMs, pt.prMs, rng.uniform(0.08, 0.16)); break;
    case Rhythm::Pac: sinusSchedule(s, rng, pt, rate, endMs, pt.prMs, arrhythmia, rng.integer(1, 3)); break;
    case Rhythm::FirstDegreeAvBlock: sinusSchedule(s, rng, pt, rate, endMs, drawQuantiles(rng, {205, 215, 250, 340, 400}), arrhythmia); break;
    case Rhythm::Vpc:
        sinusSchedule(s, rng, pt, rate, endMs, pt.prMs, arrhythmia);
        addVpcs(s, rng, o.durationMs);
        break;
    case Rhythm::MobitzI: mobitzSchedule(s, rng, pt, rate, endMs); break;
    case Rhythm::CompleteAvBlock: completeBlockSchedule(s, rng, pt, rate, endMs); break;
    case Rhythm::Psvt: regularSchedule(s, rng, rate, endMs, 0.005); break;
    case Rhythm::AtrialFibrillation: fibrillationSchedule(s, rng, rate, endMs); break;
    case Rhythm::AtrialFlutter: flutterSchedule(s, rng, pt, rate, endMs); break;
    }

    const size_t n = size_t(std::lround(o.durationMs * o.sampleRateHz / 1000.0));
    const double msPerSample = 1000.0 / o.sampleRateHz;
    std::vector<Vec3> dipole(n);
    Truth truth;
    truth.rhythm = o.rhythm;
    truth.heartRateBpm = rate;
    truth.atrialRateBpm = s.atrialRateBpm;
    truth.qrsMs = pt.qrsMs;
    truth.qtcMs = pt.qtcMs;
    // The net QRS vector: each lobe's dipole times its area (its widths, as renderBeat draws them).
    Vec3 net = pt.q * (0.08 * pt.qrsMs) + pt.r * (pt.rSigmaFraction * pt.qrsMs) + pt.s * (0.09 * pt.qrsMs);
    if (pt.conduction == Conduction::RightBundleBranchBlock)
        net = net + pt.rPrime * (0.09 * pt.qrsMs);
    truth.qrsAxisDeg = std::atan2(net.y, net.x) * 180.0 / kPi;
    truth.conduction = pt.conduction;
    truth.stChanges = pt.stChanges;
    for (double p : s.pOnsetsMs) {
        addLobe(dipole, o.sampleRateHz, {p + 0.5 * pt.pDurationMs, pt.pDurationMs / 5.0, pt.pDurationMs / 5.0, pt.p});
        if (p >= 0.0 && p < o.durationMs)
            truth.pOnsetsMs.push_back(p);
    }
    for (double p : s.ectopicPOnsetsMs) {
        addLobe(dipole, o.sampleRateHz, {p + 0.5 * pt.pDurationMs, pt.pDurationMs / 5.0, pt.pDurationMs / 5.0, pt.pEctopic});
        if (p >= 0.0 && p < o.durationMs)
            truth.ectopicPOnsetsMs.push_back(p);
    }
    for (const Event &e : s.beats) {
        const Beat b = renderBeat(dipole, o.sampleRateHz, pt, e);
        if (b.rPeakMs >= 0.0 && b.rPeakMs < o.durationMs)
            truth.beats.push_back(b);
    }
    if (s.fibrillation) {
        // Fibrillatory waves: a few drifting 4-9 Hz components along the atrial direction.
        const double amplitude = rng.uniform(10.0, 120.0); // fine to coarse fibrillation
        for (int c = 0; c < 4; ++c) {
            const double f = rng.uniform(4.0, 9.0), phase = rng.uniform(0.0, 2 * kPi);
            const double drift = rng.uniform(0.05, 0.3), a = amplitude * rng.uniform(0.4, 1.0) / 2.0;
            for (size_t i = 0; i < n; ++i) {
                const double t = i * msPerSample / 1000.0;
                dipole[i] = dipole[i] + pt.atrialDirection * (a * std::sin(2 * kPi * f * t + phase + std::sin(2 * kPi * drift * t)));
            }
        }
    }
    if (s.flutterCycleMs > 0.0) {
        // Sawtooth: a slow descent over 75% of the cycle and a quick return; negative in the inferior leads.
        const double amplitude = rng.uniform(80.0, 180.0);
        const Vec3 axis = Vec3{0.1, -0.9, 0.35}.unit();
        for (size_t i = 0; i < n; ++i) {
            double phase = std::fmod(i * msPerSample - s.flutterStartMs, s.flutterCycleMs) / s.flutterCycleMs;
            const double v = phase < 0.75 ? 1.0 - 2.0 * phase / 0.75 : -1.0 + 2.0 * (phase - 0.75) / 0.25;
            dipole[i] = dipole[i] + axis * (amplitude * v);
        }
    }

    // Noise arises at the electrodes (RA, LA, LL, V1-V6), so it is drawn per electrode and combined into
    // leads the way the cart does; the limb leads then keep III = II - I and aVR + aVL + aVF = 0.
    constexpr int kElectrodes = 9;
    const double mainsHz = rng.chance(0.5) ? 50.0 : 60.0;
    const double mainsPhase = rng.uniform(0.0, 2 * kPi);
    std::vector<std::vector<double>> electrode(kElectrodes, std::vector<double>(n));
    std::normal_distribution<double> gauss(0.0, 1.0);
    for (int e = 0; e < kElectrodes; ++e) {
        // Baseline wander (respiration, electrode drift), muscle noise, mains hum.
        const double bw1 = rng.uniform(10.0, 80.0) * o.noiseLevel, f1 = rng.uniform(0.15, 0.4), p1 = rng.uniform(0.0, 2 * kPi);
        const double bw2 = rng.uniform(5.0, 40.0) * o.noiseLevel, f2 = rng.uniform(0.03, 0.1), p2 = rng.uniform(0.0, 2 * kPi);
        const double emg = std::min(30.0, std::exp(rng.normal(std::log(4.0), 0.6))) * o.noiseLevel;
        const double hum = rng.uniform(0.0, 6.0) * o.noiseLevel;
        std::mt19937_64 noiseEngine(o.seed * 1000003ULL + uint64_t(e));
        for (size_t i = 0; i < n; ++i) {
            const double t = i * msPerSample / 1000.0;
            double v = bw1 * std::sin(2 * kPi * f1 * t + p1) + bw2 * std::sin(2 * kPi * f2 * t + p2);
            v += hum * std::sin(2 * kPi * mainsHz * t + mainsPhase);
            if (emg > 0.0)
                v += emg * gauss(noiseEngine);
            electrode[size_t(e)][i] = v;
        }
    }
    // Electrode motion: now and then a contact shift, a step that decays over a second or so.
    const int motionEvents = rng.chance(0.15 * std::min(1.0, o.noiseLevel)) ? rng.integer(1, 2) : 0;
    for (int k = 0; k < motionEvents; ++k) {
        auto &trace = electrode[size_t(rng.integer(0, kElectrodes - 1))];
        const double at = rng.uniform(0.0, o.durationMs), step = rng.normal(0.0, 500.0), tauMs = rng.uniform(300.0, 1500.0);
        for (size_t i = size_t(std::max(0.0, at / msPerSample)); i < n; ++i)
            trace[i] += step * std::exp(-(i * msPerSample - at) / tauMs);
    }
    // Weights of RA, LA, LL in each lead; chest lead k adds electrode 3 + k minus Wilson's terminal.
    static const double limbWeights[6][3] = {{-1, 1, 0}, {-1, 0, 1}, {0, -1, 1},
                                              {1, -0.5, -0.5}, {-0.5, 1, -0.5}, {-0.5, -0.5, 1}};
    Ecg ecg;
    ecg.sampleRateHz = o.sampleRateHz;
    const auto &vectors = leadVectors();
    for (int l = 0; l < 12; ++l) {
        LeadSignal lead;
        lead.name = standardLeadNames()[l];
        lead.microvolts.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const double ra = electrode[0][i], la = electrode[1][i], ll = electrode[2][i];
            const double noise = l < 6 ? limbWeights[l][0] * ra + limbWeights[l][1] * la + limbWeights[l][2] * ll
                                       : electrode[size_t(l - 3)][i] - (ra + la + ll) / 3.0;
            lead.microvolts[i] = float(vectors[size_t(l)].dot(dipole[i]) + noise);
        }
        ecg.leads.push_back(std::move(lead));
    }
    // LA/RA reversal, a common recording error: I inverts, II and III swap, aVR and aVL swap.
    if (rng.chance(0.02) && o.variants) {
        truth.armLeadsReversed = true;
        for (float &v : ecg.leads[0].microvolts)
            v = -v;
        std::swap(ecg.leads[1].microvolts, ecg.leads[2].microvolts);
        std::swap(ecg.leads[3].microvolts, ecg.leads[4].microvolts);
    }
    ecg.patient.id = QStringLiteral("SYN-%1").arg(o.seed);
    ecg.patient.name = QStringLiteral("Synthetic %1").arg(toString(o.rhythm));
    ecg.patient.sex = rng.chance(0.5) ? Sex::Male : Sex::Female;
    ecg.patient.ageYears = rng.integer(20, 85);
    ecg.acquisition.start = QDateTime(QDate(2026, 1, 1), QTime(8, 0), Qt::UTC).addSecs(qint64(o.seed % 31536000ULL));
    ecg.acquisition.device = QStringLiteral("EcgScope synthetic generator");
    ecg.sourceFormat = QStringLiteral("synthetic");
    ecg.labels.push_back({toString(o.rhythm), QStringLiteral("EcgScope"), LabelOrigin::Generator, {}});
    for (const QString &code : snomedCodes(o.rhythm))
        ecg.labels.push_back({code, QStringLiteral("SNOMED-CT"), LabelOrigin::Generator, {}});
    ecg.notes << QStringLiteral("synthetic %1, %2 bpm, seed %3").arg(toString(o.rhythm)).arg(rate, 0, 'f', 0).arg(o.seed);
    return Synthetic{std::move(ecg), std::move(truth)};
}

} // namespace ecgscope::synth

#include "core/dataset/synthcorpus.h"

#include "core/io/wfdb.h"

#include <QDir>

#include <numeric>
#include <random>

namespace ecgscope::dataset {

std::vector<synth::Rhythm> rhythmsOfClass(int cls)
{
    using synth::Rhythm;
    switch (cls) {
    case AvBlock1or2: return {Rhythm::FirstDegreeAvBlock, Rhythm::MobitzI};
    case Psvt: return {Rhythm::Psvt};
    case HighGradeAvBlock: return {Rhythm::CompleteAvBlock};
    case AfFlutter: return {Rhythm::AtrialFibrillation, Rhythm::AtrialFlutter};
    case SinusTachy: return {Rhythm::SinusTachycardia};
    case Vpc: return {Rhythm::Vpc};
    case Other: return {Rhythm::Sinus, Rhythm::SinusBradycardia, Rhythm::Sinus, Rhythm::SinusArrhythmia, Rhythm::Pac};
    }
    return {};
}

Result<Manifest> makeSyntheticCorpus(const QString &dir, const SynthCorpusOptions &o, Progress *progress)
{
    if (o.recordsPerClass < 1)
        return Result<Manifest>::failure(QStringLiteral("synthetic corpus: records per class must be at least 1"));
    if (!o.countsPerClass.empty() && o.countsPerClass.size() != size_t(kTargetClassCount) && o.countsPerClass.size() != size_t(kTargetClassCount + 1))
        return Result<Manifest>::failure(QStringLiteral("synthetic corpus: give 6 or 7 class counts, not %1").arg(o.countsPerClass.size()));
    const QString recordDir = QDir(dir).filePath(QStringLiteral("records"));
    if (!QDir().mkpath(recordDir))
        return Result<Manifest>::failure(QStringLiteral("%1: cannot create folder").arg(recordDir));
    Manifest m;
    m.source = QStringLiteral("synthetic");
    m.classCount = o.countsPerClass.empty() ? (o.includeOther ? kTargetClassCount + 1 : kTargetClassCount) : int(o.countsPerClass.size());
    std::vector<int> counts = o.countsPerClass;
    if (counts.empty()) {
        counts.assign(size_t(kTargetClassCount), o.recordsPerClass);
        if (o.includeOther)
            counts.push_back(o.recordsPerClass * std::max(1, o.otherFactor));
    }
    std::mt19937_64 rng(o.seed);
    const qint64 total = std::accumulate(counts.begin(), counts.end(), qint64(0));
    qint64 done = 0;
    for (int cls = 0; cls < m.classCount; ++cls) {
        const auto rhythms = rhythmsOfClass(cls);
        const int count = counts[size_t(cls)];
        for (int i = 0; i < count; ++i) {
            if (progress && progress->cancelled())
                return Result<Manifest>::failure(QStringLiteral("synthetic corpus: cancelled"));
            synth::Options so;
            so.rhythm = rhythms[size_t(i) % rhythms.size()];
            so.sampleRateHz = o.sampleRateHz;
            so.durationMs = o.durationMs;
            so.seed = o.seed * 1000003ULL + uint64_t(cls) * 100000ULL + uint64_t(i);
            so.noiseLevel = std::uniform_real_distribution<double>(0.3, 2.0)(rng);
            auto made = synth::generate(so);
            if (!made)
                return Result<Manifest>::failure(made.error());
            const QString base = QDir(recordDir).filePath(QStringLiteral("c%1_%2").arg(cls).arg(i, 5, 10, QLatin1Char('0')));
            if (auto written = io::writeWfdb(made->ecg, base); !written)
                return Result<Manifest>::failure(written.error());
            Entry e;
            e.path = base + QStringLiteral(".hea");
            e.patientId = made->ecg.patient.id;
            e.label = cls;
            e.codes << QStringLiteral("EcgScope:") + synth::toString(so.rhythm);
            m.entries.push_back(std::move(e));
            if (progress)
                progress->report(++done, total, QStringLiteral("generating records"));
        }
    }
    if (auto s = assignSplits(m, o.split); !s)
        return Result<Manifest>::failure(s.error());
    if (auto s = writeManifest(m, QDir(dir).filePath(QStringLiteral("manifest.csv"))); !s)
        return Result<Manifest>::failure(s.error());
    return m;
}

} // namespace ecgscope::dataset

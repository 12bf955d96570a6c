#pragma once

#include "core/dataset/manifest.h"
#include "core/progress.h"
#include "core/synth/generator.h"

namespace ecgscope::dataset {

struct SynthCorpusOptions {
    int recordsPerClass = 100;
    bool includeOther = true;     ///< add the seventh class (sinus rhythm, bradycardia, sinus arrhythmia, PACs)
    /// Records of "other" per record of a target class: on a worklist most ECGs are none of the six,
    /// and a larger share teaches the model so.
    int otherFactor = 1;
    /// Records of each class (6 or 7 numbers), overriding the two above: for imbalanced corpora like the
    /// clinical ones the paper describes.
    std::vector<int> countsPerClass;
    double sampleRateHz = 500.0;
    double durationMs = 10000.0;
    uint64_t seed = 1;            ///< every record's generator seed derives from it; other seeds = other patients
    SplitOptions split;           ///< patient-wise split assigned to the manifest
};

/// The generator rhythms that make up a class in the synthetic corpus.
std::vector<synth::Rhythm> rhythmsOfClass(int cls);

/// Writes `recordsPerClass` WFDB records per class under `dir/records/` and `dir/manifest.csv`.
/// Each record is a different simulated patient with its own noise level.
Result<Manifest> makeSyntheticCorpus(const QString &dir, const SynthCorpusOptions &options, Progress *progress = nullptr);

} // namespace ecgscope::dataset

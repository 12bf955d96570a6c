#pragma once

#include "core/dataset/classes.h"
#include "core/result.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace ecgscope::dataset {

/// One labelled record of a training set.
struct Entry {
    QString path;      ///< absolute path of the record file
    QString patientId; ///< records of one patient never go to two splits
    int label = -1;    ///< class index (TargetClass)
    QStringList codes; ///< the source codes the label came from, "system:code"
    QString split;     ///< "train", "val", "test", or empty before splitting
    int fold = 0;      ///< the dataset's own fold (PTB-XL strat_fold 1-10), 0 when it has none
    QString source;    ///< which dataset it came from in a merged manifest ("" = the manifest's only one)
    double weight = 1.0; ///< sampling weight in training: expected draws of the record per epoch
};

/// What an import saw: records read, and why others were left out.
struct ImportReport {
    int recordsSeen = 0;
    int excludedNoTargetClass = 0;
    int excludedSeveralClasses = 0;
    int excludedAmbiguous = 0; ///< only an ambiguous code (unspecified AV block, atrial tachycardia)
    QStringList failures; ///< "file: reason" for records that could not be read
    QString summary() const;
};

/// A labelled dataset: the manifest file the training commands take.
struct Manifest {
    QString source; ///< "ptbxl", "challenge", "csv", "synthetic"
    QString mappingVersion = QLatin1String(kMappingVersion);
    int classCount = kTargetClassCount; ///< 6, or 7 with "other"
    std::vector<Entry> entries;

    /// Per-class counts of each split, like the paper's Table 1.
    QString splitTable() const;
    /// Count of entries of each class in a split ("" = all).
    std::vector<int> classCounts(const QString &split = {}) const;
    /// Entries of a split ("" = all).
    std::vector<const Entry *> inSplit(const QString &split) const;
};

/// CSV with `# key: value` header lines (source, mapping, classes) and the columns
/// path, patient_id, label, split, fold, codes. Paths are stored relative to the manifest's folder.
Status writeManifest(const Manifest &manifest, const QString &path);
Result<Manifest> readManifest(const QString &path);

/// One dataset of a multi-source training set.
struct Source {
    Manifest manifest;
    QString name;        ///< recorded in every entry's `source`
    double weight = 1.0; ///< multiplies every entry's sampling weight
};

/// "PATH[:WEIGHT]" as `train --manifest` and `dataset merge` take it: the manifest read, named after
/// its file (or its folder, for a file called manifest.csv), with the weight (default 1).
Result<Source> readSource(const QString &spec);

/// One manifest of several sources: entries keep their splits and get their source's name and weight.
/// With `evaluationSource`, validation and test come from that source alone: the other sources' val and
/// test entries are left out (a model is then chosen and judged on that source's records only). The
/// sources must share a mapping version; the class count is the largest (6-class data fits a 7-class model).
Result<Manifest> mergeSources(const std::vector<Source> &sources, const QString &evaluationSource = {});

struct SplitOptions {
    double validationFraction = 0.15;
    double testFraction = 0.15;
    uint64_t seed = 1;
    bool useFolds = false; ///< the dataset's folds: 10 = test, 9 = validation, others = train (PTB-XL)
};

/// Patient-wise stratified split: each patient is stratified by their rarest class, and the patients of
/// each stratum are shuffled (deterministically for the seed) and cut by the fractions. No patient is
/// in two splits. With useFolds, the dataset's own folds decide instead.
Status assignSplits(Manifest &manifest, const SplitOptions &options);

} // namespace ecgscope::dataset

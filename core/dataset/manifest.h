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
};

/// What an import saw: records read, and why others were left out.
struct ImportReport {
    int recordsSeen = 0;
    int excludedNoTargetClass = 0;
    int excludedSeveralClasses = 0;
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

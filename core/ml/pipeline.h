#pragma once

#include "core/ml/classifier.h"
#include "core/progress.h"

#include <QStringList>

#include <functional>

namespace ecgscope::ml {

/// One file's outcome in classifyFiles.
struct FileOutcome {
    size_t index = 0; ///< position in the input list
    QString path;
    Result<Prediction> prediction = Result<Prediction>::failure(QString());
};

struct PipelineOptions {
    int workers = 0;       ///< threads reading and preparing files; 0: one per core but one (at least one)
    int batchWindows = 32; ///< windows per pass of the network
};

/// Classifies files as a pipeline, the one engine of `review classify`, `classify FILE...`, `evaluate`
/// and the GUI's Classify Worklist: `workers` threads read and prepare records (io::readEcg,
/// ml::prepare) while the calling thread passes their windows through the network in batches
/// (Classifier::classifyPrepared). `sink` gets every outcome on the calling thread, in input order,
/// a file that cannot be read or prepared as a failed prediction naming it. A bounded number of
/// records is in flight (a few batches), whatever the number of files, so memory stays flat. Stops
/// between batches once `progress` is cancelled; what was delivered stands.
/// @return the number of outcomes delivered
size_t classifyFiles(const Classifier &classifier, const QStringList &paths, const std::function<void(FileOutcome &&)> &sink,
                     const PipelineOptions &options = {}, Progress *progress = nullptr);

} // namespace ecgscope::ml

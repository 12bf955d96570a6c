#pragma once

#include "core/ml/training.h"

namespace ecgscope::ml {

/// A network measured on random inputs, for comparison with the same network run elsewhere.
struct NetBenchOptions {
    NetConfig net;
    int leads = 12;
    int classes = 7;
    int length = 1000;  ///< samples per lead
    int batch = 32;     ///< for throughput and training
    int repeats = 30;
    int trainSteps = 20;
    QString exportDir;  ///< when set: weights.pt, input.pt, logits.pt (torch.load-able pickles) for the Python side
};

struct NetBenchResult {
    double latencyMs = 0.0;      ///< batch 1, median
    double batchedMsPerEcg = 0.0; ///< at `batch`, median per ECG
    double trainSamplesPerSecond = 0.0; ///< Adam, cross-entropy, forward + backward + step, median step
    int parameters = 0;
};

/// Inference latency, batched throughput (eval mode, inference mode) and training throughput of a freshly
/// initialised network (seed 1) on seeded random batches (torch.manual_seed(1234)).
Result<NetBenchResult> benchmarkNet(const NetBenchOptions &options);

} // namespace ecgscope::ml

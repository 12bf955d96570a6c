#pragma once
// Private to core/ml: records to tensors.

#include "core/dataset/manifest.h"
#include "core/ml/contract.h"
#include "core/progress.h"

#include <torch/torch.h>

namespace ecgscope::ml {

/// The first window of every record of a split, as x [N, leads, samples], f [N, features],
/// y [N] (int64 class index) and w [N] (double: the records' sampling weights).
struct SplitTensors {
    torch::Tensor x;
    torch::Tensor f;
    torch::Tensor y;
    torch::Tensor w;
    int64_t size() const { return x.defined() ? x.size(0) : 0; }
};

/// With `shardCount` > 1, only shard `shardIndex` of the split: the records are shuffled with `seed`
/// and dealt round-robin, so the shards are disjoint, cover the split, and differ in size by at most one.
Result<SplitTensors> loadSplit(const dataset::Manifest &manifest, const QString &split, const InputContract &contract,
                               Progress *progress, int shardIndex = 0, int shardCount = 1, uint64_t seed = 0);

/// The windows of prepared records, one after another, as [windows, leads, samples] and [windows, features].
std::pair<torch::Tensor, torch::Tensor> windowsTensors(const std::vector<const Prepared *> &records, const InputContract &contract);

} // namespace ecgscope::ml

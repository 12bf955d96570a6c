#pragma once
// Private to core/ml: data-parallel training over LibTorch's c10d process groups (Gloo backend).

#include "core/ml/training.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/torch.h>

namespace ecgscope::ml {

/// One rank's connection to the others: a TCPStore rendezvous at the master address, then a Gloo process
/// group. Every collective has the configured timeout, so a rank that dies makes the others fail with an
/// error instead of hanging. Failures throw (c10::Error); the trainer converts them at its boundary.
class Communicator {
public:
    static Result<std::unique_ptr<Communicator>> connect(const DistributedConfig &config);

    int rank() const { return mRank; }
    int worldSize() const { return mWorld; }
    /// Averages the tensors over all ranks in place, packed into buckets of about `bucketElements`
    /// floats; the buckets' all-reduces run concurrently.
    void averageInPlace(const std::vector<torch::Tensor> &tensors, int64_t bucketElements = 1 << 20);
    /// Rank 0's values, everywhere.
    void broadcastFromRoot(torch::Tensor &tensor);
    int64_t minimum(int64_t value);
    void barrier();
    /// Seconds spent in collectives so far.
    double communicationSeconds() const { return mSeconds; }

private:
    Communicator() = default;
    c10::intrusive_ptr<c10d::Store> mStore;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> mGroup;
    int mRank = 0;
    int mWorld = 1;
    double mSeconds = 0.0;
};

} // namespace ecgscope::ml

#pragma once

#include <QString>

namespace ecgscope::ml {

/// LibTorch's version, intra-op thread count and parallel backend, for `--version` and bug reports.
QString runtimeInfo();

/// Sets LibTorch's intra-op thread count (`torch::set_num_threads`); 0 keeps the default (one per core).
/// Also keeps the BLAS library single-threaded (see limitBlasThreads).
void setThreadCount(int threads);

/// OpenBLAS starts its own thread pool, which fights LibTorch's threads for the cores: measured here,
/// a 10 s ECG took 57-92 ms end to end with 2 LibTorch threads instead of 9 ms. LibTorch parallelises
/// around its BLAS calls, so BLAS runs single-threaded. Idempotent; a no-op with another BLAS.
void limitBlasThreads();

} // namespace ecgscope::ml

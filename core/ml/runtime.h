#pragma once

#include <QString>

namespace ecgscope::ml {

/// LibTorch's version, intra-op thread count and parallel backend, for `--version` and bug reports.
QString runtimeInfo();

/// Sets LibTorch's intra-op thread count (`torch::set_num_threads`); 0 keeps the default (one per core).
void setThreadCount(int threads);

} // namespace ecgscope::ml

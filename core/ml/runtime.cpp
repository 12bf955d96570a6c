#include "core/ml/runtime.h"

#include <torch/torch.h>

namespace ecgscope::ml {

QString runtimeInfo()
{
    return QStringLiteral("LibTorch %1, %2 intra-op threads")
        .arg(QString::fromLatin1(TORCH_VERSION))
        .arg(torch::get_num_threads());
}

void setThreadCount(int threads)
{
    if (threads > 0)
        torch::set_num_threads(threads);
}

} // namespace ecgscope::ml

#include "core/ml/runtime.h"

#include <torch/torch.h>

#include <dlfcn.h>

namespace ecgscope::ml {

QString runtimeInfo()
{
    return QStringLiteral("LibTorch %1, %2 intra-op threads")
        .arg(QString::fromLatin1(TORCH_VERSION))
        .arg(torch::get_num_threads());
}

void setThreadCount(int threads)
{
    limitBlasThreads();
    if (threads > 0)
        torch::set_num_threads(threads);
}

void limitBlasThreads()
{
    // Looked up at run time: the BLAS behind libblas.so.3 is chosen by the system (alternatives).
    using SetThreads = void (*)(int);
    static const bool done = [] {
        if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
            set(1);
        return true;
    }();
    Q_UNUSED(done);
}

} // namespace ecgscope::ml

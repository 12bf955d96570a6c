#include "core/ml/tensors.h"

#include "core/io/reader.h"

#include <QtConcurrent/QtConcurrentMap>

#include <atomic>
#include <cstring>
#include <numeric>
#include <random>

namespace ecgscope::ml {

Result<SplitTensors> loadSplit(const dataset::Manifest &manifest, const QString &split, const InputContract &contract,
                               Progress *progress, int shardIndex, int shardCount, uint64_t seed)
{
    std::vector<const dataset::Entry *> entries = manifest.inSplit(split);
    if (shardCount > 1) {
        std::shuffle(entries.begin(), entries.end(), std::mt19937_64(seed));
        std::vector<const dataset::Entry *> shard;
        for (size_t i = size_t(shardIndex); i < entries.size(); i += size_t(shardCount))
            shard.push_back(entries[i]);
        entries = shard;
    }
    const int64_t n = int64_t(entries.size());
    const int64_t leads = contract.leads.size();
    SplitTensors t;
    const int64_t features = contract.features.size();
    t.x = torch::zeros({n, leads, contract.samples});
    t.f = torch::zeros({n, features});
    t.y = torch::zeros({n}, torch::kInt64);
    t.w = torch::ones({n}, torch::kDouble);
    if (n == 0)
        return t;
    // Reading and preparing records is independent per record: spread it over the cores.
    std::vector<QString> errors(static_cast<size_t>(n));
    std::atomic<qint64> done{0};
    std::vector<int64_t> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), 0);
    float *x = t.x.data_ptr<float>();
    float *f = t.f.data_ptr<float>();
    QtConcurrent::blockingMap(rows, [&](int64_t i) {
        if (progress && progress->cancelled())
            return;
        const dataset::Entry &e = *entries[size_t(i)];
        auto ecg = io::readEcg(e.path);
        if (!ecg) {
            errors[size_t(i)] = ecg.error();
            return;
        }
        auto prepared = prepare(ecg.value(), contract);
        if (!prepared) {
            errors[size_t(i)] = prepared.error();
            return;
        }
        const std::vector<float> &v = prepared->windows.front().values;
        std::memcpy(x + i * leads * contract.samples, v.data(), v.size() * sizeof(float));
        const std::vector<float> &fv = prepared->windows.front().features;
        std::memcpy(f + i * features, fv.data(), fv.size() * sizeof(float));
        if (progress)
            progress->report(++done, n, QStringLiteral("loading %1 records").arg(split));
    });
    if (progress && progress->cancelled())
        return Result<SplitTensors>::failure(QStringLiteral("loading cancelled"));
    for (const QString &e : errors) {
        if (!e.isEmpty())
            return Result<SplitTensors>::failure(e);
    }
    auto *y = t.y.data_ptr<int64_t>();
    auto *w = t.w.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) {
        y[i] = entries[size_t(i)]->label;
        w[i] = entries[size_t(i)]->weight;
    }
    return t;
}

std::pair<torch::Tensor, torch::Tensor> windowsTensors(const std::vector<const Prepared *> &records, const InputContract &contract)
{
    int64_t w = 0;
    for (const Prepared *p : records)
        w += int64_t(p->windows.size());
    const int64_t features = contract.features.size(), values = int64_t(contract.leads.size()) * contract.samples;
    torch::Tensor x = torch::empty({w, int64_t(contract.leads.size()), contract.samples});
    torch::Tensor f = torch::zeros({w, features});
    float *px = x.data_ptr<float>();
    float *pf = f.data_ptr<float>();
    for (const Prepared *p : records) {
        for (const Window &window : p->windows) {
            std::memcpy(px, window.values.data(), size_t(values) * sizeof(float));
            std::memcpy(pf, window.features.data(), window.features.size() * sizeof(float));
            px += values;
            pf += features;
        }
    }
    return {x, f};
}

} // namespace ecgscope::ml

#include "core/ml/pipeline.h"

#include "core/io/reader.h"

#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace ecgscope::ml {

namespace {

/// A record read and prepared by a worker, or why it could not be.
struct Ready {
    size_t index = 0;
    Result<Prepared> prepared = Result<Prepared>::failure(QString());
};

} // namespace

size_t classifyFiles(const Classifier &classifier, const QStringList &paths, const std::function<void(FileOutcome &&)> &sink,
                     const PipelineOptions &options, Progress *progress)
{
    const size_t total = size_t(paths.size());
    const int workers = options.workers > 0 ? options.workers : std::max(1, QThread::idealThreadCount() - 1);
    const size_t batch = size_t(std::max(1, options.batchWindows));
    // Records in flight: enough for the network to find a full batch while the workers fill the next.
    const size_t capacity = 2 * batch + size_t(workers);

    std::mutex lock;
    std::condition_variable changed;
    std::map<size_t, Ready> ready; // finished by the workers, not yet classified
    size_t nextToRead = 0, nextToDeliver = 0;
    bool stop = false;
    const auto worker = [&] {
        for (;;) {
            size_t i;
            {
                std::unique_lock<std::mutex> guard(lock);
                // Bounded: no worker runs further ahead of delivery than the capacity.
                changed.wait(guard, [&] { return stop || nextToRead >= total || nextToRead < nextToDeliver + capacity; });
                if (stop || nextToRead >= total)
                    return;
                i = nextToRead++;
            }
            Ready r;
            r.index = i;
            auto ecg = io::readEcg(paths[int(i)]);
            r.prepared = ecg ? prepare(ecg.value(), classifier.contract()) : Result<Prepared>::failure(ecg.error());
            const std::lock_guard<std::mutex> guard(lock);
            ready.emplace(i, std::move(r));
            changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < std::min<int>(workers, int(std::max<size_t>(total, 1))); ++w)
        threads.emplace_back(worker);

    size_t delivered = 0;
    while (delivered < total) {
        if (progress && progress->cancelled())
            break;
        // The next records in input order, as many as make a batch of windows (or all that remain).
        std::vector<Ready> next;
        {
            std::unique_lock<std::mutex> guard(lock);
            size_t windows = 0;
            while (windows < batch && next.size() < batch && nextToDeliver + next.size() < total) { // (unreadable files hold no windows)
                const size_t want = nextToDeliver + next.size();
                if (next.empty() || ready.count(want)) {
                    changed.wait(guard, [&] { return ready.count(want) > 0; });
                } else {
                    break; // classify what is here rather than wait for a full batch
                }
                Ready r = std::move(ready.at(want));
                ready.erase(want);
                windows += r.prepared ? r.prepared->windows.size() : 0;
                next.push_back(std::move(r));
            }
            nextToDeliver += next.size();
            changed.notify_all();
        }
        std::vector<const Prepared *> batchRecords;
        for (const Ready &r : next)
            if (r.prepared)
                batchRecords.push_back(&r.prepared.value());
        std::vector<Prediction> predictions = classifier.classifyPrepared(batchRecords);
        size_t k = 0;
        for (Ready &r : next) {
            FileOutcome o;
            o.index = r.index;
            o.path = paths[int(r.index)];
            o.prediction = r.prepared ? Result<Prediction>(std::move(predictions[k++])) : Result<Prediction>::failure(r.prepared.error());
            sink(std::move(o));
            ++delivered;
        }
        if (progress)
            progress->report(qint64(delivered), qint64(total), QStringLiteral("classifying"));
    }
    {
        const std::lock_guard<std::mutex> guard(lock);
        stop = true;
        changed.notify_all();
    }
    for (std::thread &t : threads)
        t.join();
    return delivered;
}

} // namespace ecgscope::ml

#pragma once

#include <QString>

namespace ecgscope {

/// How long-running core work (imports, corpus generation, training, batch classification) reports
/// progress and learns that it should stop. The GUI and CLI implement it; the core never calls them.
/// Implementations must be thread-safe: the work may run on a worker thread.
class Progress {
public:
    virtual ~Progress() = default;
    /// `done` of `total` steps of `what` are finished.
    virtual void report(qint64 done, qint64 total, const QString &what)
    {
        Q_UNUSED(done);
        Q_UNUSED(total);
        Q_UNUSED(what);
    }
    /// Polled between steps; true stops the work cleanly (finished parts are kept).
    virtual bool cancelled() const { return false; }
};

} // namespace ecgscope

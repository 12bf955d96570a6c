#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace ecgscope {

/// The outcome of a fallible call at a library boundary: a value, or a message that names the
/// file (where there is one) and what is wrong with it. Errors are values, never exceptions.
template <typename T> class Result {
public:
    Result(T value) : mValue(std::move(value)) {}
    static Result failure(QString message) { return Result(std::move(message), 0); }

    bool ok() const { return mValue.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *mValue; }
    T &value() & { return *mValue; }
    T &&value() && { return std::move(*mValue); }
    const T *operator->() const { return &*mValue; }
    T *operator->() { return &*mValue; }
    const QString &error() const { return mError; }

private:
    Result(QString message, int) : mError(std::move(message)) {}
    std::optional<T> mValue;
    QString mError;
};

/// For calls that return nothing on success.
struct Done {};
using Status = Result<Done>;
inline Status success() { return Done{}; }

} // namespace ecgscope

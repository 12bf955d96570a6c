#include "app/cli/console.h"

#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace ecgscope::cli {

namespace {
QString duration(double seconds)
{
    const int s = int(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1h%2m").arg(s / 3600).arg(s % 3600 / 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

ConsoleProgress::ConsoleProgress() : mTerminal(isatty(fileno(stderr)) != 0) { mClock.start(); }

void ConsoleProgress::report(qint64 done, qint64 total, const QString &what)
{
    QMutexLocker lock(&mMutex);
    if (what != mWhat) {
        if (mOpenLine)
            QTextStream(stderr) << '\n';
        mOpenLine = false;
        mWhat = what;
        mLastDecile = -1;
        mClock.restart();
    }
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    const int decile = int(fraction * 10);
    if (!mTerminal && decile == mLastDecile)
        return;
    mLastDecile = decile;
    const double elapsed = mClock.elapsed() / 1000.0;
    const double eta = fraction > 0 ? elapsed / fraction - elapsed : 0.0;
    const int width = 30;
    const QString bar = QString(int(fraction * width), QLatin1Char('#')).leftJustified(width, QLatin1Char('.'));
    QTextStream err(stderr);
    err << (mTerminal ? "\r" : "") << what << " [" << bar << "] " << done << '/' << total << "  " << duration(elapsed)
        << " elapsed, ETA " << duration(eta) << (mTerminal ? "" : "\n");
    mOpenLine = mTerminal;
}

void ConsoleProgress::epochFinished(const ml::EpochReport &r)
{
    QMutexLocker lock(&mMutex);
    QTextStream err(stderr);
    if (mOpenLine)
        err << '\n';
    mOpenLine = false;
    err << r.stage << " epoch " << r.epoch << '/' << r.epochs << ": loss " << QString::number(r.trainLoss, 'f', 4) << ", validation macro-F1 "
        << QString::number(r.validationMacroF1, 'f', 3) << ", lr " << QString::number(r.learningRate, 'g', 3) << ", "
        << QString::number(r.seconds, 'f', 1) << " s\n";
}

void ConsoleProgress::finish()
{
    QMutexLocker lock(&mMutex);
    if (mOpenLine)
        QTextStream(stderr) << '\n';
    mOpenLine = false;
}

} // namespace ecgscope::cli

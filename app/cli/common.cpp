#include "app/cli/command.h"
#include "core/io/reader.h"

#include <QCommandLineParser>

#include <QTextStream>

namespace ecgscope::cli {

int fail(const QString &message)
{
    QTextStream(stderr) << "ecgscope-cli: " << message << '\n';
    return 1;
}

void addInputOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("input-rate"), QStringLiteral("Text input: the sampling rate in Hz, when the file does not say it."), QStringLiteral("HZ")});
    parser.addOption({QStringLiteral("input-units"), QStringLiteral("Text input: uV, mV, or the µV per stored unit (e.g. 5), when the file does not say them."),
                      QStringLiteral("UNITS")});
    parser.addOption({QStringLiteral("input-leads"), QStringLiteral("Text input: the columns' lead names, comma-separated, when the file has no header line."),
                      QStringLiteral("NAMES")});
}

bool inputOptions(const QCommandLineParser &parser, io::ReadOptions &options, QString &error)
{
    bool ok = true;
    if (parser.isSet(QStringLiteral("input-rate"))) {
        options.text.rateHz = parser.value(QStringLiteral("input-rate")).toDouble(&ok);
        if (!ok || !(options.text.rateHz > 0.0)) {
            error = QStringLiteral("--input-rate must be a positive number of Hz, not '%1'").arg(parser.value(QStringLiteral("input-rate")));
            return false;
        }
    }
    if (parser.isSet(QStringLiteral("input-units"))) {
        const QString u = parser.value(QStringLiteral("input-units"));
        options.text.microvoltsPerUnit = u.compare(QLatin1String("uV"), Qt::CaseInsensitive) == 0 ? 1.0
                                         : u.compare(QLatin1String("mV"), Qt::CaseInsensitive) == 0 ? 1000.0
                                                                                                    : u.toDouble(&ok);
        if (!ok || !(options.text.microvoltsPerUnit > 0.0)) {
            error = QStringLiteral("--input-units must be uV, mV or the µV per unit, not '%1'").arg(u);
            return false;
        }
    }
    if (parser.isSet(QStringLiteral("input-leads")))
        options.text.leads = parser.value(QStringLiteral("input-leads")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    return true;
}

} // namespace ecgscope::cli

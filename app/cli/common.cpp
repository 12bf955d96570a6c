#include "app/cli/command.h"

#include <QTextStream>

namespace ecgscope::cli {

int fail(const QString &message)
{
    QTextStream(stderr) << "ecgscope-cli: " << message << '\n';
    return 1;
}

} // namespace ecgscope::cli

// ecgscope: the desktop application. Opens FILE, or the bundled sample ECG when none is given.
#include "core/paths.h"
#include "ui/ecgview.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstring>
#include <memory>

namespace {

void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("EcgScope"));
    QCoreApplication::setOrganizationName(QStringLiteral("EcgScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ECGSCOPE_VERSION));
}

/// --help and --version print and exit like any command-line program: without a display.
bool asksForHelpOrVersion(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char *flag : {"-h", "-?", "--help", "--help-all", "-v", "--version"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    std::unique_ptr<QCoreApplication> app;
    if (asksForHelpOrVersion(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    nameApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Clinical ECG review and arrhythmia classification."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render the window to a PNG file and exit."),
                                        QStringLiteral("png"));
    parser.addOption(screenshot);
    QStringList layoutNames;
    for (ecgscope::ui::Layout l : ecgscope::ui::allLayouts())
        layoutNames << ecgscope::ui::toString(l);
    const QCommandLineOption layout(QStringLiteral("layout"), QStringLiteral("Sheet layout: %1.").arg(layoutNames.join(QStringLiteral(", "))),
                                    QStringLiteral("layout"));
    parser.addOption(layout);
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("Open a study database in the worklist."), QStringLiteral("db"));
    parser.addOption(database);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("ECG file to open (default: bundled sample)."));
    parser.process(*app);

    const QString path = parser.positionalArguments().value(0, ecgscope::bundledSamplePath());
    ecgscope::ui::MainWindow window;
    if (parser.isSet(layout)) {
        const int index = layoutNames.indexOf(parser.value(layout));
        if (index < 0) {
            qCritical("unknown layout '%s' (use one of: %s)", qPrintable(parser.value(layout)), qPrintable(layoutNames.join(QStringLiteral(", "))));
            return 2;
        }
        ecgscope::ui::PaperSettings paper = window.view()->paper();
        paper.layout = ecgscope::ui::allLayouts()[size_t(index)];
        window.view()->setPaper(paper);
    }
    if (parser.isSet(database)) {
        const QString error = window.openDatabase(parser.value(database));
        if (!error.isEmpty()) {
            qCritical("%s", qPrintable(error));
            return 1;
        }
    }
    window.show();
    const bool loaded = window.openFile(path);
    if (!loaded)
        qWarning("%s", qPrintable(window.errorString()));
    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        QTimer::singleShot(300, &window, [&window, out, loaded] {
            const bool saved = window.grab().save(out);
            QApplication::exit(saved && loaded ? 0 : 1);
        });
    }
    return app->exec();
}

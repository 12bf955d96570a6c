#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/ml/classifier.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QTextStream>

namespace ecgscope::cli {

int runCalibrate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Fit a model's temperature and per-class decision thresholds on labelled records (a manifest's validation split) "
                                               "and store them in its model card."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("manifest"), QStringLiteral("Manifest CSV[:W], repeatable (see train)."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("val-source"), QStringLiteral("Several manifests: validation records of this source only."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("split"), QStringLiteral("Split to fit on (default val; never the test split you report)."), QStringLiteral("SPLIT"), QStringLiteral("val")});
    p.addOption({QStringLiteral("thresholds"), QStringLiteral("f1 (default), precision:P or none."), QStringLiteral("RULE"), QStringLiteral("f1")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Write the calibrated model to this new folder instead of changing --model in place."),
                 QStringLiteral("DIR")});
    p.process(args);
    if (!p.isSet(QStringLiteral("manifest")))
        return fail(QStringLiteral("calibrate: --manifest is required (see --help)"));
    auto rule = ml::ThresholdRule::fromName(p.value(QStringLiteral("thresholds")));
    if (!rule)
        return fail(rule.error());
    auto manifest = trainingManifest(p);
    if (!manifest)
        return fail(manifest.error());
    QString dir = modelDirOption(p);
    if (p.isSet(QStringLiteral("output"))) {
        // A copy of every file of the model folder: the weights keep their checksums.
        const QString out = p.value(QStringLiteral("output"));
        if (!QDir().mkpath(out))
            return fail(QStringLiteral("%1: cannot create folder").arg(out));
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            QFile::remove(QDir(out).filePath(name));
            if (!QFile::copy(QDir(dir).filePath(name), QDir(out).filePath(name)))
                return fail(QStringLiteral("%1: cannot copy %2").arg(out, name));
        }
        dir = out;
    }
    auto classifier = ml::Classifier::load(dir);
    if (!classifier)
        return fail(classifier.error());
    ml::Classifier &model = *classifier.value();
    const ml::Calibration before = model.calibration();
    model.setCalibration({}); // fitted on the network's own probabilities
    const QString split = p.value(QStringLiteral("split"));
    ConsoleProgress progress;
    auto raw = model.score(manifest.value(), split, &progress);
    progress.finish();
    if (!raw)
        return fail(raw.error());
    if (raw->truth.empty())
        return fail(QStringLiteral("calibrate: the %1 split has no records").arg(split));
    const QStringList names = model.classNames();
    ml::Calibration c = ml::calibrate(raw->probabilities, raw->truth, rule.value(), model.otherClass());
    c.data = QStringLiteral("%1 split of %2").arg(split, manifest->source);
    if (Status s = ml::writeCalibration(dir, c); !s)
        return fail(s.error());
    QTextStream out(stdout);
    out << "model " << model.modelId() << " in " << QDir(dir).absolutePath() << " (temperature before: " << QString::number(before.temperature, 'f', 3) << ")\n"
        << c.records << " records: " << c.summary(names) << '\n';
    return 0;
}

} // namespace ecgscope::cli

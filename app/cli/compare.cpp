#include "app/cli/command.h"
#include "app/cli/trainoptions.h"
#include "core/dsp/serial.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace ecgscope::cli {

namespace {

QJsonValue number(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

} // namespace

int runCompare(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Compare a new ECG with a prior one of the same patient: EcgScope's measurements of both and "
                                               "their changes (highlighted beyond stated limits), the devices' statements, the model's class."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    addInputOptions(p);
    p.addPositionalArgument(QStringLiteral("old"), QStringLiteral("The prior ECG."));
    p.addPositionalArgument(QStringLiteral("new"), QStringLiteral("The new ECG."));
    p.process(args);
    if (p.positionalArguments().size() != 2)
        return fail(QStringLiteral("compare: expected OLD and NEW (see --help)"));
    io::ReadOptions input;
    if (QString error; !inputOptions(p, input, error))
        return fail(QStringLiteral("compare: ") + error);
    std::vector<Ecg> ecgs;
    for (const QString &file : p.positionalArguments()) {
        auto ecg = io::readEcg(file, input);
        if (!ecg)
            return fail(ecg.error());
        ecgs.push_back(std::move(ecg).value());
    }
    const auto changes = dsp::compareMeasurements(dsp::measureIntervals(ecgs[0]), dsp::measureIntervals(ecgs[1]));
    // The model's class of each, where a model loads; a new arrhythmia class is highlighted.
    QStringList classes;
    std::vector<std::optional<std::pair<int, float>>> decided(2);
    QString modelId, modelFlag;
    if (auto model = ml::Classifier::load(modelDirOption(p))) {
        modelId = model.value()->modelId();
        classes = model.value()->classNames();
        for (size_t i = 0; i < 2; ++i)
            if (auto r = model.value()->classify(ecgs[i]))
                decided[i] = std::make_pair(r->topClass, r->probabilities[size_t(r->topClass)]);
        if (decided[0] && decided[1])
            modelFlag = dsp::newClassFlag(decided[0]->first, decided[1]->first, classes, model.value()->otherClass());
    }
    const QStringList flags = dsp::changeFlags(changes, modelFlag);
    const bool samePatient = ecgs[0].patient.id.isEmpty() || ecgs[1].patient.id.isEmpty() || ecgs[0].patient.id == ecgs[1].patient.id;
    QTextStream out(stdout);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray rows;
        for (const dsp::SerialChange &c : changes)
            rows.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("unit"), c.unit}, {QStringLiteral("old"), number(c.before)},
                                    {QStringLiteral("new"), number(c.after)}, {QStringLiteral("change"), number(c.change)}, {QStringLiteral("flag"), c.flag}});
        QJsonArray records;
        for (size_t i = 0; i < 2; ++i) {
            QJsonObject r{{QStringLiteral("file"), ecgs[i].sourcePath}, {QStringLiteral("acquired"), ecgs[i].acquisition.start.toString(Qt::ISODate)},
                          {QStringLiteral("statements"), QJsonArray::fromStringList(ecgs[i].statements)}};
            if (decided[i])
                r.insert(QStringLiteral("model_class"), classes[decided[i]->first]), r.insert(QStringLiteral("probability"), double(decided[i]->second));
            records.append(r);
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("old"), records[0]}, {QStringLiteral("new"), records[1]}, {QStringLiteral("measurements"), rows},
                                         {QStringLiteral("model_id"), modelId}, {QStringLiteral("flags"), QJsonArray::fromStringList(flags)},
                                         {QStringLiteral("same_patient"), samePatient}})
                   .toJson();
        return 0;
    }
    const QString labels[] = {QStringLiteral("old"), QStringLiteral("new")};
    for (size_t i = 0; i < 2; ++i)
        out << labels[i] << ":  " << ecgs[i].sourcePath
            << (ecgs[i].acquisition.start.isValid() ? QStringLiteral(" (%1)").arg(ecgs[i].acquisition.start.toString(Qt::ISODate)) : QString()) << '\n';
    if (!samePatient)
        out << "warning: the patient IDs differ (" << ecgs[0].patient.id << ", " << ecgs[1].patient.id << ")\n";
    out << QStringLiteral("%1 %2 %3 %4").arg(QString(), -12).arg(QStringLiteral("old"), 8).arg(QStringLiteral("new"), 8).arg(QStringLiteral("change"), 8) << '\n';
    for (const dsp::SerialChange &c : changes)
        out << QStringLiteral("%1 %2 %3 %4").arg(QStringLiteral("%1 (%2)").arg(c.name, c.unit), -12).arg(dsp::serialText(c.before), 8).arg(dsp::serialText(c.after), 8).arg(dsp::serialText(c.change, true), 8)
            << (c.flag.isEmpty() ? QString() : QStringLiteral("   ! ") + c.flag) << '\n';
    for (size_t i = 0; i < 2; ++i) {
        for (const QString &s : ecgs[i].statements)
            out << "statement, " << labels[i] << ": " << s << '\n';
        if (decided[i])
            out << "model, " << labels[i] << ": " << classes[decided[i]->first] << ' ' << QString::number(decided[i]->second, 'f', 2) << '\n';
    }
    if (!modelFlag.isEmpty())
        out << "   ! " << modelFlag << '\n';
    return 0;
}

} // namespace ecgscope::cli

#include "app/cli/command.h"
#include "app/cli/console.h"
#include "core/dataset/importers.h"
#include "core/dataset/synthcorpus.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ecgscope::cli {

namespace {

void addSplitOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("folds"), QStringLiteral("Use the dataset's own folds (PTB-XL strat_fold: 1-8 train, 9 val, 10 test).")});
    p.addOption({QStringLiteral("val"), QStringLiteral("Validation fraction of patients (default 0.15)."), QStringLiteral("F"), QStringLiteral("0.15")});
    p.addOption({QStringLiteral("test"), QStringLiteral("Test fraction of patients (default 0.15)."), QStringLiteral("F"), QStringLiteral("0.15")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the split (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
}

dataset::SplitOptions splitOptions(const QCommandLineParser &p)
{
    dataset::SplitOptions s;
    s.useFolds = p.isSet(QStringLiteral("folds"));
    s.validationFraction = p.value(QStringLiteral("val")).toDouble();
    s.testFraction = p.value(QStringLiteral("test")).toDouble();
    s.seed = p.value(QStringLiteral("seed")).toULongLong();
    return s;
}

int runImport(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Import a labelled dataset into a manifest (CSV) with patient-wise splits.\n"
                                               "Formats: ptbxl (folder with ptbxl_database.csv), challenge (CinC-style WFDB folder, #Dx SNOMED codes), "
                                               "csv (a folder of ECG files and --labels CSV with columns file,label[,patient_id][,split])."));
    p.addHelpOption();
    p.addOption({QStringLiteral("format"), QStringLiteral("ptbxl, challenge or csv."), QStringLiteral("FORMAT")});
    p.addOption({QStringLiteral("labels"), QStringLiteral("csv format: the label file."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("rate"), QStringLiteral("ptbxl: 100 or 500 Hz records (default 500)."), QStringLiteral("HZ"), QStringLiteral("500")});
    p.addOption({QStringLiteral("other"), QStringLiteral("Keep records with none of the six classes as a seventh class 'Other'.")});
    p.addOption({QStringLiteral("keep-rarer"), QStringLiteral("A record with two of the six classes keeps the rarer one (default: excluded).")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Manifest to write."), QStringLiteral("CSV")});
    addSplitOptions(p);
    p.addPositionalArgument(QStringLiteral("source"), QStringLiteral("Dataset folder."));
    p.process(args);
    if (p.positionalArguments().size() != 1 || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("dataset import: expected SOURCE and -o MANIFEST (see --help)"));
    const QString source = p.positionalArguments().front();
    dataset::MappingOptions mapping{p.isSet(QStringLiteral("other")), p.isSet(QStringLiteral("keep-rarer"))};
    dataset::ImportReport report;
    const QString format = p.value(QStringLiteral("format"));
    Result<dataset::Manifest> m = Result<dataset::Manifest>::failure(QStringLiteral("dataset import: --format must be ptbxl, challenge or csv"));
    if (format == QLatin1String("ptbxl"))
        m = dataset::importPtbXl(source, p.value(QStringLiteral("rate")).toInt(), mapping, report);
    else if (format == QLatin1String("challenge"))
        m = dataset::importChallengeFolder(source, mapping, report);
    else if (format == QLatin1String("csv"))
        m = p.isSet(QStringLiteral("labels")) ? dataset::importLabelCsv(source, p.value(QStringLiteral("labels")), mapping, report)
                                              : Result<dataset::Manifest>::failure(QStringLiteral("dataset import: csv format needs --labels CSV"));
    if (!m)
        return fail(m.error());
    // A label file may bring its own split; otherwise split here.
    const bool presplit = std::all_of(m->entries.begin(), m->entries.end(), [](const dataset::Entry &e) { return !e.split.isEmpty(); });
    if (!presplit || m->entries.empty()) {
        if (auto s = dataset::assignSplits(m.value(), splitOptions(p)); !s)
            return fail(s.error());
    }
    if (auto s = dataset::writeManifest(m.value(), p.value(QStringLiteral("output"))); !s)
        return fail(s.error());
    QTextStream out(stdout);
    out << report.summary() << '\n';
    for (const QString &f : report.failures.mid(0, 20))
        out << "  unreadable: " << f << '\n';
    if (report.failures.size() > 20)
        out << "  ... and " << report.failures.size() - 20 << " more\n";
    out << m->entries.size() << " records in " << p.value(QStringLiteral("output")) << "\n\n" << m->splitTable();
    return 0;
}

int runSynthCorpus(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Generate a synthetic training corpus (WFDB records + manifest.csv) with the project's generator."));
    p.addHelpOption();
    p.addOption({QStringLiteral("per-class"), QStringLiteral("Records per class (default 100)."), QStringLiteral("N"), QStringLiteral("100")});
    p.addOption({QStringLiteral("no-other"), QStringLiteral("Only the six classes, no 'Other'.")});
    p.addOption({QStringLiteral("counts"), QStringLiteral("Records of each class, e.g. 300,100,60,400,400,200,600 (overrides --per-class)."), QStringLiteral("N,N,...")});
    p.addOption({QStringLiteral("other-factor"), QStringLiteral("Records of 'Other' per record of a target class (default 1)."), QStringLiteral("K"), QStringLiteral("1")});
    p.addOption({QStringLiteral("rate"), QStringLiteral("Sampling rate in Hz (default 500)."), QStringLiteral("HZ"), QStringLiteral("500")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output folder."), QStringLiteral("DIR")});
    addSplitOptions(p);
    p.process(args);
    if (!p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("dataset synth: -o DIR is required"));
    dataset::SynthCorpusOptions o;
    o.recordsPerClass = p.value(QStringLiteral("per-class")).toInt();
    o.includeOther = !p.isSet(QStringLiteral("no-other"));
    o.otherFactor = p.value(QStringLiteral("other-factor")).toInt();
    for (const QString &n : p.value(QStringLiteral("counts")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        o.countsPerClass.push_back(n.toInt());
    o.sampleRateHz = p.value(QStringLiteral("rate")).toDouble();
    o.split = splitOptions(p);
    o.seed = o.split.seed;
    ConsoleProgress progress;
    auto m = dataset::makeSyntheticCorpus(p.value(QStringLiteral("output")), o, &progress);
    progress.finish();
    if (!m)
        return fail(m.error());
    QTextStream(stdout) << m->entries.size() << " records in " << p.value(QStringLiteral("output")) << "/manifest.csv\n\n" << m->splitTable();
    return 0;
}

int runTable(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Print the per-class counts of each split of a manifest (the paper's Table 1)."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("manifest"), QStringLiteral("Manifest CSV."));
    p.process(args);
    if (p.positionalArguments().size() != 1)
        return fail(QStringLiteral("dataset table: expected MANIFEST"));
    auto m = dataset::readManifest(p.positionalArguments().front());
    if (!m)
        return fail(m.error());
    QTextStream(stdout) << m->splitTable();
    return 0;
}

int runMerge(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Merge manifests of several sources into one (entries keep their splits; each gets its source's name and sampling weight)."));
    p.addHelpOption();
    p.addOption({QStringLiteral("val-source"), QStringLiteral("Keep validation and test records of this source only."), QStringLiteral("NAME")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Manifest to write."), QStringLiteral("CSV")});
    p.addPositionalArgument(QStringLiteral("manifests"), QStringLiteral("Manifests, each optionally with a sampling weight: PATH:W."), QStringLiteral("CSV[:W]..."));
    p.process(args);
    if (p.positionalArguments().isEmpty() || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("dataset merge: expected MANIFEST... and -o OUTPUT (see --help)"));
    std::vector<dataset::Source> sources;
    for (const QString &spec : p.positionalArguments()) {
        auto s = dataset::readSource(spec);
        if (!s)
            return fail(s.error());
        sources.push_back(std::move(s).value());
    }
    auto m = dataset::mergeSources(sources, p.value(QStringLiteral("val-source")));
    if (!m)
        return fail(m.error());
    if (auto s = dataset::writeManifest(m.value(), p.value(QStringLiteral("output"))); !s)
        return fail(s.error());
    QTextStream(stdout) << m->source << '\n' << m->entries.size() << " records in " << p.value(QStringLiteral("output")) << "\n\n" << m->splitTable();
    return 0;
}

} // namespace

int runDataset(const QStringList &args)
{
    const QString sub = args.value(1);
    QStringList rest = args.mid(2);
    rest.prepend(args.value(0) + QLatin1Char(' ') + sub);
    if (sub == QLatin1String("import"))
        return runImport(rest);
    if (sub == QLatin1String("synth"))
        return runSynthCorpus(rest);
    if (sub == QLatin1String("table"))
        return runTable(rest);
    if (sub == QLatin1String("merge"))
        return runMerge(rest);
    if (sub == QLatin1String("mapping")) {
        QTextStream(stdout) << dataset::mappingTable();
        return 0;
    }
    const bool help = sub == QLatin1String("--help") || sub == QLatin1String("-h");
    QTextStream(help ? stdout : stderr)
        << "Usage: ecgscope-cli dataset <import|synth|merge|table|mapping> [options]\n"
           "  import   import PTB-XL, a CinC-style WFDB folder or a folder + label CSV into a manifest\n"
           "  synth    generate a synthetic training corpus\n"
           "  merge    several manifests (with sampling weights) into one\n"
           "  table    per-class counts of each split of a manifest\n"
           "  mapping  the source-code to class mapping in use\n";
    return help ? 0 : 2;
}

} // namespace ecgscope::cli

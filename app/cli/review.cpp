#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/dataset/classes.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/ml/pipeline.h"
#include "core/store/studydb.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ecgscope::cli {

namespace {

/// The class a user names: 1-7 or a class name ("AF/AFL", "Other").
std::optional<int> parseClass(const QString &text)
{
    bool number = false;
    const int n = text.toInt(&number);
    if (number)
        return n >= 1 && n <= dataset::kTargetClassCount + 1 ? std::optional<int>(n - 1) : std::nullopt;
    for (int c = 0; c <= dataset::kTargetClassCount; ++c)
        if (dataset::className(c).compare(text, Qt::CaseInsensitive) == 0)
            return c;
    return std::nullopt;
}

} // namespace

int runReview(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "The study database of the review workflow (SQLite). Actions:\n"
        "  import DB PATH...            add files and folders (recursively); duplicates are skipped, unreadable files listed\n"
        "  classify DB [--commit-every N]  classify every record without a prediction of the model (a transaction per N records)\n"
        "  list DB                      the worklist (--flagged: flagged and unreviewed only)\n"
        "  confirm|reject DB ID         review a record (--user, --comment)\n"
        "  relabel DB CLASS ID...       set the label of records (1-7 or a class name) in one transaction (--user, --reason)\n"
        "  history DB [ID]              the audit trail\n"
        "  export-labels DB CSV         labels and reviews as CSV (--deidentify)\n"
        "  export-training DB FOLDER    labelled records + manifest.csv for `train` (--deidentify)\n"
        "Exports are owner-only files and audited (--user, else the system's user name)."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("user"), QStringLiteral("Who makes the change (recorded in the audit trail)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("comment"), QStringLiteral("Review comment."), QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("reason"), QStringLiteral("Why (recorded in the audit trail)."), QStringLiteral("TEXT"), QStringLiteral("relabel")});
    p.addOption({QStringLiteral("flagged"), QStringLiteral("list: flagged, unreviewed records only.")});
    p.addOption({QStringLiteral("commit-every"), QStringLiteral("classify: records per transaction (default 64)."), QStringLiteral("N"), QStringLiteral("64")});
    p.addOption({QStringLiteral("deidentify"),
                 QStringLiteral("Exports: remove patient data (names, birth dates, institution, authors, typed comments; IDs become pseudonyms keyed by "
                                "the database's secret key; dates removed).")});
    p.addOption({QStringLiteral("shift-dates"), QStringLiteral("With --deidentify: shift dates per patient instead of removing them.")});
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("See above."));
    p.process(args);
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 2)
        return fail(QStringLiteral("review: expected ACTION DB (see --help)"));
    const QString action = pos[0];
    auto opened = store::StudyDatabase::open(pos[1]);
    if (!opened)
        return fail(opened.error());
    store::StudyDatabase &db = *opened.value();
    for (const QString &warning : db.warnings())
        QTextStream(stderr) << "ecgscope-cli: warning: " << warning << '\n';
    QTextStream out(stdout);
    const QString user = p.value(QStringLiteral("user"));
    const bool needsUser = action == QLatin1String("confirm") || action == QLatin1String("reject") || action == QLatin1String("relabel");
    if (needsUser && user.isEmpty())
        return fail(QStringLiteral("review %1: --user NAME is required (every change records who made it)").arg(action));
    const auto loadModel = [&p]() { return ml::Classifier::load(modelDirOption(p)); };

    if (action == QLatin1String("import")) {
        ConsoleProgress progress;
        auto report = db.importPaths(pos.mid(2), &progress);
        if (!report)
            return fail(report.error());
        out << report->added << " added, " << report->duplicates << " duplicates skipped, " << report->failures.size() << " unreadable\n";
        for (const QString &f : report->failures)
            out << "  unreadable: " << f << '\n';
        return 0;
    }
    if (action == QLatin1String("classify")) {
        auto classifier = loadModel();
        if (!classifier)
            return fail(classifier.error());
        const QString modelId = classifier.value()->modelId();
        auto rows = db.worklist(modelId);
        if (!rows)
            return fail(rows.error());
        QStringList paths;
        std::vector<qint64> ids;
        for (const store::WorklistRow &r : rows.value()) {
            if (r.modelId.isEmpty()) {
                paths << r.path;
                ids.push_back(r.id);
            }
        }
        // Predictions are committed a batch at a time: one transaction per --commit-every records (a killed
        // run loses at most the batch it was writing).
        const size_t commitEvery = size_t(std::max(1, p.value(QStringLiteral("commit-every")).toInt()));
        int done = 0, failures = 0;
        std::vector<store::StudyDatabase::NewPrediction> pending;
        const auto flush = [&] {
            if (pending.empty())
                return;
            if (Status s = db.setPredictions(modelId, pending); !s) {
                failures += int(pending.size());
                QTextStream(stderr) << "ecgscope-cli: " << s.error() << '\n';
            } else {
                done += int(pending.size());
            }
            pending.clear();
        };
        ml::classifyFiles(*classifier.value(), paths, [&](ml::FileOutcome &&o) {
            if (!o.prediction) {
                ++failures;
                QTextStream(stderr) << "ecgscope-cli: " << o.prediction.error() << '\n';
                return;
            }
            pending.push_back({ids[o.index], o.prediction->probabilities, o.prediction->topClass});
            if (pending.size() >= commitEvery)
                flush();
        });
        flush();
        out << done << " classified with " << modelId << (failures ? QStringLiteral(", %1 failed").arg(failures) : QString()) << '\n';
        return failures ? 1 : 0;
    }
    if (action == QLatin1String("list")) {
        auto classifier = loadModel();
        if (classifier)
            db.setModelThresholds(classifier.value()->calibration().thresholds);
        auto rows = db.worklist(classifier ? classifier.value()->modelId() : QString());
        if (!rows)
            return fail(rows.error());
        out << "id\tpatient\tmodel\tp\tflag\treview\tlabel\tfile\n";
        for (const store::WorklistRow &r : rows.value()) {
            const bool flagged = db.isFlagged(r);
            if (p.isSet(QStringLiteral("flagged")) && !(flagged && r.state.status == store::ReviewStatus::Unreviewed))
                continue;
            out << r.id << '\t' << r.patientId << '\t' << (r.modelClass >= 0 ? dataset::className(r.modelClass) : QStringLiteral("-")) << '\t'
                << (r.modelClass >= 0 ? QString::number(r.modelProbability, 'f', 2) : QStringLiteral("-")) << '\t' << (flagged ? "flagged" : "-") << '\t'
                << store::toString(r.state.status) << '\t'
                << (r.state.label ? QStringLiteral("%1 (%2)").arg(dataset::className(*r.state.label), r.state.labelOrigin) : QStringLiteral("-")) << '\t'
                << r.path << '\n';
        }
        return 0;
    }
    if (action == QLatin1String("confirm") || action == QLatin1String("reject") || action == QLatin1String("relabel")) {
        const bool relabel = action == QLatin1String("relabel");
        const std::optional<int> cls = relabel ? parseClass(pos.value(2)) : std::nullopt;
        if (relabel && !cls)
            return fail(QStringLiteral("review relabel: '%1' is not a class (1-7 or a name such as AF/AFL)").arg(pos.value(2)));
        std::vector<std::pair<qint64, store::ReviewState>> states;
        for (const QString &id : pos.mid(relabel ? 3 : 2)) {
            auto s = db.state(id.toLongLong());
            if (!s)
                return fail(s.error());
            store::ReviewState next = s.value();
            next.reviewer = user;
            next.comment = p.value(QStringLiteral("comment"));
            if (relabel)
                next.relabel(*cls, user);
            else
                next.status = action == QLatin1String("confirm") ? store::ReviewStatus::Confirmed : store::ReviewStatus::Rejected;
            states.emplace_back(id.toLongLong(), next);
        }
        if (states.empty())
            return fail(QStringLiteral("review %1: expected record IDs").arg(action));
        if (Status s = db.setStates(states, user, relabel ? p.value(QStringLiteral("reason")) : action); !s)
            return fail(s.error());
        out << states.size() << " record(s) " << action << (action.endsWith(QLatin1Char('e')) ? "d" : "ed") << '\n';
        return 0;
    }
    if (action == QLatin1String("history")) {
        auto history = db.history(pos.value(2).toLongLong());
        if (!history)
            return fail(history.error());
        for (const store::AuditEntry &e : history.value())
            out << e.at.toString(Qt::ISODateWithMs) << '\t' << e.record << '\t' << e.who << '\t' << e.field << '\t' << e.oldValue << " -> " << e.newValue
                << '\t' << e.reason << '\n';
        return 0;
    }
    if (action == QLatin1String("export-labels") || action == QLatin1String("export-training")) {
        if (pos.size() != 3)
            return fail(QStringLiteral("review %1: expected DB and an output path").arg(action));
        auto classifier = loadModel();
        store::ExportOptions options;
        options.deidentify = p.isSet(QStringLiteral("deidentify"));
        options.dates = p.isSet(QStringLiteral("shift-dates")) ? DateHandling::Shift : DateHandling::Remove;
        options.who = user;
        const Status s = action == QLatin1String("export-labels")
                             ? db.exportLabelsCsv(pos[2], classifier ? classifier.value()->modelId() : QString(), options)
                             : db.exportTrainingSet(pos[2], options);
        if (!s)
            return fail(s.error());
        out << "wrote " << pos[2] << '\n';
        return 0;
    }
    return fail(QStringLiteral("review: unknown action '%1' (see --help)").arg(action));
}

} // namespace ecgscope::cli

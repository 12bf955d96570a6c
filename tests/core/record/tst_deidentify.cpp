// De-identification as a curator relies on it: every real sample and the project's own records through
// every writer and export with de-identification on; the outputs' bytes (and DCMTK's dump of DICOM
// outputs) searched for the source's name, ID, birth date, institution and acquisition date, read from
// the source by EcgScope's own readers; keyed pseudonyms; owner-only files under a permissive umask.
#include "core/dsp/resample.h"
#include "core/io/reader.h"
#include "core/record/deidentify.h"
#include "core/store/studydb.h"
#include "core/synth/generator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <sys/stat.h>

using namespace ecgscope;

namespace {

const QString kSamples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples");

/// A record of the generator's with every kind of patient data filled in.
Ecg identifiedRecord(const QString &id, const QString &name, uint64_t seed = 3)
{
    synth::Options o;
    o.seed = seed;
    auto s = synth::generate(o);
    Ecg ecg = s->ecg;
    ecg.patient.id = id;
    ecg.patient.name = name;
    ecg.patient.birthDate = QDate(1931, 7, 14);
    ecg.patient.ageYears.reset(); // computed from the birth date: 92 on the day below
    ecg.acquisition.start = QDateTime(QDate(2023, 9, 18), QTime(14, 3, 7));
    ecg.acquisition.site = QStringLiteral("Ospedale San Raffaele Cardiologia");
    ecg.statements = {QStringLiteral("Sinus rhythm with occasional PVCs"), QStringLiteral("Confirmed by Dr. Hannelore Winterbottom on 2023-09-19"),
                      QStringLiteral("Compared with the ECG of %1").arg(name)};
    ecg.labels.push_back(Label{QStringLiteral("164884008"), QStringLiteral("SNOMED-CT"), LabelOrigin::User, QStringLiteral("Dr. Hannelore Winterbottom")});
    return ecg;
}

/// The strings of `ecg` that a de-identified output must not hold, in the spellings formats use.
QStringList secretsOf(const Ecg &ecg)
{
    QStringList s;
    const PatientInfo &p = ecg.patient;
    if (p.id.trimmed().size() >= 4) // shorter IDs ("001") occur in UIDs by chance; the read-back checks them
        s << p.id.trimmed();
    if (p.name.trimmed().size() >= 3)
        s << p.name.trimmed();
    // Each part of a name (DICOM and WFDB spell names differently); very short parts would match by chance.
    static const QRegularExpression separators(QStringLiteral("[\\s^,]+"));
    for (const QString &part : p.name.split(separators, Qt::SkipEmptyParts))
        if (part.size() >= 4 && part.count(QLatin1Char('-')) < part.size() - 1)
            s << part;
    for (const QDate &d : {p.birthDate, ecg.acquisition.start.date()})
        if (d.isValid())
            for (const char *format : {"yyyyMMdd", "yyyy-MM-dd", "dd/MM/yyyy", "MM-dd-yyyy"})
                s << d.toString(QLatin1String(format));
    if (ecg.acquisition.site.trimmed().size() >= 3)
        s << ecg.acquisition.site.trimmed();
    s.removeDuplicates();
    // A patient "ABC" of a device "Manufacturer ABC 12345" (HL7's example): text the output keeps on
    // purpose cannot tell whether the name leaked.
    s.erase(std::remove_if(s.begin(), s.end(), [&ecg](const QString &secret) { return ecg.acquisition.device.contains(secret, Qt::CaseInsensitive); }),
            s.end());
    return s;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The values in DCMTK's dump of a DICOM file (an independent reader), one a line; empty when dcmdump is
/// not installed. Only the values: the dump's attribute names ("PatientName") are not the file's content.
QString dcmdump(const QString &path)
{
    const QString exe = QStandardPaths::findExecutable(QStringLiteral("dcmdump"));
    if (exe.isEmpty())
        return {};
    QProcess p;
    p.start(exe, {QStringLiteral("+L"), path}); // +L: long values in full
    p.waitForFinished(60000);
    QStringList values;
    static const QRegularExpression value(QStringLiteral("\\[([^\\]]*)\\]"));
    for (auto m = value.globalMatch(QString::fromUtf8(p.readAllStandardOutput())); m.hasNext();)
        values << m.next().captured(1);
    return values.join(QLatin1Char('\n'));
}

/// Fails when any secret occurs in the output files: whole names, IDs, dates and places in any case, parts
/// of names (at least 4 letters) as written (EcgScope's own texts say "name" and "date").
void verifyNoSecrets(const QString &source, const QStringList &secrets, const QStringList &outputs)
{
    for (const QString &out : outputs) {
        const QString text = QString::fromLatin1(readAll(out));
        QString dump;
        if (out.endsWith(QStringLiteral(".dcm")))
            dump = dcmdump(out);
        for (const QString &secret : secrets) {
            const Qt::CaseSensitivity cs = secret.contains(QLatin1Char(' ')) || secret.contains(QRegularExpression(QStringLiteral("\\d")))
                                               ? Qt::CaseInsensitive
                                               : Qt::CaseSensitive;
            QVERIFY2(!text.contains(secret, cs), qPrintable(QStringLiteral("%1: '%2' is in %3").arg(source, secret, out)));
            QVERIFY2(!dump.contains(secret, cs), qPrintable(QStringLiteral("%1: '%2' is in dcmdump of %3").arg(source, secret, out)));
        }
    }
}

int mode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

QStringList filesUnder(const QString &folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    return files;
}

} // namespace

class TestDeidentify : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The same record through WFDB and DICOM: none of its patient data, in either format, read back.
    void everyWriterDropsTheSameFields_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::addRow("WFDB") << QStringLiteral(".hea");
        QTest::addRow("DICOM") << QStringLiteral(".dcm");
    }
    void everyWriterDropsTheSameFields()
    {
        QFETCH(QString, suffix);
        const Ecg ecg = identifiedRecord(QStringLiteral("MRN-4471902"), QStringLiteral("Gwendolyn Featherstonehaugh"));
        const Deidentifier deid{Deidentifier::newKey(), DateHandling::Remove};
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out") + suffix);
        io::WriteOptions o;
        o.deidentify = deid;
        QVERIFY(io::writeEcg(ecg, path, o));
        QStringList secrets = secretsOf(ecg);
        secrets << QStringLiteral("Winterbottom") << QStringLiteral("Raffaele") << QStringLiteral("14:03:07") << QStringLiteral("140307");
        verifyNoSecrets(QStringLiteral("the identified record"), secrets, filesUnder(dir.path()));
        const auto back = io::readEcg(path);
        QVERIFY2(back, qPrintable(back.error()));
        QVERIFY(back->patient.name.isEmpty() && !back->patient.birthDate.isValid() && back->acquisition.site.isEmpty());
        QCOMPARE(back->patient.id, deid.pseudonym(QStringLiteral("MRN-4471902")));
        QVERIFY(!back->acquisition.start.isValid());
        QCOMPARE(back->patient.ageYears, std::optional<int>(90)); // 92 at acquisition: "90 or older"
        QVERIFY(back->patient.sex == ecg.patient.sex);
        // The machine's interpretation stays, the statements that name someone go.
        QCOMPARE(back->statements, QStringList{QStringLiteral("Sinus rhythm with occasional PVCs")});
        // The waveform is untouched (both writers store 1 µV steps here).
        QCOMPARE(back->leads.size(), ecg.leads.size());
        for (size_t l = 0; l < ecg.leads.size(); ++l)
            QVERIFY(std::abs(back->leads[l].microvolts[1234] - ecg.leads[l].microvolts[1234]) <= 1.0f);
        if (suffix == QStringLiteral(".hea")) {
            QVERIFY(back->patient.ageOver89);
            QVERIFY(readAll(path).contains("#Age: 90+"));
        }
    }

    // Every real file of ../shared/samples that EcgScope reads, through both writers.
    void realSamplesCarryNoneOfTheirPatientData()
    {
        if (!QFileInfo::exists(kSamples))
            QSKIP(qPrintable(QStringLiteral("%1 is absent (../shared/samples not beside the checkout)").arg(kSamples)));
        const Deidentifier deid{Deidentifier::newKey(), DateHandling::Remove};
        QTemporaryDir dir;
        int checked = 0, withSecrets = 0;
        for (const auto &[file, ecg] : readableRecordsBelow(kSamples)) {
            const QStringList secrets = secretsOf(ecg);
            withSecrets += !secrets.isEmpty();
            const QString base = dir.filePath(QStringLiteral("%1").arg(++checked));
            io::WriteOptions o;
            o.deidentify = deid;
            QVERIFY2(io::writeEcg(ecg, base + QStringLiteral(".hea"), o), qPrintable(file));
            // DICOM's ECG IODs take 200-1000 Hz.
            const Ecg forDicom = ecg.sampleRateHz >= 200.0 && ecg.sampleRateHz <= 1000.0 ? ecg : dsp::resample(ecg, 500.0);
            QVERIFY2(io::writeEcg(forDicom, base + QStringLiteral(".dcm"), o), qPrintable(file));
            verifyNoSecrets(file, secrets, {base + QStringLiteral(".hea"), base + QStringLiteral(".dat"), base + QStringLiteral(".dcm")});
            for (const QString &out : {base + QStringLiteral(".hea"), base + QStringLiteral(".dcm")}) {
                const auto back = io::readEcg(out);
                QVERIFY2(back, qPrintable(back.error()));
                QVERIFY2(back->patient.name.isEmpty() && !back->patient.birthDate.isValid() && back->acquisition.site.isEmpty()
                             && !back->acquisition.start.isValid(),
                         qPrintable(out));
                const QString identity = ecg.patient.id.trimmed().isEmpty() ? ecg.patient.name.trimmed() : ecg.patient.id.trimmed();
                QCOMPARE(back->patient.id, deid.pseudonym(identity));
                if (ecg.patient.ageYears && *ecg.patient.ageYears > 89)
                    QCOMPARE(back->patient.ageYears, std::optional<int>(90));
            }
        }
        qInfo("%d real files de-identified through WFDB and DICOM, %d of them with patient data", checked, withSecrets);
        QVERIFY(checked >= 15);
        QVERIFY(withSecrets >= 10);
    }

    void pseudonymsAreKeyed()
    {
        const QString id = QStringLiteral("642341");
        const Deidentifier a{Deidentifier::newKey(), DateHandling::Remove};
        const Deidentifier b{Deidentifier::newKey(), DateHandling::Remove};
        QCOMPARE(a.pseudonym(id), a.pseudonym(id));
        QVERIFY(a.pseudonym(id) != b.pseudonym(id));
        QVERIFY(a.pseudonym(id) != a.pseudonym(QStringLiteral("642342")));
        QVERIFY(a.pseudonym(QString()).isEmpty());
        // Not any unkeyed hash of the ID (what enumerating one million record numbers would find).
        const QString digits = a.pseudonym(id).mid(5).toLower();
        QCOMPARE(digits.size(), 16);
        for (auto algorithm : {QCryptographicHash::Md5, QCryptographicHash::Sha1, QCryptographicHash::Sha256, QCryptographicHash::Sha512})
            QVERIFY(!QString::fromLatin1(QCryptographicHash::hash(id.toUtf8(), algorithm).toHex()).contains(digits.left(12)));
        // An HMAC-SHA-256 computed here by hand (RFC 2104) with a known key gives the same digits.
        const QByteArray key(32, '\x2a');
        QByteArray inner = key, outer = key;
        for (char &c : inner)
            c = char(c ^ 0x36);
        for (char &c : outer)
            c = char(c ^ 0x5c);
        inner.append(QByteArray(32, '\x36'));
        outer.append(QByteArray(32, '\x5c'));
        const QByteArray mac = QCryptographicHash::hash(outer + QCryptographicHash::hash(inner + QByteArray("patient:642341"), QCryptographicHash::Sha256),
                                                        QCryptographicHash::Sha256);
        const Deidentifier known{key, DateHandling::Remove};
        QCOMPARE(known.pseudonym(id), QStringLiteral("ANON-") + QString::fromLatin1(mac.toHex().left(16)).toUpper());
    }

    // Shifted dates keep the interval between one patient's records and move every record of a patient
    // by the same number of days.
    void shiftedDatesKeepIntervals()
    {
        const Deidentifier deid{Deidentifier::newKey(), DateHandling::Shift};
        Ecg first = identifiedRecord(QStringLiteral("P-1"), QStringLiteral("Ann Example"));
        Ecg second = first;
        second.acquisition.start = first.acquisition.start.addDays(3).addSecs(3600);
        const Ecg a = deid.apply(first), b = deid.apply(second);
        QVERIFY(a.acquisition.start.isValid());
        QVERIFY(a.acquisition.start != first.acquisition.start);
        QCOMPARE(a.acquisition.start.secsTo(b.acquisition.start), first.acquisition.start.secsTo(second.acquisition.start));
        const int days = deid.dateShiftDays(QStringLiteral("P-1"));
        QVERIFY(days >= 1 && days <= 3650);
        QCOMPARE(a.acquisition.start, first.acquisition.start.addDays(-days));
        QCOMPARE(a.patient.ageYears, std::optional<int>(90)); // from the true dates, before the shift
    }

    // The study database holds one key: stable pseudonyms within it, others in another database, the key
    // in no export; exports are owner-only under umask 000, audited; a readable database is reported.
    void studyDatabaseKeysExportsAndFileModes()
    {
        const mode_t previous = ::umask(0);
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        for (int i = 0; i < 4; ++i) {
            Ecg ecg = identifiedRecord(QStringLiteral("MRN-%1").arg(90210 + i), QStringLiteral("Bartholomew Quintessa%1").arg(QChar(u'A' + i)), uint64_t(10 + i));
            ecg.labels = {Label{QStringLiteral("af"), QStringLiteral("EcgScope"), LabelOrigin::Generator, {}}};
            QVERIFY(io::writeEcg(ecg, QStringLiteral("%1/rec%2.hea").arg(data).arg(i)));
        }
        QCOMPARE(mode(data), 0700);
        QCOMPARE(mode(data + QStringLiteral("/rec0.hea")), 0600);
        QCOMPARE(mode(data + QStringLiteral("/rec0.dat")), 0600);

        const QString path = dir.filePath(QStringLiteral("study.ecgdb"));
        QString key;
        QString firstPseudonym;
        {
            auto db = store::StudyDatabase::open(path);
            QVERIFY2(db, qPrintable(db.error()));
            QVERIFY(db.value()->warnings().isEmpty());
            QCOMPARE(db.value()->importPaths({data})->added, 4);
            for (const char *suffix : {"", "-wal", "-shm"})
                if (QFileInfo::exists(path + QLatin1String(suffix)))
                    QCOMPARE(mode(path + QLatin1String(suffix)), 0600);
            auto d = db.value()->deidentifier();
            QVERIFY(d);
            key = QString::fromLatin1(d->key.toHex());
            firstPseudonym = d->pseudonym(QStringLiteral("MRN-90210"));
            QCOMPARE(db.value()->deidentifier()->pseudonym(QStringLiteral("MRN-90210")), firstPseudonym);

            store::ExportOptions o;
            o.deidentify = true;
            o.who = QStringLiteral("curator");
            const QString set = dir.filePath(QStringLiteral("exports/trainingset"));
            QVERIFY(db.value()->exportTrainingSet(set, o));
            const QString csv = dir.filePath(QStringLiteral("exports/labels.csv"));
            QVERIFY(db.value()->exportLabelsCsv(csv, QString(), o));
            QStringList outputs = filesUnder(set);
            outputs << csv;
            QStringList secrets{key, QStringLiteral("Quintessa"), QStringLiteral("Bartholomew"), QStringLiteral("MRN-9021"), QStringLiteral("Raffaele"),
                                QStringLiteral("Winterbottom"), QStringLiteral("19310714"), QStringLiteral("20230918")};
            verifyNoSecrets(QStringLiteral("the study database"), secrets, outputs);
            QVERIFY(readAll(set + QStringLiteral("/manifest.csv")).contains(firstPseudonym.toUtf8()));
            QVERIFY(readAll(csv).contains(firstPseudonym.toUtf8()));
            QCOMPARE(mode(dir.filePath(QStringLiteral("exports"))), 0700);
            QCOMPARE(mode(set), 0700);
            QCOMPARE(mode(set + QStringLiteral("/records")), 0700);
            for (const QString &f : outputs)
                QVERIFY2(mode(f) == 0600, qPrintable(QStringLiteral("%1 is %2").arg(f).arg(mode(f), 0, 8)));
            // One audit row per export, naming who, what, how many records and how.
            QStringList exports;
            const auto trail = db.value()->history(0);
            for (const store::AuditEntry &e : trail.value())
                if (e.field == QStringLiteral("export"))
                    exports << e.who + QLatin1Char(' ') + e.newValue;
            QCOMPARE(exports.size(), 2);
            QVERIFY2(exports[0].startsWith(QStringLiteral("curator training set: ")) && exports[0].contains(QStringLiteral("(4 records, de-identified, dates removed)")),
                     qPrintable(exports[0]));
            QVERIFY2(exports[1].contains(QStringLiteral("labels CSV")), qPrintable(exports[1]));
        }
        // Reopened: the same key. Another database: another.
        QCOMPARE(store::StudyDatabase::open(path).value()->deidentifier()->pseudonym(QStringLiteral("MRN-90210")), firstPseudonym);
        QVERIFY(store::StudyDatabase::open(dir.filePath(QStringLiteral("other.ecgdb"))).value()->deidentifier()->pseudonym(QStringLiteral("MRN-90210"))
                != firstPseudonym);
        // A database others can read is reported.
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const auto readable = store::StudyDatabase::open(path);
        QVERIFY(readable);
        QCOMPARE(readable.value()->warnings().size(), 1);
        QVERIFY(readable.value()->warnings().front().contains(QStringLiteral("others can read")));
        ::umask(previous);
    }

    void keyFiles()
    {
        const mode_t previous = ::umask(0);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("project.key"));
        const auto made = readOrCreateKeyFile(path);
        QVERIFY2(made, qPrintable(made.error()));
        QVERIFY(made->second);
        QCOMPARE(made->first.size(), 32);
        QCOMPARE(mode(path), 0600);
        const auto again = readOrCreateKeyFile(path);
        QVERIFY(again && !again->second);
        QCOMPARE(again->first, made->first);
        QFile junk(dir.filePath(QStringLiteral("junk.key")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a key\n");
        junk.close();
        const auto refused = readOrCreateKeyFile(junk.fileName());
        QVERIFY(!refused);
        QVERIFY(refused.error().contains(junk.fileName()));
        ::umask(previous);
    }
};

QTEST_MAIN(TestDeidentify)
#include "tst_deidentify.moc"

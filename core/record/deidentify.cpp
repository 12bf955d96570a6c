#include "core/record/deidentify.h"

#include "core/privatefile.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace ecgscope {

namespace {

QByteArray hmac(const QByteArray &key, const QString &message)
{
    return QMessageAuthenticationCode::hash(message.toUtf8(), key, QCryptographicHash::Sha256);
}

/// A statement that signs or names a person: "Confirmed by Dr. A. Smith on ...", "Referred by: ...".
bool namesSomeone(const QString &statement)
{
    static const QRegularExpression signature(
        QStringLiteral("\\b(confirmed|reviewed|referred|edited|overread|over-read|interpreted|read|signed|requested|ordered|approved|acquired)\\s*(by|:)"
                       "|\\bdr\\.?\\s|\\b(physician|technician|operator|attending|requester)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return signature.match(statement).hasMatch();
}

/// Whether `text` contains the patient's ID or a part of their name (3 letters or more).
bool mentions(const QString &text, const PatientInfo &p)
{
    if (p.id.trimmed().size() >= 3 && text.contains(p.id.trimmed(), Qt::CaseInsensitive))
        return true;
    static const QRegularExpression separators(QStringLiteral("[\\s^,]+"));
    for (const QString &part : p.name.split(separators, Qt::SkipEmptyParts))
        if (part.size() >= 3 && QRegularExpression(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(part)), QRegularExpression::CaseInsensitiveOption)
                                    .match(text)
                                    .hasMatch())
            return true;
    return false;
}

} // namespace

QByteArray Deidentifier::newKey()
{
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(key.data()), reinterpret_cast<quint32 *>(key.data() + key.size()));
    return key;
}

QString Deidentifier::pseudonym(const QString &patientId) const
{
    if (patientId.trimmed().isEmpty())
        return {};
    return QStringLiteral("ANON-") + QString::fromLatin1(hmac(key, QStringLiteral("patient:") + patientId.trimmed()).toHex().left(16)).toUpper();
}

int Deidentifier::dateShiftDays(const QString &patientId) const
{
    const QByteArray h = hmac(key, QStringLiteral("date-shift:") + patientId.trimmed());
    const quint32 v = quint32(quint8(h[0])) << 24 | quint32(quint8(h[1])) << 16 | quint32(quint8(h[2])) << 8 | quint32(quint8(h[3]));
    return 1 + int(v % 3650u);
}

Ecg Deidentifier::apply(const Ecg &ecg) const
{
    Ecg out = ecg;
    const PatientInfo &in = ecg.patient;
    const QString identity = in.id.trimmed().isEmpty() ? in.name.trimmed() : in.id.trimmed();
    PatientInfo p;
    p.id = pseudonym(identity);
    p.sex = in.sex;
    p.ageYears = in.ageYears;
    if (!p.ageYears && in.birthDate.isValid() && ecg.acquisition.start.isValid()) {
        const QDate at = ecg.acquisition.start.date();
        int age = at.year() - in.birthDate.year();
        if (at.month() < in.birthDate.month() || (at.month() == in.birthDate.month() && at.day() < in.birthDate.day()))
            --age;
        if (age >= 0)
            p.ageYears = age;
    }
    p.ageOver89 = in.ageOver89;
    if (p.ageYears && *p.ageYears > 89) {
        p.ageYears = 90;
        p.ageOver89 = true;
    }
    out.patient = p;
    if (dates == DateHandling::Remove)
        out.acquisition.start = QDateTime();
    else if (out.acquisition.start.isValid())
        out.acquisition.start = out.acquisition.start.addDays(-dateShiftDays(identity));
    out.acquisition.site.clear();
    for (Label &l : out.labels)
        if (l.origin != LabelOrigin::Model) // a model's id is not a person's name
            l.author.clear();
    out.statements.clear();
    for (const QString &s : ecg.statements)
        if (!namesSomeone(s) && !mentions(s, in))
            out.statements << s;
    for (QString &note : out.notes)
        if (mentions(note, in))
            note = QStringLiteral("(a note naming the patient was removed)");
    out.sourcePath.clear();
    return out;
}

QString Deidentifier::method() const
{
    return QStringLiteral("EcgScope (PS3.15 E basic profile): name, birth date, institution, authors, naming statements removed; keyed ID "
                          "pseudonym; ages over 89 as 90; new UIDs; dates %1")
        .arg(dates == DateHandling::Remove ? QStringLiteral("removed") : QStringLiteral("shifted per patient"));
}

Result<std::pair<QByteArray, bool>> readOrCreateKeyFile(const QString &path)
{
    using R = Result<std::pair<QByteArray, bool>>;
    QFile f(path);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly))
            return R::failure(QStringLiteral("%1: cannot read the key file: %2").arg(path, f.errorString()));
        const QByteArray text = f.readAll().trimmed();
        const QByteArray key = QByteArray::fromHex(text);
        if (text.size() != 64 || key.size() != 32)
            return R::failure(QStringLiteral("%1: not a key file (64 hexadecimal digits expected)").arg(path));
        return std::make_pair(key, false);
    }
    const QByteArray key = Deidentifier::newKey();
    if (Status s = createPrivateFile(path); !s)
        return R::failure(s.error());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(key.toHex() + '\n') < 0 || !f.flush())
        return R::failure(QStringLiteral("%1: cannot write the key file: %2").arg(path, f.errorString()));
    return std::make_pair(key, true);
}

} // namespace ecgscope

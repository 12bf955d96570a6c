#include "core/io/leadcodes.h"

#include "core/record/ecg.h"

#include <QRegularExpression>

namespace ecgscope::io {

namespace {

struct LeadCode {
    int code;
    const char *name;
};

// EN 1064 / ISO 11073-10101 lead table (the leads ECG carts write).
const LeadCode kLeads[] = {
    {1, "I"},    {2, "II"},   {3, "V1"},   {4, "V2"},    {5, "V3"},    {6, "V4"},    {7, "V5"},    {8, "V6"},
    {9, "V7"},   {10, "V2R"}, {11, "V3R"}, {12, "V4R"},  {13, "V5R"},  {14, "V6R"},  {15, "V7R"},  {16, "X"},
    {17, "Y"},   {18, "Z"},   {19, "CC5"}, {20, "CM5"},  {21, "LA"},   {22, "RA"},   {23, "LL"},   {61, "III"},
    {62, "aVR"}, {63, "aVL"}, {64, "aVF"}, {65, "-aVR"}, {66, "V8"},   {67, "V9"},   {68, "V8R"},  {69, "V9R"},
};

} // namespace

QString leadFromCode(int code)
{
    for (const LeadCode &l : kLeads) {
        if (l.code == code)
            return QString::fromLatin1(l.name);
    }
    return {};
}

int codeFromLead(const QString &name)
{
    const QString canonical = canonicalLeadName(name);
    for (const LeadCode &l : kLeads) {
        if (canonical.compare(QLatin1String(l.name), Qt::CaseInsensitive) == 0)
            return l.code;
    }
    return 0;
}

QString leadFromDicomCode(const QString &value, const QString &scheme, const QString &meaning)
{
    static const QRegularExpression scp(QStringLiteral("^5\\.6\\.3-9-(\\d+)$"));
    static const QRegularExpression mdc(QStringLiteral("^2:(\\d+)$"));
    const QString v = value.trimmed();
    const auto m = (scheme.trimmed() == QLatin1String("MDC") ? mdc : scp).match(v);
    if (m.hasMatch()) {
        const QString name = leadFromCode(m.captured(1).toInt());
        if (!name.isEmpty())
            return name;
    }
    // Free text: "Lead I", "lead aVR", "V1".
    QString text = meaning.trimmed();
    if (text.startsWith(QLatin1String("Lead "), Qt::CaseInsensitive))
        text = text.mid(5);
    const QString canonical = canonicalLeadName(text);
    return codeFromLead(canonical) ? canonical : QString();
}

QString leadFromMdcString(const QString &code)
{
    static const QLatin1String prefix("MDC_ECG_LEAD_");
    if (!code.startsWith(prefix))
        return {};
    const QString suffix = code.mid(prefix.size());
    const QString canonical = canonicalLeadName(suffix);
    return codeFromLead(canonical) ? canonical : QString();
}

} // namespace ecgscope::io

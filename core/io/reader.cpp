#include "core/io/reader.h"

#include "core/io/dicom.h"
#include "core/io/edf.h"
#include "core/io/ishne.h"
#include "core/io/mfer.h"
#include "core/io/ecgxml.h"
#include "core/io/scp.h"
#include "core/io/wfdb.h"
#include "core/privatefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace ecgscope::io {

namespace {

bool looksLikeWfdbHeader(const QByteArray &head)
{
    // A record line: a name, then a signal count, before any binary byte.
    const QByteArray firstLine = head.left(head.indexOf('\n')).trimmed();
    if (firstLine.isEmpty() || firstLine.startsWith('#'))
        return !firstLine.isEmpty() && !head.contains('\0');
    const QList<QByteArray> tok = firstLine.simplified().split(' ');
    bool ok = false;
    return tok.size() >= 2 && (tok[1].toInt(&ok), ok) && !head.contains('\0');
}

/// Markup first: an XML declaration, comment, DOCTYPE or element, in UTF-8 or UTF-16 (BOM or not).
bool looksLikeXml(const QByteArray &head)
{
    QByteArray ascii = head;
    ascii.replace('\0', QByteArray()); // UTF-16 markup is ASCII with NULs between
    qsizetype i = 0;
    while (i < ascii.size() && (uchar(ascii[i]) >= 0x80 || QChar(ascii[i]).isSpace()))
        ++i; // byte-order marks and leading whitespace
    return i + 1 < ascii.size() && ascii[i] == '<' && (ascii[i + 1] == '?' || ascii[i + 1] == '!' || QChar(ascii[i + 1]).isLetter());
}

/// SCP-ECG: the file length field matches the file, section 0 follows at byte 6 with id 0.
bool looksLikeScp(const QByteArray &head, qint64 fileSize)
{
    if (head.size() < 16)
        return false;
    const auto *b = reinterpret_cast<const uchar *>(head.constData());
    const quint32 length = quint32(b[2]) | (quint32(b[3]) << 8) | (quint32(b[4]) << 16) | (quint32(b[5]) << 24);
    const int section = b[8] | (b[9] << 8);
    return section == 0 && (qint64(length) == fileSize || head.mid(16, 6) == "SCPECG");
}

} // namespace

Format detectFormat(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Format::Unknown;
    const QByteArray head = f.read(4096);
    if (head.size() >= 132 && head.mid(128, 4) == "DICM")
        return Format::Dicom;
    if (looksLikeEdf(head))
        return Format::Edf;
    if (looksLikeIshne(head))
        return Format::Ishne;
    if (looksLikeMfer(head))
        return Format::Mfer;
    if (looksLikeXml(head))
        return Format::Xml;
    // SCP by its content, or by its name: the reader then says what a non-conforming file lacks.
    if (looksLikeScp(head, f.size()) || QFileInfo(path).suffix().compare(QLatin1String("scp"), Qt::CaseInsensitive) == 0)
        return Format::Scp;
    // Numbers in columns: text samples when the name says so (a WFDB header's record line is numbers too).
    static const QStringList textSuffixes{QStringLiteral("csv"), QStringLiteral("txt"), QStringLiteral("tsv"), QStringLiteral("asc")};
    if (textSuffixes.contains(QFileInfo(path).suffix().toLower()) && looksLikeTextEcg(head))
        return Format::Text;
    if (looksLikeWfdbHeader(head))
        return Format::Wfdb;
    // A signal file (.dat, .mat, ...) is binary; it is WFDB when a header of the same name lies beside it.
    const QFileInfo fi(path);
    if (QFileInfo::exists(fi.path() + QLatin1Char('/') + fi.completeBaseName() + QStringLiteral(".hea")))
        return Format::Wfdb;
    return Format::Unknown;
}

Result<Ecg> readEcg(const QString &path, const ReadOptions &options)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return Result<Ecg>::failure(QStringLiteral("%1: file not found").arg(path));
    if (!fi.isFile())
        return Result<Ecg>::failure(QStringLiteral("%1: not a regular file").arg(path));
    switch (detectFormat(path)) {
    case Format::Wfdb: return readWfdb(path);
    case Format::Dicom: return readDicom(path);
    case Format::Xml: return readEcgXml(path);
    case Format::Scp: return readScp(path);
    case Format::Edf: return readEdf(path);
    case Format::Ishne: return readIshne(path);
    case Format::Mfer: return readMfer(path);
    case Format::Text: return readTextEcg(path, options.text);
    case Format::Unknown: break;
    }
    return Result<Ecg>::failure(QStringLiteral("%1: format not recognised (supported: WFDB, DICOM, HL7 aECG, GE MUSE, Philips, Schiller and GE CardioSoft XML, SCP-ECG, EDF, ISHNE, MFER, text/CSV)").arg(path));
}

Status writeEcg(const Ecg &ecg, const QString &path, const WriteOptions &options)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    // The folder is made as `mkdir -p` would: `synth -o out/rec` should not need a separate step.
    if (Status s = makePrivateFolder(QFileInfo(path).absolutePath()); !s)
        return s;
    const bool wfdb = suffix.isEmpty() || suffix == QLatin1String("hea") || suffix == QLatin1String("dat");
    if (!wfdb && suffix != QLatin1String("dcm") && suffix != QLatin1String("edf"))
        return Status::failure(QStringLiteral("%1: cannot write '.%2' files (supported: WFDB .hea, DICOM .dcm, EDF+ .edf)").arg(path, suffix));
    std::optional<Ecg> clean;
    if (options.deidentify)
        clean = options.deidentify->apply(ecg);
    const Ecg &out = clean ? *clean : ecg;
    if (wfdb)
        return writeWfdb(out, path);
    if (suffix == QLatin1String("edf"))
        return writeEdf(out, path);
    return writeDicom(out, path, {options.deidentify ? &*options.deidentify : nullptr});
}

QString openFileFilter()
{
    return QStringLiteral("ECG records (*.hea *.dat *.mat *.dcm *.xml *.XML *.scp *.SCP *.edf *.EDF *.ecg *.ECG *.mwf *.MWF *.csv *.txt);;All files (*)");
}

} // namespace ecgscope::io

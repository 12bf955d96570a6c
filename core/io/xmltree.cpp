#include "core/io/xmltree.h"

#include <QXmlStreamReader>

namespace ecgscope::io {

namespace {
constexpr int kMaxDepth = 128;
constexpr qint64 kMaxElements = 2000000;
} // namespace

QString XmlNode::attribute(const QString &key) const
{
    for (const auto &[k, v] : attributes) {
        if (k == key)
            return v;
    }
    return {};
}

const XmlNode *XmlNode::child(const QString &childName) const
{
    for (const XmlNode &c : children) {
        if (c.name == childName)
            return &c;
    }
    return nullptr;
}

const XmlNode *XmlNode::at(const QString &path) const
{
    const XmlNode *node = this;
    for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        node = node->child(part);
        if (!node)
            return nullptr;
    }
    return node;
}

QString XmlNode::textAt(const QString &path) const
{
    const XmlNode *n = at(path);
    return n ? n->text.trimmed() : QString();
}

std::vector<const XmlNode *> XmlNode::childrenNamed(const QString &childName) const
{
    std::vector<const XmlNode *> out;
    for (const XmlNode &c : children) {
        if (c.name == childName)
            out.push_back(&c);
    }
    return out;
}

void XmlNode::collect(const QString &descendantName, std::vector<const XmlNode *> &out, const QString &stopAt) const
{
    for (const XmlNode &c : children) {
        if (!stopAt.isEmpty() && c.name == stopAt)
            continue;
        if (c.name == descendantName)
            out.push_back(&c);
        c.collect(descendantName, out, stopAt);
    }
}

Result<XmlNode> parseXml(const QByteArray &bytes)
{
    QXmlStreamReader xml(bytes);
    XmlNode root;
    std::vector<XmlNode *> stack{&root};
    qint64 elements = 0;
    while (!xml.atEnd()) {
        switch (xml.readNext()) {
        case QXmlStreamReader::StartElement: {
            if (int(stack.size()) > kMaxDepth || ++elements > kMaxElements)
                return Result<XmlNode>::failure(QStringLiteral("XML nested deeper than %1 or larger than %2 elements").arg(kMaxDepth).arg(kMaxElements));
            XmlNode node;
            node.name = xml.name().toString();
            for (const QXmlStreamAttribute &a : xml.attributes())
                node.attributes.push_back({a.name().toString(), a.value().toString()});
            stack.back()->children.push_back(std::move(node));
            stack.push_back(&stack.back()->children.back());
            break;
        }
        case QXmlStreamReader::EndElement:
            stack.pop_back();
            break;
        case QXmlStreamReader::Characters:
            stack.back()->text += xml.text();
            break;
        default:
            break;
        }
    }
    if (xml.hasError())
        return Result<XmlNode>::failure(QStringLiteral("XML error at line %1, column %2: %3").arg(xml.lineNumber()).arg(xml.columnNumber()).arg(xml.errorString()));
    if (root.children.empty())
        return Result<XmlNode>::failure(QStringLiteral("no XML element"));
    XmlNode document = std::move(root.children.front());
    return document;
}

Result<QByteArray> decodeBase64(const QString &text)
{
    QByteArray compact;
    compact.reserve(text.size());
    for (QChar c : text) {
        if (!c.isSpace())
            compact.append(char(c.unicode() < 128 ? c.unicode() : '!'));
    }
    auto decoded = QByteArray::fromBase64Encoding(compact, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        return Result<QByteArray>::failure(QStringLiteral("malformed base64 data"));
    return decoded.decoded;
}

} // namespace ecgscope::io

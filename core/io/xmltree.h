#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace ecgscope::io {

/// A small element tree built with QXmlStreamReader, for the vendor XML formats. Namespaces are
/// dropped (vendors disagree on them), DTDs are neither loaded nor resolved, entity expansion is
/// bounded by Qt, and the tree refuses depths or sizes no ECG file has.
struct XmlNode {
    QString name;
    QList<std::pair<QString, QString>> attributes;
    QString text; ///< the element's own character data, concatenated
    std::vector<XmlNode> children;

    QString attribute(const QString &key) const;
    /// First child with this name, or nullptr.
    const XmlNode *child(const QString &childName) const;
    /// The element at a '/'-separated path of child names, or nullptr.
    const XmlNode *at(const QString &path) const;
    /// Text of the element at a path ("" when absent), trimmed.
    QString textAt(const QString &path) const;
    std::vector<const XmlNode *> childrenNamed(const QString &childName) const;
    /// Every descendant with this name, depth first, not descending into `stopAt` elements.
    void collect(const QString &descendantName, std::vector<const XmlNode *> &out, const QString &stopAt = {}) const;
};

/// Parses XML bytes (any encoding the declaration or a BOM names). Errors name the line and column.
Result<XmlNode> parseXml(const QByteArray &bytes);

/// Strict base64: whitespace is ignored, any other character outside the alphabet is an error.
Result<QByteArray> decodeBase64(const QString &text);

} // namespace ecgscope::io

#include "ui/worklistmodel.h"

#include "core/dataset/classes.h"

#include <QFileInfo>

#include <algorithm>
#include <functional>

namespace ecgscope::ui {

WorklistModel::WorklistModel(QObject *parent) : QAbstractTableModel(parent) {}

void WorklistModel::setDatabase(store::StudyDatabase *db, const QString &modelId)
{
    mDb = db;
    mModelId = modelId;
    reload();
}

QString WorklistModel::reload()
{
    beginResetModel();
    QString error;
    if (!mDb) {
        mRows.clear();
    } else if (auto rows = mDb->worklist(mModelId)) {
        mRows = std::move(rows).value();
    } else {
        error = rows.error();
    }
    mRowOfId.clear();
    for (size_t i = 0; i < mRows.size(); ++i)
        mRowOfId.insert(mRows[i].id, int(i));
    endResetModel();
    return error;
}

void WorklistModel::refresh(qint64 record)
{
    const auto at = mRowOfId.constFind(record);
    if (at == mRowOfId.constEnd())
        return;
    if (auto r = mDb->row(record, mModelId)) {
        mRows[size_t(*at)] = std::move(r).value();
        Q_EMIT dataChanged(index(*at, 0), index(*at, ColumnCount - 1));
    }
}

const store::WorklistRow *WorklistModel::rowOf(qint64 record) const
{
    const auto at = mRowOfId.constFind(record);
    return at == mRowOfId.constEnd() ? nullptr : &mRows[size_t(*at)];
}

const store::WorklistRow *WorklistModel::rowOfPath(const QString &path) const
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const auto at = std::find_if(mRows.begin(), mRows.end(), [&](const store::WorklistRow &r) { return r.path == absolute; });
    return at == mRows.end() ? nullptr : &*at;
}

int WorklistModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(mRows.size());
}

int WorklistModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorklistModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(mRows.size()))
        return {};
    const store::WorklistRow &r = mRows[size_t(index.row())];
    const bool flagged = mDb && mDb->isFlagged(r);
    if (role == kIdRole)
        return r.id;
    if (role == kFlaggedRole)
        return flagged;
    if (role == Qt::ToolTipRole && index.column() == Record)
        return r.path;
    if (role == Qt::TextAlignmentRole && (index.column() == Age || index.column() == Duration || index.column() == Probability))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == kSortRole) {
        switch (index.column()) {
        case Age: return r.ageYears.value_or(-1);
        case Acquired: return r.acquired;
        case Duration: return r.durationMs;
        case Probability: return r.modelClass >= 0 ? r.modelProbability : -1.0;
        case ModelClass: return r.modelClass;
        case Flag: return flagged;
        case Label: return r.state.label.value_or(-1);
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Record:
        if (!r.patientName.isEmpty())
            return r.patientId.isEmpty() ? r.patientName : QStringLiteral("%1 (%2)").arg(r.patientName, r.patientId);
        return r.patientId.isEmpty() ? QFileInfo(r.path).completeBaseName() : r.patientId;
    case Age: return r.ageYears ? QString::number(*r.ageYears) : QString();
    case Sex: return r.sex == ecgscope::Sex::Unknown ? QString() : toString(r.sex);
    case Acquired: return r.acquired.isValid() ? r.acquired.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
    case Duration: return r.durationMs > 0 ? tr("%1 s").arg(r.durationMs / 1000.0, 0, 'f', 1) : QString();
    case ModelClass: return r.modelClass >= 0 ? dataset::className(r.modelClass) : QString();
    case Probability: return r.modelClass >= 0 ? QString::number(r.modelProbability, 'f', 2) : QString();
    case Flag: return flagged ? tr("flagged") : QString();
    case Review: return store::toString(r.state.status);
    case Label: return r.state.label ? QStringLiteral("%1 (%2)").arg(dataset::className(*r.state.label), r.state.labelOrigin) : QString();
    default: return {};
    }
}

QVariant WorklistModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList names{tr("Record"), tr("Age"), tr("Sex"), tr("Acquired"), tr("Duration"), tr("Model"), tr("P"), tr("Flag"), tr("Review"), tr("Label")};
    static const QStringList tips{tr("Patient name and ID as the file states them; the file's name when it names no patient (the full path in the row's tooltip)"),
                                  tr("Age in years at acquisition"), tr("Sex"), tr("Acquisition start (the file's own time)"), tr("Recorded duration"),
                                  tr("The active model's class"), tr("The model's probability of that class"),
                                  tr("Flagged for review: the class's probability passes its threshold"), tr("Review status"),
                                  tr("The record's current label and where it came from")};
    return (role == Qt::DisplayRole ? names : tips).value(section);
}

void WorklistFilter::setModelClass(int cls)
{
    mClass = cls;
    invalidateFilter();
}

void WorklistFilter::setStatus(std::optional<store::ReviewStatus> status)
{
    mStatus = status;
    invalidateFilter();
}

void WorklistFilter::setMinimumProbability(double p)
{
    mMinimum = p;
    invalidateFilter();
}

void WorklistFilter::setFlaggedOnly(bool on)
{
    mFlaggedOnly = on;
    invalidateFilter();
}

void WorklistFilter::setDisagreementsOnly(bool on)
{
    mDisagreementsOnly = on;
    invalidateFilter();
}

void WorklistFilter::setUncertainFirst(bool on)
{
    mUncertainFirst = on;
    invalidate(); // re-sorts by the view's column, or by margin while this is on
}

std::optional<double> WorklistFilter::margin(const store::WorklistRow &row)
{
    if (row.modelClass < 0 || row.probabilities.size() < 2)
        return std::nullopt;
    std::vector<float> p = row.probabilities;
    std::partial_sort(p.begin(), p.begin() + 2, p.end(), std::greater<float>());
    return double(p[0] - p[1]);
}

bool WorklistFilter::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto *model = qobject_cast<const WorklistModel *>(sourceModel());
    if (!mUncertainFirst || !model)
        return QSortFilterProxyModel::lessThan(left, right);
    const auto before = [model](const QModelIndex &l, const QModelIndex &r) {
        const auto a = margin(model->rows()[size_t(l.row())]), b = margin(model->rows()[size_t(r.row())]);
        if (a && b && *a != *b)
            return *a < *b;
        if (a.has_value() != b.has_value())
            return a.has_value(); // predicted records before the others
        return l.row() < r.row();
    };
    // The least certain first whichever way the header's indicator points (Qt swaps the arguments when descending).
    return sortOrder() == Qt::AscendingOrder ? before(left, right) : before(right, left);
}

bool WorklistFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *model = qobject_cast<const WorklistModel *>(sourceModel());
    if (!model || sourceParent.isValid() || sourceRow >= int(model->rows().size()))
        return false;
    const store::WorklistRow &r = model->rows()[size_t(sourceRow)];
    if (mClass >= 0 && r.modelClass != mClass)
        return false;
    if (mStatus && r.state.status != *mStatus)
        return false;
    if (mMinimum > 0.0 && (r.modelClass < 0 || r.modelProbability < mMinimum))
        return false;
    if (mDisagreementsOnly && !(r.modelClass >= 0 && r.state.label && *r.state.label != r.modelClass))
        return false;
    return !mFlaggedOnly || model->index(sourceRow, 0).data(WorklistModel::kFlaggedRole).toBool();
}

} // namespace ecgscope::ui

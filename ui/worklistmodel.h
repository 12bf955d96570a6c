#pragma once

#include "core/store/studydb.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>

namespace ecgscope::ui {

/// The study database's worklist as a table: the record (patient name and ID, else the file's name),
/// age, sex, acquisition time, duration, the model's class and probability, flag, review status,
/// current label. Read from the database; reload() after edits.
class WorklistModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Record, Age, Sex, Acquired, Duration, ModelClass, Probability, Flag, Review, Label, ColumnCount };
    static constexpr int kIdRole = Qt::UserRole + 1;     ///< the record id (qint64)
    static constexpr int kFlaggedRole = Qt::UserRole + 2; ///< bool
    static constexpr int kSortRole = Qt::UserRole + 3;    ///< numbers sort as numbers

    explicit WorklistModel(QObject *parent = nullptr);
    /// Shows `db`'s records with the predictions of `modelId` (the database outlives the model).
    void setDatabase(store::StudyDatabase *db, const QString &modelId);
    /// Re-reads every row (keeps the model's rows when reading fails: @return the error, or empty).
    QString reload();
    /// Re-reads one record's row.
    void refresh(qint64 record);
    const store::WorklistRow *rowOf(qint64 record) const;
    /// The row of a file (by its absolute path, as the database stores it); nullptr when not listed.
    const store::WorklistRow *rowOfPath(const QString &path) const;
    const std::vector<store::WorklistRow> &rows() const { return mRows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    store::StudyDatabase *mDb = nullptr;
    QString mModelId;
    std::vector<store::WorklistRow> mRows;
    QHash<qint64, int> mRowOfId; ///< record id -> index into mRows
};

/// Filters the worklist by model class, review status, minimum probability and "flagged only";
/// sorts numbers as numbers.
class WorklistFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setModelClass(int cls);            ///< -1: any
    void setStatus(std::optional<store::ReviewStatus> status);
    void setMinimumProbability(double p);
    void setFlaggedOnly(bool on);
    /// Curator's queue: only records whose current label differs from the model's class.
    void setDisagreementsOnly(bool on);
    /// Curator's queue: the least certain first (smallest margin between the model's two top classes;
    /// records without a prediction last), in place of the column sort.
    void setUncertainFirst(bool on);
    /// The margin between the two largest probabilities; nullopt without a prediction.
    static std::optional<double> margin(const store::WorklistRow &row);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    int mClass = -1;
    std::optional<store::ReviewStatus> mStatus;
    double mMinimum = 0.0;
    bool mFlaggedOnly = false;
    bool mDisagreementsOnly = false;
    bool mUncertainFirst = false;
};

} // namespace ecgscope::ui

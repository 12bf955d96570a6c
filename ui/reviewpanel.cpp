#include "ui/reviewpanel.h"

#include "core/dataset/classes.h"
#include "core/ml/pipeline.h"
#include "ui/worklistmodel.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTextEdit>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace ecgscope::ui {

namespace {

const QString kReviewerKey = QStringLiteral("review/reviewer");

/// One reviewer action on one or more records: redo writes the new states, undo the old ones, each as a
/// transaction with its audit rows.
class StatesCommand : public QUndoCommand {
public:
    using States = std::vector<std::pair<qint64, store::ReviewState>>;
    StatesCommand(store::StudyDatabase *db, States before, States after, QString who, const QString &text,
                  std::function<void(const States &, const QString &)> done)
        : QUndoCommand(text), mDb(db), mBefore(std::move(before)), mAfter(std::move(after)), mWho(std::move(who)), mDone(std::move(done))
    {
    }
    void redo() override { write(mAfter, text()); }
    void undo() override { write(mBefore, QStringLiteral("undo: ") + text()); }

private:
    void write(const States &states, const QString &reason)
    {
        const Status s = mDb->setStates(states, mWho, reason);
        if (!s)
            setObsolete(true);
        mDone(states, s ? QString() : s.error());
    }
    store::StudyDatabase *mDb;
    States mBefore, mAfter;
    QString mWho;
    std::function<void(const States &, const QString &)> mDone;
};

} // namespace

ReviewPanel::ReviewPanel(std::shared_ptr<ml::Classifier> classifier, QWidget *parent)
    : QWidget(parent), mClassifier(std::move(classifier)), mModel(new WorklistModel(this)), mFilter(new WorklistFilter(this)),
      mTable(new QTableView(this)), mClassFilter(new QComboBox(this)), mStatusFilter(new QComboBox(this)), mMinimum(new QDoubleSpinBox(this)),
      mFlaggedOnly(new QCheckBox(tr("Flagged only"), this)), mUncertainFirst(new QCheckBox(tr("Least &certain first"), this)),
      mDisagreements(new QCheckBox(tr("Model &disagrees with label"), this)), mProgress(new QProgressBar(this)), mCancel(new QPushButton(tr("Cancel"), this)),
      mChart(new QChart), mBars(new QBarSet(tr("probability"))), mState(new QLabel(this)), mComment(new QLineEdit(this)),
      mRelabel(new QComboBox(this)), mHistory(new QTextEdit(this)), mUndo(new QUndoStack(this))
{
    const int classes = dataset::kTargetClassCount + 1;
    mFilter->setSourceModel(mModel);
    mFilter->setSortRole(WorklistModel::kSortRole);
    mTable->setModel(mFilter);
    mTable->setSortingEnabled(true);
    mTable->sortByColumn(WorklistModel::Record, Qt::AscendingOrder); // not the header's default, descending
    mTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    mTable->verticalHeader()->hide();
    mTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6); // a line a row: more rows in view
    mTable->horizontalHeader()->setStretchLastSection(true);
    mTable->setWordWrap(false);
    connect(mModel, &QAbstractItemModel::modelReset, this, [this] {
        mTable->resizeColumnsToContents();
        // Long names are elided (the tooltip has the path): the other columns stay in view.
        const int widest = 24 * mTable->fontMetrics().averageCharWidth();
        for (int c = 0; c < mModel->columnCount(); ++c)
            mTable->setColumnWidth(c, std::min(mTable->columnWidth(c), widest));
        restoreCurrent();
    });
    connect(mTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &index) {
        if (index.isValid())
            select(index.data(WorklistModel::kIdRole).toLongLong());
    });

    mClassFilter->addItem(tr("any class"), -1);
    mStatusFilter->addItem(tr("any status"));
    for (int c = 0; c < classes; ++c) {
        mClassFilter->addItem(dataset::className(c), c);
        mRelabel->addItem(QStringLiteral("%1 %2").arg(c + 1).arg(dataset::className(c)), c);
    }
    for (store::ReviewStatus s : {store::ReviewStatus::Unreviewed, store::ReviewStatus::Confirmed, store::ReviewStatus::Rejected, store::ReviewStatus::Relabeled})
        mStatusFilter->addItem(store::toString(s));
    mMinimum->setRange(0.0, 1.0);
    mMinimum->setSingleStep(0.05);
    mMinimum->setPrefix(tr("P ≥ "));
    connect(mClassFilter, &QComboBox::currentIndexChanged, this, [this] { changeFilter([this] { mFilter->setModelClass(mClassFilter->currentData().toInt()); }); });
    connect(mStatusFilter, &QComboBox::currentIndexChanged, this,
            [this] { changeFilter([this] { mFilter->setStatus(store::reviewStatusFromString(mStatusFilter->currentText())); }); });
    connect(mMinimum, &QDoubleSpinBox::valueChanged, this, [this](double p) { changeFilter([this, p] { mFilter->setMinimumProbability(p); }); });
    connect(mFlaggedOnly, &QCheckBox::toggled, this, [this](bool on) { changeFilter([this, on] { mFilter->setFlaggedOnly(on); }); });
    // The curator's queues: the records a model is least sure of, and those its class contradicts.
    mUncertainFirst->setToolTip(tr("Sort by the margin between the model's two most probable classes, smallest first"));
    mDisagreements->setToolTip(tr("Only records whose label differs from the model's class"));
    connect(mUncertainFirst, &QCheckBox::toggled, this, [this](bool on) { changeFilter([this, on] { mFilter->setUncertainFirst(on); }); });
    connect(mDisagreements, &QCheckBox::toggled, this, [this](bool on) { changeFilter([this, on] { mFilter->setDisagreementsOnly(on); }); });

    for (int c = 0; c < classes; ++c)
        *mBars << 0.0;
    auto *series = new QBarSeries;
    series->append(mBars);
    mChart->addSeries(series);
    auto *axisX = new QBarCategoryAxis;
    axisX->append(dataset::classNames(classes));
    auto *axisY = new QValueAxis;
    axisY->setRange(0.0, 1.0);
    mChart->addAxis(axisX, Qt::AlignBottom);
    mChart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisX);
    series->attachAxis(axisY);
    mChart->legend()->hide();
    mChart->setMargins(QMargins(2, 2, 2, 2));
    auto *chartView = new QChartView(mChart, this);
    chartView->setMinimumHeight(160);

    mProgress->setFormat(tr("%v of %m classified"));
    mProgress->hide();
    mCancel->hide();
    connect(mCancel, &QPushButton::clicked, this, &ReviewPanel::cancelClassification);
    connect(&mBatch, &QFutureWatcher<void>::finished, this, [this] {
        mProgress->hide();
        mCancel->hide();
        mModel->reload();
        Q_EMIT batchFinished(mBatchDone, mCancelFlag && *mCancelFlag);
    });

    auto *confirmButton = new QPushButton(tr("Confirm"), this);
    auto *rejectButton = new QPushButton(tr("Reject"), this);
    auto *relabelButton = new QPushButton(tr("Relabel"), this);
    connect(confirmButton, &QPushButton::clicked, this, &ReviewPanel::confirm);
    connect(rejectButton, &QPushButton::clicked, this, &ReviewPanel::reject);
    connect(relabelButton, &QPushButton::clicked, this, [this] { relabelSelection(mRelabel->currentData().toInt()); });
    mComment->setPlaceholderText(tr("comment (saved with the next confirm, reject or relabel)"));
    mHistory->setReadOnly(true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(mClassFilter);
    filters->addWidget(mStatusFilter);
    filters->addWidget(mMinimum);
    filters->addWidget(mFlaggedOnly);
    auto *queues = new QHBoxLayout; // a row of its own: the panel keeps its width on a laptop's screen
    queues->addWidget(mUncertainFirst);
    queues->addWidget(mDisagreements);
    queues->addStretch();
    auto *progress = new QHBoxLayout;
    progress->addWidget(mProgress, 1);
    progress->addWidget(mCancel);
    auto *actions = new QHBoxLayout;
    actions->addWidget(confirmButton);
    actions->addWidget(rejectButton);
    actions->addWidget(mRelabel);
    actions->addWidget(relabelButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(filters);
    layout->addLayout(queues);
    layout->addWidget(mTable, 3);
    layout->addLayout(progress);
    layout->addWidget(chartView, 2);
    layout->addWidget(mState);
    layout->addWidget(mComment);
    layout->addLayout(actions);
    layout->addWidget(mHistory, 1);
    setMinimumWidth(520);
    setEnabled(false);
}

ReviewPanel::~ReviewPanel()
{
    cancelClassification();
    mBatch.waitForFinished();
}

void ReviewPanel::fail(const QString &message)
{
    mError = message;
    Q_EMIT errorOccurred(message);
}

void ReviewPanel::setClassifier(std::shared_ptr<ml::Classifier> classifier)
{
    cancelClassification();
    mBatch.waitForFinished();
    mClassifier = std::move(classifier);
    if (mDb)
        useDatabase();
    showCurrent();
}

void ReviewPanel::useDatabase()
{
    // Flags follow the model's own thresholds unless the user has set some.
    mDb->setModelThresholds(mClassifier ? mClassifier->calibration().thresholds : std::vector<double>{});
    mModel->setDatabase(mDb.get(), mClassifier ? mClassifier->modelId() : QString());
}

QString ReviewPanel::openDatabase(const QString &path)
{
    if (isClassifying())
        return tr("%1: wait for the batch classification to finish or cancel it").arg(path);
    auto db = store::StudyDatabase::open(path);
    if (!db)
        return db.error();
    mUndo->clear();
    mDb = std::move(db).value();
    useDatabase();
    mCurrent = -1;
    setEnabled(true);
    showCurrent();
    return {};
}

Result<store::ImportReport> ReviewPanel::importPaths(const QStringList &paths)
{
    if (!mDb)
        return Result<store::ImportReport>::failure(tr("no study database is open"));
    auto report = mDb->importPaths(paths);
    mModel->reload();
    return report;
}

QString ReviewPanel::progressText() const
{
    return tr("%1 of %2 classified").arg(mBatchDone).arg(mBatchTotal);
}

void ReviewPanel::classifyAll()
{
    if (!mDb || !mClassifier || isClassifying())
        return;
    std::vector<std::pair<qint64, QString>> todo;
    for (const store::WorklistRow &r : mModel->rows())
        if (r.modelId.isEmpty())
            todo.emplace_back(r.id, r.path);
    mBatchDone = 0;
    mBatchTotal = int(todo.size());
    mProgress->setRange(0, std::max(1, mBatchTotal));
    mProgress->setValue(0);
    mProgress->show();
    mCancel->show();
    mCancelFlag = std::make_shared<std::atomic_bool>(false);
    // The worker runs the pipeline (reading and preparing in parallel, the network in batches); the
    // database is written on this (the GUI) thread, which owns the connection, a transaction per batch.
    mBatch.setFuture(QtConcurrent::run([this, todo, classifier = mClassifier, cancel = mCancelFlag] {
        struct Cancel : Progress {
            std::shared_ptr<std::atomic_bool> flag;
            bool cancelled() const override { return *flag; }
        } progress;
        progress.flag = cancel;
        QStringList paths;
        for (const auto &entry : todo)
            paths << entry.second;
        std::vector<std::pair<qint64, Result<ml::Prediction>>> pending;
        const auto post = [&] {
            QMetaObject::invokeMethod(this, [this, batch = std::move(pending)] { storePredictions(batch); }, Qt::QueuedConnection);
            pending.clear();
        };
        ml::classifyFiles(*classifier, paths, [&](ml::FileOutcome &&o) {
            pending.emplace_back(todo[o.index].first, std::move(o.prediction));
            if (pending.size() >= 32)
                post();
        }, {}, &progress);
        if (!pending.empty())
            post();
    }));
}

void ReviewPanel::storePredictions(const std::vector<std::pair<qint64, Result<ml::Prediction>>> &batch)
{
    std::vector<store::StudyDatabase::NewPrediction> rows;
    for (const auto &[id, prediction] : batch) {
        if (prediction)
            rows.push_back({id, prediction->probabilities, prediction->topClass});
        else
            fail(prediction.error());
    }
    if (Status s = mDb->setPredictions(mClassifier->modelId(), rows); !s)
        fail(s.error());
    mBatchDone += int(batch.size());
    mProgress->setValue(mBatchDone);
    for (const auto &entry : batch) {
        mModel->refresh(entry.first);
        if (entry.first == mCurrent)
            showCurrent();
    }
}

void ReviewPanel::cancelClassification()
{
    if (mCancelFlag)
        *mCancelFlag = true;
}

QString ReviewPanel::reviewer()
{
    if (mReviewer.isEmpty())
        mReviewer = QSettings().value(kReviewerKey).toString();
    if (mReviewer.isEmpty()) {
        const QString name = QInputDialog::getText(this, tr("Reviewer"), tr("Your name, recorded with every change you make:"));
        if (!name.trimmed().isEmpty())
            setReviewer(name.trimmed());
    }
    return mReviewer;
}

void ReviewPanel::setReviewer(const QString &name)
{
    mReviewer = name;
    QSettings().setValue(kReviewerKey, name);
}

void ReviewPanel::select(qint64 record)
{
    if (record == mCurrent)
        return;
    mCurrent = record;
    mComment->clear();
    showCurrent();
    if (const store::WorklistRow *r = mModel->rowOf(record))
        Q_EMIT recordSelected(record, r->path);
}

void ReviewPanel::changeFilter(const std::function<void()> &change)
{
    {
        // A filter that hides the current row must not make another row current (and open it).
        const QSignalBlocker blocker(mTable->selectionModel());
        change();
    }
    restoreCurrent();
}

void ReviewPanel::restoreCurrent()
{
    const QSignalBlocker blocker(mTable->selectionModel());
    for (int i = 0; i < mFilter->rowCount(); ++i) {
        const QModelIndex index = mFilter->index(i, 0);
        if (index.data(WorklistModel::kIdRole).toLongLong() == mCurrent) {
            mTable->setCurrentIndex(index);
            mTable->selectRow(i);
            mTable->scrollTo(index);
            return;
        }
    }
    mTable->clearSelection();
    mTable->setCurrentIndex({});
}

bool ReviewPanel::showPath(const QString &path)
{
    const store::WorklistRow *r = mModel->rowOfPath(path);
    if (!r)
        return false;
    mCurrent = r->id;
    mComment->clear();
    restoreCurrent();
    showCurrent();
    return true;
}

void ReviewPanel::storePrediction(const QString &path, const QString &modelId, const std::vector<float> &probabilities, int decidedClass)
{
    const store::WorklistRow *r = mModel->rowOf(mCurrent);
    if (!mDb || !mClassifier || modelId != mClassifier->modelId() || !r || !r->modelId.isEmpty() || r->path != QFileInfo(path).absoluteFilePath())
        return;
    if (Status s = mDb->setPrediction(r->id, modelId, probabilities, decidedClass); !s)
        fail(s.error());
    mModel->refresh(mCurrent);
    showCurrent();
}

QString ReviewPanel::historyText() const
{
    return mHistory->toPlainText();
}

void ReviewPanel::showCurrent()
{
    const store::WorklistRow *r = mModel->rowOf(mCurrent);
    for (int c = 0; c < mBars->count(); ++c)
        mBars->replace(c, r && size_t(c) < r->probabilities.size() ? double(r->probabilities[size_t(c)]) : 0.0);
    mChart->setTitle(r && !r->modelId.isEmpty() ? r->modelId : tr("not classified"));
    if (!r) {
        mState->clear();
        mHistory->clear();
        return;
    }
    mState->setText(tr("Label: %1 (%2, %3)  ·  Review: %4%5")
                        .arg(r->state.label ? dataset::className(*r->state.label) : QStringLiteral("-"), r->state.labelOrigin, r->state.labelAuthor,
                             store::toString(r->state.status), r->state.reviewer.isEmpty() ? QString() : QStringLiteral(" by ") + r->state.reviewer));
    QStringList lines;
    if (auto history = mDb->history(r->id))
        for (const store::AuditEntry &e : history.value())
            lines << QStringLiteral("%1  %2  %3: %4 → %5  (%6)").arg(e.at.toLocalTime().toString(Qt::ISODate), e.who, e.field, e.oldValue, e.newValue, e.reason);
    mHistory->setPlainText(lines.join(QLatin1Char('\n')));
}

bool ReviewPanel::apply(const std::vector<qint64> &records, const std::function<void(store::ReviewState &)> &change, const QString &text)
{
    if (!mDb || records.empty())
        return false;
    const QString who = reviewer();
    if (who.isEmpty()) {
        fail(tr("a reviewer name is needed to record changes"));
        return false;
    }
    StatesCommand::States before, after;
    for (qint64 id : records) {
        auto s = mDb->state(id);
        if (!s) {
            fail(s.error());
            return false;
        }
        before.emplace_back(id, s.value());
        store::ReviewState next = s.value();
        next.reviewer = who;
        next.comment = mComment->text();
        change(next);
        after.emplace_back(id, next);
    }
    mError.clear();
    mUndo->push(new StatesCommand(mDb.get(), before, after, who, text, [this](const StatesCommand::States &states, const QString &error) {
        if (!error.isEmpty())
            fail(error);
        for (const auto &[id, state] : states)
            mModel->refresh(id);
        showCurrent();
    }));
    return mError.isEmpty();
}

bool ReviewPanel::confirm()
{
    return apply({mCurrent}, [](store::ReviewState &s) { s.status = store::ReviewStatus::Confirmed; }, tr("confirm"));
}

bool ReviewPanel::reject()
{
    return apply({mCurrent}, [](store::ReviewState &s) { s.status = store::ReviewStatus::Rejected; }, tr("reject"));
}

bool ReviewPanel::relabel(int cls)
{
    return apply({mCurrent}, [this, cls](store::ReviewState &s) { s.relabel(cls, mReviewer); }, tr("relabel as %1").arg(dataset::className(cls)));
}

bool ReviewPanel::relabelSelection(int cls)
{
    std::vector<qint64> records;
    for (const QModelIndex &index : mTable->selectionModel()->selectedRows())
        records.push_back(index.data(WorklistModel::kIdRole).toLongLong());
    if (records.empty() && mCurrent >= 0)
        records.push_back(mCurrent);
    return apply(records, [this, cls](store::ReviewState &s) { s.relabel(cls, mReviewer); },
                 tr("relabel %1 record(s) as %2").arg(records.size()).arg(dataset::className(cls)));
}

bool ReviewPanel::nextUnreviewedFlagged()
{
    const int rows = mFilter->rowCount();
    int start = 0;
    for (int i = 0; i < rows; ++i)
        if (mFilter->index(i, 0).data(WorklistModel::kIdRole).toLongLong() == mCurrent)
            start = i + 1;
    for (int k = 0; k < rows; ++k) {
        const QModelIndex index = mFilter->index((start + k) % rows, 0);
        const store::WorklistRow *r = mModel->rowOf(index.data(WorklistModel::kIdRole).toLongLong());
        if (r && index.data(WorklistModel::kFlaggedRole).toBool() && r->state.status == store::ReviewStatus::Unreviewed && r->id != mCurrent) {
            mTable->setCurrentIndex(index);
            select(r->id);
            return true;
        }
    }
    return false;
}

} // namespace ecgscope::ui

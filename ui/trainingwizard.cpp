#include "ui/trainingwizard.h"

#include "core/dataset/classes.h"
#include "core/dataset/synthcorpus.h"
#include "core/paths.h"
#include "core/store/studydb.h"
#include "ui/comparisonview.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtConcurrent/QtConcurrentRun>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QScreen>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <set>

namespace ecgscope::ui {

namespace {

constexpr int kTooFewToLearn = 20; ///< training records of a class below which the wizard warns

QString minutes(qint64 ms)
{
    return QStringLiteral("%1:%2").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

QLabel *monospace(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

/// Generation progress in a modal dialog on the GUI thread (events are processed between records).
class DialogProgress : public Progress {
public:
    explicit DialogProgress(QProgressDialog *dialog) : mDialog(dialog) {}
    void report(qint64 done, qint64 total, const QString &) override
    {
        mDialog->setMaximum(int(total));
        mDialog->setValue(int(done));
        QCoreApplication::processEvents();
    }
    bool cancelled() const override { return mDialog->wasCanceled(); }

private:
    QProgressDialog *mDialog;
};

/// Reports epochs to the wizard on its thread; cancel is polled by the trainer between batches.
class WizardObserver : public ml::TrainingObserver {
public:
    WizardObserver(TrainingWizard *wizard, int run, std::shared_ptr<std::atomic_bool> cancel, std::function<void(int, ml::EpochReport)> onEpoch)
        : mWizard(wizard), mRun(run), mCancel(std::move(cancel)), mOnEpoch(std::move(onEpoch))
    {
    }
    void epochFinished(const ml::EpochReport &report) override
    {
        QMetaObject::invokeMethod(mWizard, [f = mOnEpoch, run = mRun, report] { f(run, report); }, Qt::QueuedConnection);
    }
    bool cancelled() const override { return *mCancel; }

private:
    TrainingWizard *mWizard;
    int mRun;
    std::shared_ptr<std::atomic_bool> mCancel;
    std::function<void(int, ml::EpochReport)> mOnEpoch;
};

} // namespace

class WizardDataPage : public QWizardPage {
public:
    explicit WizardDataPage(TrainingWizard *w) : mWizard(w), mCounts(monospace(this)), mWarning(new QLabel(this))
    {
        setTitle(tr("Data"));
        setSubTitle(tr("What to train on: the study database's labelled records (not rejected), or a manifest: an imported public "
                       "dataset (ecgscope-cli dataset import) or an exported training set."));
        auto *fromDb = new QRadioButton(tr("Labelled records of the open study database"), this);
        auto *fromFile = new QRadioButton(tr("A manifest file:"), this);
        auto *path = new QLineEdit(this);
        auto *browse = new QPushButton(tr("Browse..."), this);
        fromDb->setEnabled(w->mDb != nullptr);
        (w->mDb ? fromDb : fromFile)->setChecked(true);
        registerField(QStringLiteral("fromDatabase"), fromDb);
        registerField(QStringLiteral("manifestPath"), path);
        connect(browse, &QPushButton::clicked, this, [this, path] {
            const QString f = QFileDialog::getOpenFileName(this, tr("Manifest"), QString(), tr("Manifest (*.csv)"));
            if (!f.isEmpty())
                path->setText(f);
        });
        connect(path, &QLineEdit::textChanged, this, [this, fromFile] {
            fromFile->setChecked(true);
            reload();
        });
        connect(fromDb, &QRadioButton::toggled, this, &WizardDataPage::reload);
        // Synthetic ECGs beside the user's records: the only teacher for classes a hospital rarely has
        // (PSVT, complete AV block). The model is still chosen and judged on the user's records alone.
        auto *synthetic = new QCheckBox(tr("Add synthetic ECGs from EcgScope's generator (training only; validation and test stay on the records above)"), this);
        auto *perClass = new QSpinBox(this);
        perClass->setRange(10, 5000);
        perClass->setValue(300);
        perClass->setSuffix(tr(" per class"));
        auto *weight = new QDoubleSpinBox(this);
        weight->setRange(0.05, 10.0);
        weight->setSingleStep(0.1);
        weight->setValue(0.5);
        weight->setToolTip(tr("Sampling weight: how often each synthetic record is drawn per epoch on average (1 = once)."));
        registerField(QStringLiteral("synthetic"), synthetic);
        connect(synthetic, &QCheckBox::toggled, this, &WizardDataPage::reload);
        perClass->setEnabled(false);
        weight->setEnabled(false);
        connect(synthetic, &QCheckBox::toggled, perClass, &QWidget::setEnabled);
        connect(synthetic, &QCheckBox::toggled, weight, &QWidget::setEnabled);
        registerField(QStringLiteral("syntheticPerClass"), perClass);
        registerField(QStringLiteral("syntheticWeight"), weight, "value", SIGNAL(valueChanged(double)));
        auto *synthRow = new QHBoxLayout;
        synthRow->addWidget(new QLabel(tr("    records:"), this));
        synthRow->addWidget(perClass);
        synthRow->addWidget(new QLabel(tr("sampling weight:"), this));
        synthRow->addWidget(weight);
        synthRow->addStretch();
        mWarning->setWordWrap(true);
        mWarning->setStyleSheet(QStringLiteral("color: #b00"));
        auto *row = new QHBoxLayout;
        row->addWidget(fromFile);
        row->addWidget(path, 1);
        row->addWidget(browse);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(fromDb);
        layout->addLayout(row);
        layout->addWidget(synthetic);
        layout->addLayout(synthRow);
        layout->addWidget(mCounts);
        layout->addWidget(mWarning);
        layout->addStretch();
    }
    void initializePage() override { reload(); }
    bool isComplete() const override { return !mWizard->mLoaded.entries.empty(); }

private:
    void reload()
    {
        mWizard->loadData();
        const dataset::Manifest &m = mWizard->mLoaded;
        QString text = m.entries.empty() ? QString() : tr("%1 records, %2 classes\n\n").arg(m.entries.size()).arg(m.classCount);
        QStringList small;
        if (!m.entries.empty()) {
            const std::vector<int> counts = m.classCounts();
            for (int c = 0; c < m.classCount; ++c) {
                text += QStringLiteral("%1 %2\n").arg(dataset::className(c).leftJustified(8)).arg(counts[size_t(c)], 6);
                if (counts[size_t(c)] < kTooFewToLearn)
                    small << QStringLiteral("%1 (%2)").arg(dataset::className(c)).arg(counts[size_t(c)]);
            }
        }
        mCounts->setText(text);
        QString warning = mWizard->mFailures.join(QLatin1Char('\n'));
        if (!small.isEmpty())
            warning += field(QStringLiteral("synthetic")).toBool()
                           ? tr("Few or no records of your own (fewer than %1): %2. Only the synthetic ECGs teach these classes, and "
                                "your validation and test records cannot measure them.")
                                 .arg(kTooFewToLearn)
                                 .arg(small.join(QStringLiteral(", ")))
                           : tr("Too few records to learn from (fewer than %1): %2. Expect poor recall for these classes.")
                                 .arg(kTooFewToLearn)
                                 .arg(small.join(QStringLiteral(", ")));
        mWarning->setText(warning);
        Q_EMIT completeChanged();
    }
    TrainingWizard *mWizard;
    QLabel *mCounts;
    QLabel *mWarning;
};

class WizardSplitPage : public QWizardPage {
public:
    explicit WizardSplitPage(TrainingWizard *w) : mWizard(w), mTable(monospace(this))
    {
        setTitle(tr("Split"));
        setSubTitle(tr("Training, validation (early stopping) and test (the comparison) sets. Patients never span two sets."));
        auto *stratified = new QRadioButton(tr("Patient-wise stratified"), this);
        mFolds = new QRadioButton(tr("The dataset's own folds (10 = test, 9 = validation)"), this);
        mKeep = new QRadioButton(tr("Keep the manifest's split"), this);
        stratified->setChecked(true);
        auto *val = new QDoubleSpinBox(this);
        auto *test = new QDoubleSpinBox(this);
        for (QDoubleSpinBox *s : {val, test}) {
            s->setRange(0.05, 0.5);
            s->setSingleStep(0.05);
            s->setValue(0.15);
        }
        auto *seed = new QSpinBox(this);
        seed->setRange(1, 1000000);
        registerField(QStringLiteral("useFolds"), mFolds);
        registerField(QStringLiteral("keepSplit"), mKeep);
        registerField(QStringLiteral("valFraction"), val, "value", SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("testFraction"), test, "value", SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("seed"), seed);
        for (QAbstractButton *b : {static_cast<QAbstractButton *>(stratified), static_cast<QAbstractButton *>(mFolds), static_cast<QAbstractButton *>(mKeep)})
            connect(b, &QAbstractButton::toggled, this, &WizardSplitPage::update);
        connect(val, &QDoubleSpinBox::valueChanged, this, &WizardSplitPage::update);
        connect(test, &QDoubleSpinBox::valueChanged, this, &WizardSplitPage::update);
        connect(seed, &QSpinBox::valueChanged, this, &WizardSplitPage::update);
        auto *form = new QFormLayout;
        form->addRow(tr("Validation fraction"), val);
        form->addRow(tr("Test fraction"), test);
        form->addRow(tr("Seed"), seed);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(stratified);
        layout->addLayout(form);
        layout->addWidget(mFolds);
        layout->addWidget(mKeep);
        layout->addWidget(mTable);
        layout->addStretch();
    }
    void initializePage() override
    {
        const auto &entries = mWizard->mLoaded.entries;
        mFolds->setEnabled(std::any_of(entries.begin(), entries.end(), [](const dataset::Entry &e) { return e.fold > 0; }));
        mKeep->setEnabled(std::all_of(entries.begin(), entries.end(), [](const dataset::Entry &e) { return !e.split.isEmpty(); }));
        update();
    }
    bool isComplete() const override { return mOk; }

private:
    void update()
    {
        mOk = mWizard->applySplit();
        mTable->setText(mOk ? mWizard->mManifest.splitTable() : mWizard->mFailures.join(QLatin1Char('\n')));
        Q_EMIT completeChanged();
    }
    TrainingWizard *mWizard;
    QRadioButton *mFolds;
    QRadioButton *mKeep;
    QLabel *mTable;
    bool mOk = false;
};

class WizardModelPage : public QWizardPage {
public:
    explicit WizardModelPage(TrainingWizard *w) : mWizard(w)
    {
        setTitle(tr("Model"));
        setSubTitle(tr("Start from a new network, or fine-tune a model that already knows ECGs (the standard answer for a few hundred "
                       "labelled records). A new network: a 1-D ResNet (width = channels of the first stage, depth = residual blocks "
                       "per stage) or an InceptionTime-style net (width = filters per branch, depth = modules)."));
        mStart = new QComboBox(this);
        auto *scale = new QDoubleSpinBox(this);
        scale->setRange(0.01, 1.0);
        scale->setSingleStep(0.05);
        scale->setValue(0.3);
        scale->setToolTip(tr("Learning rate of the pretrained layers as a fraction of the head's"));
        auto *freeze = new QSpinBox(this);
        freeze->setRange(0, 100);
        freeze->setToolTip(tr("The early stages stay frozen for this many epochs"));
        registerField(QStringLiteral("startFrom"), mStart, "currentData");
        registerField(QStringLiteral("pretrainedLrScale"), scale, "value", SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("freezeEpochs"), freeze);
        auto *arch = new QComboBox(this);
        arch->addItems({tr("ResNet"), tr("Inception")});
        auto *width = new QSpinBox(this);
        width->setRange(4, 128);
        width->setValue(32);
        auto *depth = new QSpinBox(this);
        depth->setRange(1, 8);
        depth->setValue(2);
        registerField(QStringLiteral("architecture"), arch);
        registerField(QStringLiteral("width"), width);
        registerField(QStringLiteral("depth"), depth);
        auto *form = new QFormLayout(this);
        form->addRow(tr("Start from"), mStart);
        form->addRow(tr("    pretrained layers' learning rate (x)"), scale);
        form->addRow(tr("    freeze early stages for (epochs)"), freeze);
        form->addRow(tr("Architecture"), arch);
        form->addRow(tr("Width"), width);
        form->addRow(tr("Depth"), depth);
        // A parent decides the network: its fields are for a new one only.
        const auto update = [=] {
            const bool fresh = mStart->currentData().toString().isEmpty();
            for (QWidget *widget : std::initializer_list<QWidget *>{arch, width, depth})
                widget->setEnabled(fresh);
            scale->setEnabled(!fresh);
            freeze->setEnabled(!fresh);
        };
        connect(mStart, &QComboBox::currentIndexChanged, this, update);
        update();
    }
    void initializePage() override
    {
        // Offered: a new network, the active model, and every past run whose model is still on disk; a
        // choice made before (Back, then Next again) is kept.
        const QString chosen = mStart->currentData().toString();
        mStart->clear();
        mStart->addItem(tr("a new network (random weights)"), QString());
        const QString active = mWizard->mDb && !mWizard->mDb->activeModel().isEmpty() ? mWizard->mDb->activeModel() : dataDir() + QStringLiteral("/models/default");
        mStart->addItem(tr("the active model (%1)").arg(QFileInfo(active).fileName()), active);
        if (mWizard->mDb)
            if (auto runs = mWizard->mDb->runs())
                for (const QJsonObject &json : runs.value())
                    if (auto run = ml::RunRecord::fromJson(json); run && QFileInfo::exists(QDir(run->modelDir).filePath(QStringLiteral("model.json"))))
                        mStart->addItem(tr("past run: %1 (%2)").arg(run->name, run->modelId), run->modelDir);
        mStart->setCurrentIndex(std::max(0, mStart->findData(chosen)));
    }

private:
    TrainingWizard *mWizard;
    QComboBox *mStart;
};

class WizardStrategyPage : public QWizardPage {
public:
    explicit WizardStrategyPage(const QString &output)
    {
        setTitle(tr("Imbalance strategies"));
        setSubTitle(tr("Each ticked strategy is one run on the same split; the results page compares them side by side."));
        auto *form = new QFormLayout(this);
        const auto tick = [&](const QString &field, const QString &text, bool on) {
            auto *box = new QCheckBox(text, this);
            box->setChecked(on);
            registerField(field, box);
            connect(box, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
            mBoxes << box;
            return box;
        };
        form->addRow(tick(QStringLiteral("none"), tr("None (plain, imbalanced)"), true));
        auto *gamma = new QDoubleSpinBox(this);
        gamma->setRange(0.0, 10.0);
        gamma->setValue(2.0);
        auto *alpha = new QLineEdit(this);
        alpha->setPlaceholderText(tr("per class, comma-separated; empty = 1"));
        registerField(QStringLiteral("gamma"), gamma, "value", SIGNAL(valueChanged(double)));
        registerField(QStringLiteral("alpha"), alpha);
        form->addRow(tick(QStringLiteral("focal"), tr("Focal loss"), true));
        form->addRow(tr("    gamma"), gamma);
        form->addRow(tr("    alpha"), alpha);
        auto *scheme = new QComboBox(this);
        scheme->addItems({tr("inverse frequency"), tr("effective number (beta 0.999)")});
        registerField(QStringLiteral("scheme"), scheme);
        form->addRow(tick(QStringLiteral("weights"), tr("Class weights"), false));
        form->addRow(tr("    scheme"), scheme);
        form->addRow(tick(QStringLiteral("balance"), tr("Balance (undersample to the smallest class)"), false));
        auto *groups = new QLineEdit(QStringLiteral("1,2,3;4;5;6;7"), this);
        registerField(QStringLiteral("groups"), groups);
        form->addRow(tick(QStringLiteral("subclass"), tr("Subclass (two stages)"), false));
        form->addRow(tr("    groups (classes 1-7, ';' between groups)"), groups);
        auto *epochs = new QSpinBox(this);
        epochs->setRange(1, 500);
        epochs->setValue(30);
        auto *batch = new QSpinBox(this);
        batch->setRange(2, 1024);
        batch->setValue(32);
        auto *lr = new QDoubleSpinBox(this);
        lr->setDecimals(5);
        lr->setRange(0.00001, 1.0);
        lr->setSingleStep(0.0001);
        lr->setValue(0.001);
        auto *out = new QLineEdit(output, this);
        registerField(QStringLiteral("epochs"), epochs);
        registerField(QStringLiteral("batch"), batch);
        registerField(QStringLiteral("learningRate"), lr, "value", SIGNAL(valueChanged(double)));
        // Not a mandatory ("output*") field: QWizard counts a mandatory field that still holds its initial
        // value as unfilled, which kept Next disabled on the defaults.
        registerField(QStringLiteral("output"), out);
        connect(out, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
        mOutput = out;
        form->addRow(tr("Epochs (early stopping after 8 without progress)"), epochs);
        form->addRow(tr("Batch size"), batch);
        form->addRow(tr("Learning rate (Adam, cosine schedule)"), lr);
        form->addRow(tr("Output folder"), out);
    }
    bool isComplete() const override
    {
        return !mOutput->text().trimmed().isEmpty() && std::any_of(mBoxes.begin(), mBoxes.end(), [](const QCheckBox *b) { return b->isChecked(); });
    }

private:
    QList<QCheckBox *> mBoxes;
    QLineEdit *mOutput = nullptr;
};

class WizardRunPage : public QWizardPage {
public:
    explicit WizardRunPage(TrainingWizard *w) : mWizard(w)
    {
        setTitle(tr("Training"));
        setSubTitle(tr("One run after another on a worker thread. Cancel stops the current run; finished runs are kept."));
        setCommitPage(true);
        setButtonText(QWizard::CommitButton, tr("Results"));
        w->mStatus = new QLabel(this);
        w->mProgress = new QProgressBar(this);
        w->mLiveChart = new QChart;
        w->mLiveChart->setTitle(tr("Training loss (solid) and validation macro-F1 (dashed)"));
        auto *cancel = new QPushButton(tr("Cancel training"), this);
        connect(cancel, &QPushButton::clicked, w, &TrainingWizard::cancel);
        connect(w, &TrainingWizard::runsFinished, this, [this, cancel] {
            cancel->setEnabled(false);
            Q_EMIT completeChanged();
        });
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(w->mStatus);
        layout->addWidget(w->mProgress);
        layout->addWidget(new QChartView(w->mLiveChart, this), 1);
        layout->addWidget(cancel);
    }
    void initializePage() override { mWizard->startRuns(); }
    bool isComplete() const override { return !mWizard->isRunning(); }

private:
    TrainingWizard *mWizard;
};

class WizardResultsPage : public QWizardPage {
public:
    explicit WizardResultsPage(TrainingWizard *w) : mWizard(w), mRun(new QComboBox(this))
    {
        setTitle(tr("Results on the test set"));
        w->mComparison = new ComparisonView(this);
        auto *png = new QPushButton(tr("Export PNG..."), this);
        auto *pdf = new QPushButton(tr("Export PDF..."), this);
        auto *csv = new QPushButton(tr("Export CSV..."), this);
        auto *save = new QPushButton(tr("Save Model As..."), this);
        auto *active = new QPushButton(tr("Make Active Classifier"), this);
        const auto exportTo = [this, w](const QString &filter, bool table) {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), QString(), filter);
            if (path.isEmpty())
                return;
            const QString error = table ? w->mComparison->exportCsv(path) : w->mComparison->exportImage(path);
            if (!error.isEmpty())
                QMessageBox::warning(this, tr("Export failed"), error);
        };
        connect(png, &QPushButton::clicked, this, [exportTo] { exportTo(tr("PNG (*.png)"), false); });
        connect(pdf, &QPushButton::clicked, this, [exportTo] { exportTo(tr("PDF (*.pdf)"), false); });
        connect(csv, &QPushButton::clicked, this, [exportTo] { exportTo(tr("CSV (*.csv)"), true); });
        connect(active, &QPushButton::clicked, this, [this] { mWizard->makeActive(mRun->currentIndex()); });
        connect(save, &QPushButton::clicked, this, [this] {
            const int run = mRun->currentIndex();
            if (run < 0)
                return;
            const QString to = QFileDialog::getExistingDirectory(this, tr("Copy the model (weights and model card) into"));
            if (to.isEmpty())
                return;
            const QDir from(mWizard->finishedRuns()[size_t(run)].modelDir);
            for (const QString &f : from.entryList(QDir::Files))
                if (!QFile::copy(from.filePath(f), QDir(to).filePath(f)))
                    QMessageBox::warning(this, tr("Save failed"), tr("%1: cannot copy %2").arg(to, f));
        });
        auto *buttons = new QHBoxLayout;
        for (QPushButton *b : {png, pdf, csv})
            buttons->addWidget(b);
        buttons->addStretch();
        buttons->addWidget(mRun);
        buttons->addWidget(save);
        buttons->addWidget(active);
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(w->mComparison, 1);
        layout->addLayout(buttons);
    }
    void initializePage() override
    {
        mWizard->mComparison->setRuns(mWizard->finishedRuns());
        mRun->clear();
        for (const ml::RunRecord &r : mWizard->finishedRuns())
            mRun->addItem(r.name);
        setSubTitle(mWizard->statusText());
    }

private:
    TrainingWizard *mWizard;
    QComboBox *mRun;
};

TrainingWizard::TrainingWizard(store::StudyDatabase *db, const QString &outputFolder, QWidget *parent)
    : QWizard(parent), mDb(db), mOutput(outputFolder)
{
    setWindowTitle(tr("Training Wizard"));
    setDefaultProperty("QDoubleSpinBox", "value", SIGNAL(valueChanged(double)));
    setPage(DataPage, new WizardDataPage(this));
    setPage(SplitPage, new WizardSplitPage(this));
    setPage(ModelPage, new WizardModelPage(this));
    setPage(StrategyPage, new WizardStrategyPage(outputFolder));
    setPage(RunPage, new WizardRunPage(this));
    setPage(ResultsPage, new WizardResultsPage(this));
    setOption(QWizard::NoBackButtonOnLastPage, true);
    // Roomy for the results page, but never larger than the screen (a laptop's 1366x768 included).
    const QRect screen = (parent ? parent->screen() : QGuiApplication::primaryScreen())->availableGeometry();
    resize(std::min(1600, screen.width() * 9 / 10), std::min(1000, screen.height() * 9 / 10));
    connect(&mJob, &QFutureWatcher<void>::finished, this, &TrainingWizard::runsFinished);
}

TrainingWizard::~TrainingWizard()
{
    cancel();
    mJob.waitForFinished();
}

bool TrainingWizard::loadData()
{
    mFailures.clear();
    mLoaded = dataset::Manifest{};
    QString path = field(QStringLiteral("manifestPath")).toString();
    if (field(QStringLiteral("fromDatabase")).toBool() && mDb) {
        // Exported once per wizard: the data page reloads whenever it is shown or switched.
        if (mDatabaseExport.isEmpty()) {
            const QString folder = QDir(mOutput).filePath(QStringLiteral("trainingset-%1").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMddTHHmmss"))));
            store::ExportOptions options;
            options.deidentify = true;
            if (Status s = mDb->exportTrainingSet(folder, options); !s) {
                mFailures << s.error();
                return false;
            }
            mDatabaseExport = folder + QStringLiteral("/manifest.csv");
        }
        path = mDatabaseExport;
    }
    if (path.isEmpty())
        return false;
    auto m = dataset::readManifest(path);
    if (!m) {
        mFailures << m.error();
        return false;
    }
    mLoaded = std::move(m).value();
    return true;
}

bool TrainingWizard::loadSynthetic()
{
    if (!field(QStringLiteral("synthetic")).toBool()) {
        mSynthetic.reset();
        return true;
    }
    // Generated once per size and kept in the output folder: the corpus is the generator's, not patients'.
    // Read once too: the split page re-applies the split on every change of its fields.
    const int perClass = field(QStringLiteral("syntheticPerClass")).toInt();
    const QString folder = QDir(mOutput).filePath(QStringLiteral("synthetic-%1").arg(perClass));
    if (mSynthetic && mSyntheticFolder == folder) {
        mSynthetic->weight = field(QStringLiteral("syntheticWeight")).toDouble();
        return true;
    }
    mSynthetic.reset();
    auto m = dataset::readManifest(folder + QStringLiteral("/manifest.csv"));
    if (!m) {
        dataset::SynthCorpusOptions o;
        o.recordsPerClass = perClass;
        o.otherFactor = 3;
        QProgressDialog dialog(tr("Generating %1 synthetic ECGs per class...").arg(perClass), tr("Cancel"), 0, 100, this);
        dialog.setWindowModality(Qt::WindowModal);
        DialogProgress progress(&dialog);
        m = dataset::makeSyntheticCorpus(folder, o, &progress);
    }
    if (!m) {
        mFailures << m.error();
        return false;
    }
    mSynthetic = dataset::Source{std::move(m).value(), QStringLiteral("synthetic"), field(QStringLiteral("syntheticWeight")).toDouble()};
    mSyntheticFolder = folder;
    return true;
}

bool TrainingWizard::applySplit()
{
    mFailures.clear();
    mManifest = mLoaded;
    if (!field(QStringLiteral("keepSplit")).toBool()) {
        dataset::SplitOptions options;
        options.useFolds = field(QStringLiteral("useFolds")).toBool();
        options.validationFraction = field(QStringLiteral("valFraction")).toDouble();
        options.testFraction = field(QStringLiteral("testFraction")).toDouble();
        options.seed = uint64_t(field(QStringLiteral("seed")).toInt());
        if (Status s = dataset::assignSplits(mManifest, options); !s) {
            mFailures << s.error();
            return false;
        }
    }
    for (const char *split : {"train", "val", "test"})
        if (mManifest.inSplit(QLatin1String(split)).empty()) {
            mFailures << tr("the %1 set is empty: more records, or larger fractions, are needed").arg(QLatin1String(split));
            return false;
        }
    if (!loadSynthetic())
        return false;
    if (mSynthetic) {
        // The user's records alone validate and test: a model must be chosen on real data.
        auto merged = dataset::mergeSources({dataset::Source{mManifest, QStringLiteral("records"), 1.0}, *mSynthetic}, QStringLiteral("records"));
        if (!merged) {
            mFailures << merged.error();
            return false;
        }
        mManifest = std::move(merged).value();
    }
    return true;
}

Result<std::vector<ml::TrainConfig>> TrainingWizard::configs() const
{
    using R = Result<std::vector<ml::TrainConfig>>;
    ml::TrainConfig base;
    base.net.architecture = field(QStringLiteral("architecture")).toInt() == 1 ? ml::Architecture::Inception : ml::Architecture::ResNet;
    base.net.width = field(QStringLiteral("width")).toInt();
    base.net.depth = field(QStringLiteral("depth")).toInt();
    base.epochs = field(QStringLiteral("epochs")).toInt();
    base.batchSize = field(QStringLiteral("batch")).toInt();
    base.learningRate = field(QStringLiteral("learningRate")).toDouble();
    base.seed = uint64_t(field(QStringLiteral("seed")).toInt());
    const QString parent = field(QStringLiteral("startFrom")).toString();
    if (!parent.isEmpty()) {
        auto p = ml::readParentModel(parent);
        if (!p)
            return R::failure(p.error());
        base.net = p->net;
        base.contract = p->contract;
        base.fineTune = {parent, field(QStringLiteral("pretrainedLrScale")).toDouble(), field(QStringLiteral("freezeEpochs")).toInt()};
    }
    std::vector<ml::TrainConfig> out;
    if (field(QStringLiteral("none")).toBool())
        out.push_back(base);
    if (field(QStringLiteral("focal")).toBool()) {
        ml::TrainConfig c = base;
        c.strategy.focal = true;
        c.strategy.gamma = field(QStringLiteral("gamma")).toDouble();
        for (const QString &a : field(QStringLiteral("alpha")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            c.strategy.alpha.push_back(a.trimmed().toDouble(&ok));
            if (!ok)
                return R::failure(tr("focal alpha: '%1' is not a number").arg(a));
        }
        if (!c.strategy.alpha.empty() && int(c.strategy.alpha.size()) != mManifest.classCount)
            return R::failure(tr("focal alpha: %1 values for %2 classes").arg(c.strategy.alpha.size()).arg(mManifest.classCount));
        out.push_back(c);
    }
    if (field(QStringLiteral("weights")).toBool()) {
        ml::TrainConfig c = base;
        c.strategy.classWeights = true;
        c.strategy.scheme = field(QStringLiteral("scheme")).toInt() == 1 ? ml::WeightScheme::EffectiveNumber : ml::WeightScheme::InverseFrequency;
        out.push_back(c);
    }
    if (field(QStringLiteral("balance")).toBool()) {
        ml::TrainConfig c = base;
        c.strategy.balance = true;
        out.push_back(c);
    }
    if (field(QStringLiteral("subclass")).toBool()) {
        ml::TrainConfig c = base;
        c.strategy.subclass = true;
        std::set<int> seen;
        for (const QString &group : field(QStringLiteral("groups")).toString().split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            c.strategy.groups.emplace_back();
            for (const QString &member : group.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const int cls = member.trimmed().toInt() - 1;
                if (cls < 0 || cls >= mManifest.classCount || !seen.insert(cls).second)
                    return R::failure(tr("subclass groups: '%1' is not a class 1-%2 used once").arg(member.trimmed()).arg(mManifest.classCount));
                c.strategy.groups.back().push_back(cls);
            }
        }
        if (int(seen.size()) != mManifest.classCount)
            return R::failure(tr("subclass groups must use every class 1-%1 once").arg(mManifest.classCount));
        out.push_back(c);
    }
    return out;
}

void TrainingWizard::startRuns()
{
    auto configs = this->configs();
    mFinished.clear();
    if (!configs) {
        mFailures = QStringList{configs.error()};
        mStatus->setText(configs.error());
        Q_EMIT runsFinished();
        return;
    }
    mConfigs = std::move(configs).value();
    mEpochsDone = 0;
    mEpochsTotal = 0;
    for (const ml::TrainConfig &c : mConfigs) {
        int stages = 1;
        if (c.strategy.subclass)
            for (const auto &g : c.strategy.effectiveGroups(mManifest.classCount))
                stages += g.size() > 1 ? 1 : 0;
        mEpochsTotal += c.epochs * stages;
    }
    mProgress->setRange(0, mEpochsTotal);
    mProgress->setValue(0);
    mStartedMs = QDateTime::currentMSecsSinceEpoch();
    mCancel = std::make_shared<std::atomic_bool>(false);
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMddTHHmmss"));
    const QString out = field(QStringLiteral("output")).toString();
    QStringList names;
    for (const ml::TrainConfig &c : mConfigs)
        names << c.name();
    resetCurves(mLiveChart, names, mConfigs.front().epochs, 2.0);
    mStatus->setText(tr("Starting %1 run(s)...").arg(mConfigs.size()));
    const auto onEpoch = [this](int run, const ml::EpochReport &r) { this->onEpoch(run, r); };
    mJob.setFuture(QtConcurrent::run([this, configs = mConfigs, manifest = mManifest, out, stamp, cancel = mCancel, onEpoch] {
        for (size_t i = 0; i < configs.size() && !*cancel; ++i) {
            const ml::TrainConfig &c = configs[i];
            const QString name = c.name();
            const QString dir = QDir(out).filePath(QStringLiteral("%1-%2").arg(stamp, c.folderName()));
            QMetaObject::invokeMethod(this, [this, i] { mCurrentRun = int(i); }, Qt::QueuedConnection);
            WizardObserver observer(this, int(i), cancel, onEpoch);
            auto result = ml::train(manifest, c, dir, &observer);
            QMetaObject::invokeMethod(this, [this, name, result = std::move(result), cancel] {
                if (result) {
                    mFinished.push_back(ml::RunRecord::fromResult(name, result.value()));
                    if (mDb)
                        if (Status s = mDb->addRun(mFinished.back().toJson()); !s)
                            mFailures << s.error();
                } else if (!*cancel) {
                    mFailures << QStringLiteral("%1: %2").arg(name, result.error());
                }
            }, Qt::QueuedConnection);
        }
    }));
}

void TrainingWizard::onEpoch(int run, const ml::EpochReport &report)
{
    ++mEpochsDone;
    mProgress->setValue(std::min(mEpochsDone, mEpochsTotal));
    appendCurves(mLiveChart, run, report);
    const qint64 elapsed = QDateTime::currentMSecsSinceEpoch() - mStartedMs;
    const qint64 eta = mEpochsDone > 0 ? elapsed * std::max(0, mEpochsTotal - mEpochsDone) / mEpochsDone : 0;
    mStatus->setText(tr("Run %1 of %2: %3, %4 epoch %5/%6, loss %7, validation macro-F1 %8  ·  elapsed %9, ETA %10 (at most)")
                         .arg(run + 1)
                         .arg(mConfigs.size())
                         .arg(mConfigs[size_t(run)].name(), report.stage)
                         .arg(report.epoch)
                         .arg(report.epochs)
                         .arg(report.trainLoss, 0, 'f', 3)
                         .arg(report.validationMacroF1, 0, 'f', 3)
                         .arg(minutes(elapsed), minutes(eta)));
    Q_EMIT progressed();
}

void TrainingWizard::cancel()
{
    if (mCancel)
        *mCancel = true;
}

QString TrainingWizard::statusText() const
{
    QString text = tr("%1 of %2 run(s) finished on %3 test records.").arg(mFinished.size()).arg(mConfigs.size()).arg(mManifest.inSplit(QStringLiteral("test")).size());
    if (mCancel && *mCancel)
        text += tr(" Training was cancelled; the finished runs are kept.");
    if (!mFailures.isEmpty())
        text += QLatin1Char(' ') + mFailures.join(QStringLiteral("; "));
    return text;
}

bool TrainingWizard::makeActive(int run)
{
    if (run < 0 || run >= int(mFinished.size()))
        return false;
    const QString dir = mFinished[size_t(run)].modelDir;
    if (mDb)
        mDb->setActiveModel(dir);
    Q_EMIT activeModelChanged(dir);
    return true;
}

} // namespace ecgscope::ui

#include "ui/mainwindow.h"

#include "core/io/reader.h"
#include "core/paths.h"
#include "ui/leadplot.h"

#include <QtConcurrent/QtConcurrentRun>

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QVBoxLayout>

namespace ecgscope::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), mPlot(new LeadPlot(this)), mHeader(new QLabel(this)), mClassification(new QLabel(this))
{
    setWindowTitle(tr("EcgScope"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    mHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mHeader->setWordWrap(true);
    layout->addWidget(mHeader);
    layout->addWidget(mClassification);
    layout->addWidget(mPlot, 1);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open..."), this, &MainWindow::openFromDialog);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    resize(1200, 900);
    connect(&mWatcher, &QFutureWatcher<Result<ml::Prediction>>::finished, this, &MainWindow::showClassification);
    auto loaded = ml::Classifier::load(dataDir() + QStringLiteral("/models/default"));
    if (loaded)
        mClassifier = loaded.value();
    else
        mClassifierError = loaded.error();
}

QString MainWindow::classificationText() const
{
    return mClassification->text();
}

void MainWindow::classifyInBackground()
{
    if (!mClassifier) {
        mClassification->setText(tr("No classification: %1").arg(mClassifierError));
        Q_EMIT classified();
        return;
    }
    mClassification->setText(tr("Classifying..."));
    ++mGeneration;
    // The record is copied into the task: the GUI may open another file meanwhile.
    mWatcher.setFuture(QtConcurrent::run([classifier = mClassifier, ecg = mEcg] { return classifier->classify(ecg); }));
}

void MainWindow::showClassification()
{
    const Result<ml::Prediction> r = mWatcher.result();
    if (!r) {
        mClassification->setText(tr("No classification: %1").arg(r.error()));
    } else {
        const QStringList names = mClassifier->classNames();
        QStringList probabilities;
        for (int c = 0; c < names.size(); ++c)
            probabilities << QStringLiteral("%1 %2").arg(names[c]).arg(double(r->probabilities[size_t(c)]), 0, 'f', 2);
        mClassification->setText(tr("Model: <b>%1</b> (%2)  ·  %3  ·  %4 — a research aid, not a diagnosis")
                                     .arg(names[r->topClass])
                                     .arg(double(r->probabilities[size_t(r->topClass)]), 0, 'f', 2)
                                     .arg(probabilities.join(QStringLiteral(", ")), mClassifier->modelId()));
    }
    Q_EMIT classified();
}

bool MainWindow::openFile(const QString &path)
{
    auto result = io::readEcg(path);
    if (!result) {
        mError = result.error();
        statusBar()->showMessage(mError);
        return false;
    }
    mError.clear();
    mEcg = std::move(result).value();
    showEcg();
    return true;
}

void MainWindow::openFromDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open ECG"), QString(), io::openFileFilter());
    if (path.isEmpty())
        return;
    if (!openFile(path))
        QMessageBox::warning(this, tr("Cannot open ECG"), mError);
}

void MainWindow::showEcg()
{
    const PatientInfo &p = mEcg.patient;
    QStringList parts;
    parts << (p.name.isEmpty() ? tr("(no name)") : p.name);
    if (!p.id.isEmpty())
        parts << tr("ID %1").arg(p.id);
    if (p.ageYears)
        parts << tr("%1 y").arg(*p.ageYears);
    if (p.sex != Sex::Unknown)
        parts << toString(p.sex);
    if (mEcg.acquisition.start.isValid())
        parts << mEcg.acquisition.start.toString(Qt::ISODate);
    parts << tr("%1 leads, %2 Hz, %3 s").arg(mEcg.leads.size()).arg(mEcg.sampleRateHz).arg(mEcg.durationMs() / 1000.0);
    parts << QStringLiteral("%1 (%2)").arg(QFileInfo(mEcg.sourcePath).fileName(), mEcg.sourceFormat);
    QString text = parts.join(QStringLiteral("  ·  "));
    if (!mEcg.statements.isEmpty())
        text += QStringLiteral("\n") + mEcg.statements.join(QStringLiteral("; "));
    if (!mEcg.notes.isEmpty())
        text += QStringLiteral("\n") + mEcg.notes.join(QStringLiteral("; "));
    mHeader->setText(text);
    setWindowTitle(tr("EcgScope - %1").arg(QFileInfo(mEcg.sourcePath).fileName()));
    mPlot->setEcg(mEcg);
    classifyInBackground();
    statusBar()->showMessage(tr("Loaded %1").arg(mEcg.sourcePath), 5000);
}

} // namespace ecgscope::ui

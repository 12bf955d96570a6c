#include "ui/textoptionsdialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace ecgscope::ui {

TextOptionsDialog::TextOptionsDialog(const QString &path, const QString &problem, QWidget *parent)
    : QDialog(parent), mProblem(new QLabel), mRate(new QDoubleSpinBox), mUnit(new QDoubleSpinBox), mLeads(new QLineEdit)
{
    setWindowTitle(tr("Read %1 as ECG text").arg(QFileInfo(path).fileName()));
    setMinimumWidth(560); // the leads field shows a whole 12-lead list
    mProblem->setWordWrap(true);
    mProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setProblem(problem);
    mRate->setRange(1.0, 100000.0);
    mRate->setDecimals(3);
    mRate->setValue(500.0);
    mRate->setSuffix(tr(" Hz"));
    mUnit->setRange(0.0001, 1.0e6);
    mUnit->setDecimals(4);
    mUnit->setValue(1.0);
    mUnit->setSuffix(tr(" µV"));
    mUnit->setToolTip(tr("1 when the values are µV, 1000 when they are mV, the device's step (e.g. 5) when they are raw counts"));
    mLeads->setPlaceholderText(tr("from the file's header line, e.g. I, II, III, aVR, aVL, aVF, V1, V2, V3, V4, V5, V6"));
    auto *form = new QFormLayout;
    form->addRow(tr("Sampling &rate:"), mRate);
    form->addRow(tr("One stored &value is:"), mUnit);
    form->addRow(tr("&Leads (columns):"), mLeads);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Read"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("This file holds samples as text but does not say everything needed to read them. "
                                    "Values given here apply to this file only; they are not guessed.")));
    layout->addWidget(mProblem);
    layout->addLayout(form);
    layout->addWidget(buttons);
    qobject_cast<QLabel *>(layout->itemAt(0)->widget())->setWordWrap(true);
}

io::TextOptions TextOptionsDialog::options() const
{
    io::TextOptions o;
    o.rateHz = mRate->value();
    o.microvoltsPerUnit = mUnit->value();
    for (const QString &lead : mLeads->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts))
        o.leads << lead;
    return o;
}

void TextOptionsDialog::setProblem(const QString &problem)
{
    mProblem->setText(QStringLiteral("<i>%1</i>").arg(problem.toHtmlEscaped()));
}

} // namespace ecgscope::ui

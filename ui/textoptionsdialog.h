#pragma once

#include "core/io/textecg.h"

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace ecgscope::ui {

/// Asks for what a text/CSV ECG file does not say about itself: its sampling rate, the µV one stored
/// value stands for, and the leads' names when it has no header line. Shows the reader's problem.
class TextOptionsDialog : public QDialog {
    Q_OBJECT
public:
    TextOptionsDialog(const QString &path, const QString &problem, QWidget *parent = nullptr);

    io::TextOptions options() const;
    /// The reader's answer to the last values tried, when they did not do.
    void setProblem(const QString &problem);

private:
    QLabel *mProblem;
    QDoubleSpinBox *mRate;
    QDoubleSpinBox *mUnit;
    QLineEdit *mLeads;
};

} // namespace ecgscope::ui

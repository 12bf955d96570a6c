#pragma once

#include "core/record/ecg.h"

#include <QMainWindow>

class QLabel;

namespace ecgscope::ui {

class LeadPlot;

/// The application window: a record's header line and its leads; File > Open for any readable format.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    /// Loads and shows a record. On failure shows the reader's message and keeps the current record.
    /// @return true when the file was loaded
    bool openFile(const QString &path);
    const Ecg &ecg() const { return mEcg; }
    /// The last error message (empty after a successful open), for tests and the status bar.
    QString errorString() const { return mError; }

private:
    void openFromDialog();
    void showEcg();

    Ecg mEcg;
    QString mError;
    LeadPlot *mPlot;
    QLabel *mHeader;
};

} // namespace ecgscope::ui

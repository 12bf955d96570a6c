#pragma once

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

/// GUI tests keep recent files, calibration, the reviewer's name and the active model in a throw-away
/// settings location, starting empty.
inline void useThrowAwaySettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("EcgScopeTest"));
    QSettings().clear();
}

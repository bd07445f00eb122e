#pragma once
// What window-level suites share: a main window that never stops a test at a modal dialog, and
// grabs of widgets saved on request for looking at them.

#include "MainWindow.h"

#include <QtTest>

namespace guitest {

/// A MainWindow that discards unsaved changes and logs errors instead of asking in a dialog.
class QuietWindow : public MainWindow {
protected:
    QMessageBox::StandardButton askToSaveChanges() override { return QMessageBox::Discard; }
    void showError(const QString&, const QString& message) override { qWarning() << message; }
};

/// Saves `w`'s grab as `name` in $NETCANVAS_SCREENSHOT_DIR, when that is set.
inline void saveGrab(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("NETCANVAS_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(w->grab().save(dir + "/" + name));
}

} // namespace guitest

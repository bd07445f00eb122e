#pragma once
// What window-level suites share: a main window that never stops a test at a modal dialog, and
// grabs of widgets saved on request for looking at them.

#include "MainWindow.h"
#include "plots/TrainingPanel.h"
#include "training/TrainingController.h"

#include <QSignalSpy>

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

/// Trains the open project to its end through the Train action (fails the test when it has not
/// ended within a minute).
inline void trainToEnd(MainWindow& w)
{
    widgets::TrainingController* controller = w.trainingPanel()->controller();
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    w.trainingPanel()->trainAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1 && !controller->isRunning(), 60000);
}

/// Trains the open project to its end through the Train action; the session's data (empty when
/// no session started or the run did not end within a minute).
inline widgets::TrainingSessionInfo trainSession(MainWindow& w)
{
    widgets::TrainingController* controller = w.trainingPanel()->controller();
    QSignalSpy sessions(controller, &widgets::TrainingController::sessionStarted);
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    w.trainingPanel()->trainAction()->trigger();
    if (!QTest::qWaitFor([&] { return finished.size() >= 1 && !controller->isRunning(); }, 60000)
        || sessions.isEmpty())
        return {};
    return sessions.last().first().value<widgets::TrainingSessionInfo>();
}

} // namespace guitest

#pragma once

#include "training/TrainingController.h"

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace widgets {

/// Epoch progress, samples/s and ETA of a TrainingController: a progress bar and one line of
/// text, small enough for a status bar. A run estimated to take over an hour adds the
/// controller's longRunWarning() to the text until it finishes. Any number may watch one
/// controller.
class TrainingProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit TrainingProgressWidget(TrainingController* controller, QWidget* parent = nullptr);

    QString text() const;
    int value() const; ///< progress in per mille of all epochs
    /// Off (the default, for a status bar): the text stays on one line and the widget is as
    /// wide as it. On: the text wraps where the layout gives it less, so a long run's text
    /// ("…, batch 3/20 · 5123 samples/s · ETA 0:41") does not widen a dock.
    void setTextWraps(bool wraps);

private:
    void onSnapshot(const TrainingSnapshot& s);
    void onState(TrainingController::State state);
    /// "Not trained", or the controller's idle summary of stored training.
    void showIdleText();

    TrainingController* m_controller;
    QProgressBar* m_bar = nullptr;
    QLabel* m_label = nullptr;
    QElapsedTimer m_sinceText; ///< since the label last changed during a run
    QString m_warning; ///< the running run's long-run warning, shown after the progress
};

/// "1:05", "12 s": a duration for people.
QString formatDuration(double seconds);

} // namespace widgets

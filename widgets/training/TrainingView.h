#pragma once

#include "training/TrainingSnapshot.h"

#include <QString>

namespace widgets {

/// The project a window opened, as the training views tell projects apart.
struct ProjectIdentity {
    /// Equal for the same file, example or lesson (a lesson's variants share it); unique for
    /// each File > New.
    QString key;
    /// Names the project's runs ("Perceptron on XOR"): variants with the same settings differ.
    QString name;
};

/// A live view of training. TrainingPanel calls every view in turn: clearForProject() when the
/// window opens another project, then for each session startSession() once and addSnapshot() for
/// each of its snapshots, in order, on the GUI thread.
class TrainingView {
public:
    virtual ~TrainingView() = default;

    /// A new session (or a reset): the previous session's data goes.
    virtual void startSession(const TrainingSessionInfo& info) = 0;
    virtual void addSnapshot(const TrainingSnapshot& snapshot) = 0;
    /// Another project was opened: afterwards the view shows nothing of the previous one (the
    /// loss plot keeps the earlier runs of a project with the same key).
    virtual void clearForProject(const ProjectIdentity& project) = 0;
};

} // namespace widgets

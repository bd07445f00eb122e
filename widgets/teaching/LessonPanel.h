#pragma once

#include "project/Lesson.h"
#include "training/TrainingSnapshot.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QVBoxLayout;

namespace widgets {

class Inspector;
class TrainingController;
class TrainingPanel;

/// The "Lesson" dock: a lesson's paragraphs, numbered steps, live checks, "predict, then run"
/// prompts, buttons that open its variants, and the settings it locks.
///
/// Checks follow the TrainingController's snapshots: every run is attributed to the variant that
/// was current when the session started (setCurrentVariant()), and each variant keeps the
/// metrics of its last run, so a check of another variant keeps its tick after switching.
/// Opening a variant is the window's job: the panel emits variantRequested() and the window loads
/// loadVariant()'s project, then calls setCurrentVariant().
///
/// Locked settings are enforced on the inspector's editors (disabled, with the reason as the
/// tooltip) whenever the inspector shows them, and on the training panel's live editors; call
/// applyLocks() after the inspector changed what it shows.
class LessonPanel : public QWidget {
    Q_OBJECT
public:
    explicit LessonPanel(QWidget* parent = nullptr);

    /// Not owned; may be null.
    void setTrainingController(TrainingController* controller);
    void setInspector(Inspector* inspector);
    /// Its live learning-rate, L2 and batch editors are locked with the inspector's fields.
    void setTrainingPanel(TrainingPanel* panel);

    /// Shows `file`'s lesson; `baseDir` (a folder or ":/lessons") resolves variant files.
    /// The lesson's own project becomes the current variant. Forgets all earlier runs.
    void setLesson(const engine::LessonFile& file, const QString& baseDir);
    /// No lesson: the panel shows a hint and unlocks every editor.
    void clear();
    bool hasLesson() const { return m_hasLesson; }
    const engine::Lesson& lesson() const { return m_file.lesson; }
    const engine::LessonFile& lessonFile() const { return m_file; }
    QString baseDir() const { return m_baseDir; }

    /// "" for the lesson's own project, else a variant id.
    QString currentVariant() const { return m_current; }
    void setCurrentVariant(const QString& id);
    /// The project of variant `id` ("" = the lesson's own); on error returns false and sets
    /// `error` to a message naming the file and the place.
    bool loadVariant(const QString& id, engine::Project& out, QString& error) const;
    /// Button/window title of a variant ("" = the lesson's project name).
    QString variantTitle(const QString& id) const;

    // State, for tests and the window.
    bool checkPassed(int index) const;
    QLabel* checkLabel(int index) const { return m_checkRows.at(index).status; }
    QLineEdit* promptEdit(int index) const { return m_prompts.at(index).edit; }
    QLabel* promptAnswer(int index) const { return m_prompts.at(index).answer; }
    QPushButton* variantButton(const QString& id) const;
    /// Metrics of the last run of a variant, or null when it has not been trained.
    const engine::LessonMetrics* metricsFor(const QString& id) const;

public slots:
    void applyLocks();

signals:
    void variantRequested(const QString& id);
    /// A check's state changed (index into lesson().checks).
    void checkChanged(int index, bool passed);

private:
    struct CheckRow {
        QLabel* status = nullptr;
        QLabel* text = nullptr;
        QLabel* value = nullptr;
        bool passed = false;
    };
    struct PromptRow {
        QLineEdit* edit = nullptr;
        QLabel* answer = nullptr;
    };

    void rebuild();
    void onSession(const TrainingSessionInfo& info);
    void onSnapshot(const TrainingSnapshot& snapshot);
    void updateChecks();
    void updatePrompts();
    void updateVariantButtons();
    void lockWidget(QWidget* w, const engine::LockedSetting& lock);
    void unlockAll();

    QPointer<TrainingController> m_controller;
    QPointer<Inspector> m_inspector;
    QPointer<TrainingPanel> m_trainingPanel;
    engine::LessonFile m_file;
    QString m_baseDir;
    bool m_hasLesson = false;
    QString m_current;
    QString m_runVariant; ///< the variant the running session belongs to
    std::map<QString, engine::LessonMetrics> m_metrics;

    QWidget* m_content = nullptr;
    QVBoxLayout* m_layout = nullptr;
    std::vector<CheckRow> m_checkRows;
    std::vector<PromptRow> m_prompts;
    std::map<QString, QPushButton*> m_variantButtons;
    QLabel* m_currentLabel = nullptr;
    /// Editors disabled by applyLocks(), with the tooltips they had before.
    std::vector<std::pair<QPointer<QWidget>, QString>> m_locked;
};

} // namespace widgets

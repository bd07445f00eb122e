#pragma once

#include "project/Lesson.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace widgets {

/// File > Save as Lesson: the teacher writes the title, paragraphs, steps, checks, prompts and
/// locked settings of a lesson around the open project. Checks are one per line,
/// "metric op value | label" ("validation.accuracy >= 0.95 | Accuracy reaches 95%"); prompts
/// "question | answer"; locked settings "path | reason". lesson() is valid after accept().
class SaveLessonDialog : public QDialog {
    Q_OBJECT
public:
    /// `project` is used to validate locked paths; `initial` fills the fields.
    SaveLessonDialog(
        const engine::Project& project, const engine::Lesson& initial, QWidget* parent = nullptr);

    /// Parses the fields; on error returns false and `error` names the field and line.
    bool buildLesson(engine::Lesson& out, QString& error) const;
    const engine::Lesson& lesson() const { return m_lesson; }

    QLineEdit* titleEdit() const { return m_title; }
    QPlainTextEdit* paragraphsEdit() const { return m_paragraphs; }
    QPlainTextEdit* stepsEdit() const { return m_steps; }
    QPlainTextEdit* checksEdit() const { return m_checks; }
    QPlainTextEdit* promptsEdit() const { return m_prompts; }
    QPlainTextEdit* lockedEdit() const { return m_locked; }
    QLabel* errorLabel() const { return m_error; }

public slots:
    void accept() override;

private:
    engine::Project m_project;
    engine::Lesson m_lesson;
    QLineEdit* m_title;
    QPlainTextEdit* m_paragraphs;
    QPlainTextEdit* m_steps;
    QPlainTextEdit* m_checks;
    QPlainTextEdit* m_prompts;
    QPlainTextEdit* m_locked;
    QLabel* m_error;
};

} // namespace widgets

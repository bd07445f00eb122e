#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QBoxLayout;
class QScrollArea;
class QVBoxLayout;

namespace widgets {

/// What the app shows when it starts without a project: New project, Open, recent files, the
/// examples and the lessons. It only emits requests; the window does the work and hides the page.
class WelcomePage : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString path; ///< file or resource path, passed back with the signal
        QString title;
        QString description; ///< tooltip and second line; may be empty
    };

    explicit WelcomePage(QWidget* parent = nullptr);

    void setRecentFiles(const QStringList& paths);
    void setExamples(const std::vector<Entry>& examples);
    void setLessons(const std::vector<Entry>& lessons);
    /// Covers `host` (the canvas) as an overlay and follows its size; shown with show().
    void attachTo(QWidget* host);

signals:
    void newProjectRequested();
    void openRequested();
    void recentRequested(const QString& path);
    void exampleRequested(const QString& resourcePath);
    void lessonRequested(const QString& path);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* card(const QString& title, QVBoxLayout*& body);
    QWidget* entryButton(const Entry& e, const QString& objectName);
    void fill(QVBoxLayout* layout, const std::vector<Entry>& entries, const QString& prefix,
        void (WelcomePage::*signal)(const QString&));
    /// Lessons beside or above the recent files and examples, whichever fits the width.
    void updateColumns();

    QVBoxLayout* m_recent = nullptr;
    QVBoxLayout* m_examples = nullptr;
    QVBoxLayout* m_lessons = nullptr;
    QBoxLayout* m_columns = nullptr;
    QWidget* m_lessonsCard = nullptr;
    QVBoxLayout* m_side = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace widgets

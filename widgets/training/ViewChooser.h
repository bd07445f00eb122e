#pragma once

#include <QWidget>

class QTabWidget;
class QToolButton;

namespace widgets {

/// Stands in for a QTabWidget's tab bar when the bar does not fit: "View: [Boundary ▾]", a menu
/// of the tabs that are visible. While every tab fits, the tab bar shows and this hides, so a
/// label is never cut and there are never scroll arrows.
///
/// The tab widget stays the owner of the pages: addTab(), setTabVisible() and setCurrentIndex()
/// on it keep working, and the menu is rebuilt from it each time it opens.
class ViewChooser : public QWidget {
    Q_OBJECT
public:
    /// `tabs` is not owned; put this widget right above it.
    explicit ViewChooser(QTabWidget* tabs, QWidget* parent = nullptr);

    QToolButton* button() const { return m_button; }
    /// Shows the tab bar or this chooser, whichever fits the tab widget's width now.
    void updateMode();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fillMenu();

    QTabWidget* m_tabs;
    QToolButton* m_button;
};

} // namespace widgets

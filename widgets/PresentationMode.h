#pragma once

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPointer>
#include <QSize>

#include <vector>

class QMainWindow;

class QCustomPlot;

namespace widgets {

/// View > Presentation Mode: larger fonts app-wide, thicker plot lines, bigger tool-bar icons
/// and a canvas zoomed to fit up to 150 % for a projector. setActive(false) restores exactly what
/// setActive(true) changed, dock sizes included.
///
/// Widgets follow the font by themselves: sizes derive from font metrics (followFont() in
/// FontSizing.h re-applies them on QEvent::FontChange) and rows of controls that would outgrow a
/// 1366-pixel screen wrap (FlowLayout), so nothing here resizes widgets one by one.
class PresentationMode : public QObject {
    Q_OBJECT
public:
    static constexpr double kFontScale = 1.5;
    static constexpr double kLineScale = 2.0;

    explicit PresentationMode(QMainWindow* window);
    bool isActive() const { return m_active; }

public slots:
    void setActive(bool active);

signals:
    void activeChanged(bool active);

private:
    void scalePlots(double factor);
    void scaleLegendFonts(QCustomPlot* plot, double factor);
    /// Lets the canvas zoom to fit up to `limit` (1.0 = the normal 100 % ceiling).
    void scaleCanvas(double limit);

    QMainWindow* m_window;
    bool m_active = false;
    QFont m_savedFont;
    QByteArray m_savedLayout; ///< QMainWindow::saveState(): dock sizes before the larger font
    std::vector<std::pair<QPointer<QObject>, QSize>> m_iconSizes;
};

} // namespace widgets

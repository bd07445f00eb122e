#pragma once

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPointer>
#include <QSize>

#include <functional>
#include <vector>

class QDockWidget;
class QMainWindow;
class QSplitter;

namespace widgets {

class CanvasView;

/// View > Presentation Mode: a layout of its own for a projector (1366x768 and up). The canvas
/// and the training plots take the whole window, every other dock is tucked away (hidden; the
/// View menu brings each back) and no text is smaller than the application font, made
/// kFontScale times larger: the canvas's cards neither, at the zoom that fits the network.
/// Plot lines are thicker, tool-bar icons bigger. setActive(false) restores exactly what
/// setActive(true) changed: fonts, and every dock's place, size and visibility.
///
/// Widgets follow the font by themselves: sizes derive from font metrics (followFont() in
/// FontSizing.h re-applies them on QEvent::FontChange) and rows of controls that would outgrow a
/// 1366-pixel screen wrap (FlowLayout), so nothing here resizes widgets one by one.
class PresentationMode : public QObject {
    Q_OBJECT
public:
    static constexpr double kFontScale = 1.5;
    static constexpr double kLineScale = 2.0;
    /// The share of the window's width the dock beside the plots takes.
    static constexpr double kBesideShare = 0.25;
    /// The least share of the height under the tool bar that the plots dock takes.
    static constexpr double kPlotsShare = 0.5;

    explicit PresentationMode(QMainWindow* window);
    bool isActive() const { return m_active; }

    /// The docks presentation mode keeps: `plots` spans the window under the canvas, `beside`
    /// (the lesson), while shown, sits narrow at its right. Call once, before setActive(true).
    void setDocks(QDockWidget* plots, QDockWidget* beside);

public slots:
    void setActive(bool active);

signals:
    void activeChanged(bool active);

private:
    void enter();
    void leave();
    /// Hides every dock but the plots and the one beside them, and puts those two side by side
    /// in the bottom area.
    void arrangeDocks();
    /// Once the layouts have taken in the larger font: the canvas as high as the network needs
    /// at the zoom its width allows (within limits), the plots the rest.
    void sizeDocks(CanvasView* view);
    void scalePlotLines(double factor);
    /// Plot text at kFontScale, never smaller than the application font; the old fonts are
    /// kept in m_restorePlotFonts.
    void enlargePlotFonts();
    /// Lets the canvas zoom to fit up to `limit` (1.0 = the normal 100 % ceiling) and fits it
    /// once the layouts have settled, after `arrange` (which may resize docks).
    void fitCanvas(double limit, std::function<void(CanvasView*)> arrange);

    QMainWindow* m_window;
    QPointer<QDockWidget> m_plots;
    QPointer<QDockWidget> m_beside;
    bool m_active = false;
    QFont m_savedFont;
    QByteArray m_savedLayout; ///< QMainWindow::saveState(): every dock's place, size, visibility
    std::vector<std::pair<QPointer<QObject>, QSize>> m_iconSizes;
    std::vector<std::function<void()>> m_restorePlotFonts;
    std::vector<std::pair<QPointer<QSplitter>, QByteArray>> m_splitterStates;
};

} // namespace widgets

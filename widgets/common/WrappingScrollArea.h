#pragma once

#include <QScrollArea>

namespace widgets {

/// A vertical-only scroll area for text that wraps (lesson text, the welcome page): the widget
/// always gets the viewport's width and, as its height, what its layout needs at that width.
///
/// QScrollArea alone sizes a resizable widget from its size hints, which for word-wrapped labels
/// are guesses at some other width: the layout is then squeezed and wrapped lines of one label
/// are painted over the next one, or the widget ends up a few pixels wider than the viewport and
/// a horizontal scroll bar appears. Here the height follows heightForWidth() on every resize of
/// the viewport and every relayout of the widget, and there is never a horizontal scroll bar.
class WrappingScrollArea : public QScrollArea {
    Q_OBJECT
public:
    explicit WrappingScrollArea(QWidget* parent = nullptr);

    /// Takes ownership, like QScrollArea::setWidget().
    void setContent(QWidget* content);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void fit();
    bool m_fitting = false;
};

} // namespace widgets

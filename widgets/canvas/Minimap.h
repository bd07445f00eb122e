#pragma once

#include <QGraphicsView>

namespace widgets {

class CanvasView;

/// An overview of the whole network in the canvas's bottom-right corner: the same scene drawn
/// small (fitted to every card), with the part the canvas shows outlined. A click or drag
/// centres the canvas there. A child of `view`, kept in its corner and above the cards, at most
/// a quarter of the canvas wide; shown only while some card is outside the canvas (a network
/// that fits needs no overview, and the overview must not hide its cards).
class Minimap : public QGraphicsView {
    Q_OBJECT
public:
    explicit Minimap(CanvasView* view);

    /// The scene rectangle the canvas shows (what the outline marks).
    QRectF shownArea() const;
    /// View > Minimap: false keeps it hidden whatever the canvas shows.
    void setWanted(bool wanted);
    bool isWanted() const { return m_wanted; }

public slots:
    /// Refits the overview to the cards and repaints the outline.
    void refit();

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void place();
    void updateVisibility();
    void centreCanvasAt(QPoint minimapPos);

    CanvasView* m_view;
    bool m_wanted = true;
};

} // namespace widgets

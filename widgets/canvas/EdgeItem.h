#pragma once

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QGraphicsPathItem>

namespace widgets {

class CanvasScene;

/// A connection: a cubic Bézier from the source's output port to the target's input port with
/// an arrow head. Selectable (Delete removes it); the scene calls updatePath() when an end moves.
class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = itemtype::Edge };

    EdgeItem(CanvasScene* scene, const Edge& edge);

    int type() const override { return Type; }
    const Edge& edge() const { return m_edge; }

    /// Re-routes between the current port positions.
    void updatePath();
    /// The Bézier used for edges and for the rubber line while connecting.
    static QPainterPath bezier(QPointF from, QPointF to);

    QPainterPath shape() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    CanvasScene* m_scene;
    Edge m_edge;
    QPointF m_end;
    QPointF m_endDir;
    bool m_hovered = false;
};

} // namespace widgets

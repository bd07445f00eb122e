#pragma once

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QGraphicsPathItem>

namespace widgets {

class CanvasScene;

/// A connection from the source's output port to the target's input port with an arrow head,
/// drawn along routeEdge() (a Bézier, or a lane around the cards in the way). Selectable (Delete
/// removes it); the scene calls updatePath() when a card moves or changes size.
class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = itemtype::Edge };

    EdgeItem(CanvasScene* scene, const Edge& edge);

    int type() const override { return Type; }
    const Edge& edge() const { return m_edge; }

    /// Re-routes between the current port positions around the current cards.
    void updatePath();

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

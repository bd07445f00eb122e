#pragma once

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QGraphicsPathItem>

namespace widgets {

class CanvasScene;

/// A connection from the source's output port to the target's input port with an arrow head,
/// drawn along routeEdge() (a Bézier, or a lane around the cards in the way). Selectable (Delete
/// removes it); the scene calls updatePath() when a card moves or changes size.
///
/// While the scene shows tensor shapes (CanvasScene::setShowEdgeShapes()) the edge carries the
/// source's inferred output shape ("26×26×32") beside its middle: above the line, or below it,
/// on one line or stacked one dimension a line when the gap between two cards is narrow; never
/// over a card (left out when no place is free).
class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = itemtype::Edge };

    EdgeItem(CanvasScene* scene, const Edge& edge);

    int type() const override { return Type; }
    const Edge& edge() const { return m_edge; }

    /// Re-routes between the current port positions around the current cards.
    void updatePath();
    /// Re-reads the source's output shape (validation changed, or the labels were toggled).
    void refreshShapeLabel();
    /// The shape shown, "26×26×32"; "" when labels are off or the shape is unknown.
    QString shapeLabel() const { return m_label; }
    /// Where the label is drawn in scene coordinates (empty when not drawn).
    QRectF shapeLabelRect() const { return m_labelRect; }

    QPainterPath shape() const override;
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    /// Finds a free place for the label near the path's middle (m_labelRect, m_labelLines).
    void placeShapeLabel();

    CanvasScene* m_scene;
    QString m_label;
    QStringList m_labelLines;
    QRectF m_labelRect;
    Edge m_edge;
    QPointF m_end;
    QPointF m_endDir;
    bool m_hovered = false;
};

} // namespace widgets

#pragma once

#include "canvas/ItemTypes.h"
#include "document/GroupSummary.h"

#include <QGraphicsObject>
#include <QPointF>

#include <map>

namespace widgets {

class CanvasScene;

/// A group of cards (GraphDocument::groups()) on the canvas.
///
/// Expanded: a labelled rounded frame behind its member cards that follows them; only the
/// header band takes the mouse (dragging it moves every member, one MoveNodesCommand on release;
/// the triangle or a double-click collapses). Collapsed: one card the size of a layer card at
/// the members' top-left corner, with the name, member count, summed parameters and FLOPs and
/// the shapes going in and out (summarizeGroup()); the members are hidden and the scene attaches
/// their outside edges to this card's ports. Dragging the card moves the hidden members with it;
/// a double-click or the triangle expands. All edits go through undo commands.
class GroupItem : public QGraphicsObject {
    Q_OBJECT
public:
    enum { Type = itemtype::Group };
    static constexpr double kHeader = 24.0; ///< the header band of frame and card
    static constexpr double kMargin = 14.0; ///< frame around the member cards

    GroupItem(CanvasScene* scene, GroupId id);

    int type() const override { return Type; }
    GroupId groupId() const { return m_id; }
    bool isCollapsed() const { return m_collapsed; }
    QString name() const { return m_name; }
    const GroupSummary& summary() const { return m_summary; }
    /// "in 784", "out 128": the card's shape lines (several shapes joined by ", ").
    QString inputText() const;
    QString outputText() const;

    /// Re-reads name, collapsed state and summary, then follows the members.
    void refresh();
    /// Re-places the frame (or card) after a member moved or changed size.
    void updateGeometry();

    /// Scene rectangle of the collapsed card (empty while expanded).
    QRectF cardSceneRect() const;
    /// Port centres of the collapsed card in scene coordinates.
    QPointF inputPortScenePos() const;
    QPointF outputPortScenePos() const;
    /// The collapse/expand triangle in item coordinates.
    QRectF toggleRect() const;

    /// An amber ring while the find bar matches a hidden member (drawn only when collapsed).
    void setFindHighlight(bool on);
    bool hasFindHighlight() const { return m_findHighlight; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    void paintFrame(QPainter* painter);
    void paintCard(QPainter* painter);
    void toggle();

    CanvasScene* m_scene;
    GroupId m_id;
    QString m_name;
    bool m_collapsed = false;
    GroupSummary m_summary;
    QSizeF m_size; ///< frame or card size; the item's origin is its top-left corner
    bool m_hovered = false;
    bool m_findHighlight = false;
    // Dragging: the press position and the members' positions then.
    QPointF m_pressScenePos;
    std::map<NodeId, QPointF> m_dragStart;
};

} // namespace widgets

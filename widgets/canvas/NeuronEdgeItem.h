#pragma once
// An item of the canvas's neuron view (see NeuronOverlay, which creates, places and
// updates it); it only draws and forwards mouse events to the overlay.

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QColor>
#include <QGraphicsLineItem>
#include <QPainterPath>

namespace widgets {

class NeuronOverlay;

/// The connection input -> unit of a Dense node: colour for the sign of the weight, width and
/// opacity for its magnitude. Hover shows the weight, double-click edits it.
class NeuronEdgeItem : public QGraphicsLineItem {
public:
    enum { Type = itemtype::NeuronEdge };

    NeuronEdgeItem(NeuronOverlay* overlay, NodeId node, long unit, long input);
    int type() const override { return Type; }
    NodeId nodeId() const { return m_node; }
    long unit() const { return m_unit; }
    long input() const { return m_input; }
    double weight() const { return m_weight; }
    /// `scale` is the magnitude drawn at full width (the overlay passes max(1, max |w|)).
    void setWeight(double weight, double scale);

    /// Diverging, colour-blind safe: the Playground's orange for w < 0, its blue for w > 0.
    static QColor colorFor(double weight);
    /// 0.6 px at 0 up to 5 px at |w| >= scale.
    static double widthFor(double weight, double scale);

    QPainterPath shape() const override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;

private:
    NeuronOverlay* m_overlay;
    NodeId m_node;
    long m_unit;
    long m_input;
    double m_weight = 0;
    double m_scale = 1;
};

} // namespace widgets

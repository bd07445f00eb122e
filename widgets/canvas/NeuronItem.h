#pragma once
// An item of the canvas's neuron view (see NeuronOverlay, which creates, places and
// updates it); it only draws and forwards mouse events to the overlay.

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QGraphicsEllipseItem>

#include <optional>

namespace widgets {

class NeuronOverlay;

/// One neuron, a circle filled with its activation for the selected sample (orange negative,
/// blue positive, pale near zero).
class NeuronItem : public QGraphicsEllipseItem {
public:
    enum { Type = itemtype::Neuron };
    static constexpr double kRadius = 10.0;

    NeuronItem(NeuronOverlay* overlay, NodeId node, long unit);
    int type() const override { return Type; }
    NodeId nodeId() const { return m_node; }
    long unit() const { return m_unit; }
    /// nullopt: no value (no data); the circle is drawn white.
    void setActivation(std::optional<double> value);

protected:
    /// Fill and outline from the canvas theme (light: white to colour; dark: card grey to colour).
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    NeuronOverlay* m_overlay;
    NodeId m_node;
    long m_unit;
    std::optional<double> m_activation;
    bool m_hovered = false;
};

} // namespace widgets

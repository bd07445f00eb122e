#pragma once
// Items of the canvas's neuron view (see NeuronOverlay): neurons, the weighted edges between
// them and the hover panel. They only draw and forward mouse events to the overlay; the overlay
// creates, places and updates them.

#include "GraphDocument.h"

#include <QGraphicsEllipseItem>
#include <QGraphicsLineItem>
#include <QImage>
#include <QStringList>

#include <optional>

namespace widgets {

class NeuronOverlay;

/// One neuron, a circle filled with its activation for the selected sample (orange negative,
/// blue positive, pale near zero).
class NeuronItem : public QGraphicsEllipseItem {
public:
    enum { Type = UserType + 40 };
    static constexpr double kRadius = 10.0;

    NeuronItem(NeuronOverlay* overlay, NodeId node, long unit);
    int type() const override { return Type; }
    NodeId nodeId() const { return m_node; }
    long unit() const { return m_unit; }
    /// nullopt: no value (no data); the circle is drawn white.
    void setActivation(std::optional<double> value);

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    NeuronOverlay* m_overlay;
    NodeId m_node;
    long m_unit;
};

/// The connection input -> unit of a Dense node: colour for the sign of the weight, width and
/// opacity for its magnitude. Hover shows the weight, double-click edits it.
class NeuronEdgeItem : public QGraphicsLineItem {
public:
    enum { Type = UserType + 41 };

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

/// The hover panel: a few lines of text and, for 2-D data, a neuron's output map.
class NeuronInfoItem : public QGraphicsItem {
public:
    enum { Type = UserType + 42 };
    static constexpr int kMapSide = 120;

    NeuronInfoItem();
    int type() const override { return Type; }
    void setContent(const QStringList& lines, const QImage& map = {});
    const QStringList& lines() const { return m_lines; }
    const QImage& map() const { return m_map; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QStringList m_lines;
    QImage m_map;
    QRectF m_rect;
};

} // namespace widgets

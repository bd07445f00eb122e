#pragma once
// An item of the canvas's neuron view (see NeuronOverlay, which creates, places and
// updates it); it only draws and forwards mouse events to the overlay.

#include "canvas/ItemTypes.h"

#include <QGraphicsItem>
#include <QImage>
#include <QStringList>

namespace widgets {

/// The hover panel: a few lines of text and, for 2-D data, a neuron's output map.
class NeuronInfoItem : public QGraphicsItem {
public:
    enum { Type = itemtype::NeuronInfo };
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

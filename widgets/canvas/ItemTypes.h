#pragma once
// Every QGraphicsItem type id of the canvas in one place, so qgraphicsitem_cast never confuses
// two item classes (each class's `enum { Type = ... }` names its entry here).

#include <QGraphicsItem>

namespace widgets::itemtype {

enum : int {
    LayerNode = QGraphicsItem::UserType + 1, ///< LayerNodeItem: a layer's card
    Edge = QGraphicsItem::UserType + 2, ///< EdgeItem: a connection between two ports
    Group = QGraphicsItem::UserType + 3, ///< GroupItem: a group's frame or collapsed block
    Neuron = QGraphicsItem::UserType + 40, ///< NeuronItem: one unit in the neuron view
    NeuronEdge = QGraphicsItem::UserType + 41, ///< NeuronEdgeItem: one weight in the neuron view
    NeuronInfo = QGraphicsItem::UserType + 42, ///< NeuronInfoItem: the neuron view's hover panel
    UnrolledRecurrent = QGraphicsItem::UserType + 50, ///< UnrolledRecurrentItem: time-step strip
};

} // namespace widgets::itemtype

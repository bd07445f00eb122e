#pragma once

#include "document/GraphDocument.h"

#include <QObject>

#include <map>
#include <set>
#include <vector>

class QMenu;

namespace widgets {

class CanvasScene;
class TrainingController;
class UnrolledRecurrentItem;
struct TrainingSnapshot;

/// Which recurrent cards are drawn unrolled (view state of the canvas, like the neuron view:
/// not saved, not undoable, since it changes no part of the network) and the latest per-step
/// gradient norms from the training snapshots. Toggled from the card's context menu and the
/// inspector's "Unrolled" check box.
class UnrolledOverlay : public QObject {
    Q_OBJECT
public:
    explicit UnrolledOverlay(CanvasScene* scene);

    void setTrainingController(TrainingController* controller);
    /// SimpleRNN, LSTM and GRU nodes.
    bool canUnroll(NodeId id) const;
    bool isUnrolled(NodeId id) const { return m_unrolled.count(id) != 0; }
    void setUnrolled(NodeId id, bool on);
    /// The item drawn for the node, or null.
    UnrolledRecurrentItem* itemFor(NodeId id) const;
    /// Adds the "Unrolled (time steps)" toggle to a card's context menu.
    void addNodeActions(QMenu* menu, NodeId id);
    void addSnapshot(const TrainingSnapshot& snapshot);
    /// Latest norms of a node (empty before training).
    std::vector<double> norms(NodeId id) const;
    /// Puts each strip under its card (again, after a card changed its height) and re-routes
    /// the edges around them.
    void sync();

signals:
    void unrolledChanged(engine::NodeId id, bool on);

private:
    int stepsFromDocument(NodeId id) const;

    CanvasScene* m_scene;
    GraphDocument* m_doc;
    std::set<NodeId> m_unrolled;
    std::map<NodeId, std::vector<double>> m_norms;
};

} // namespace widgets

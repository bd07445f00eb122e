#pragma once

#include "canvas/NeuronNetwork.h"
#include "document/GraphDocument.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <map>
#include <set>
#include <tuple>

class QDoubleSpinBox;
class QGraphicsSimpleTextItem;
class QMenu;
class QWidget;

namespace widgets {

class CanvasScene;
class NeuronEdgeItem;
class NeuronInfoItem;
class NeuronItem;
class TrainingController;
struct TrainingSnapshot;

/// The canvas's neuron view: Input and Dense layers of up to NeuronNetwork::kMaxUnits units
/// drawn neuron by neuron below their cards, with one edge per weight between consecutive
/// layers (colour = sign, width = magnitude). Larger layers keep their card and get a note.
///
/// Owned by the CanvasScene; it owns its items (top-level scene items, placed from the cards'
/// positions; the scene calls nodeMoved() while a card moves). The weights on display are a
/// NeuronNetwork kept in step with the document's weights and, while a training session
/// exists, with the controller's snapshots, so edges change live while training.
///
/// Hovering a neuron shows its pre-activation and activation for the selected training sample
/// (and, for 2-D data, its output over the input plane); hovering an edge shows its weight;
/// double-clicking an edge edits the weight (a SetWeightCommand on the scene's undo stack).
/// Nothing is computed while no layer is shown.
class NeuronOverlay : public QObject {
    Q_OBJECT
public:
    explicit NeuronOverlay(CanvasScene* scene);
    ~NeuronOverlay() override;

    /// Live weights and hand edits go through it (may be null; not owned).
    void setTrainingController(TrainingController* controller);
    /// Folder relative dataset paths are resolved against.
    void setProjectDirectory(const QString& dir);

    /// The whole network in neurons (View > Neurons View), including layers added later.
    bool isAllShown() const { return m_all; }
    /// The layer is switched to neurons (it may still be drawn as a card when too large).
    bool isShown(NodeId id) const;
    bool anyShown() const;
    /// Input or Dense layer on the network's path with a known size.
    bool canShow(NodeId id) const;

    int neuronItemCount() const { return int(m_neurons.size()); }
    int edgeItemCount() const { return int(m_edges.size()); }
    NeuronItem* neuronItem(NodeId id, long unit) const;
    NeuronEdgeItem* edgeItem(NodeId id, long unit, long input) const;
    /// "64 units: too many to draw ..." below a card, or null.
    QGraphicsSimpleTextItem* noteItem(NodeId id) const;
    NeuronInfoItem* infoItem() const { return m_info; }
    /// The inline weight editor while open, else null.
    QDoubleSpinBox* weightEditor() const;
    NeuronNetwork& network() { return m_net; }

    int sampleIndex() const { return m_sample; }
    long sampleCount();
    /// Values of a neuron for the selected sample (nullopt without data).
    std::optional<NeuronNetwork::Value> neuronValue(NodeId id, long unit);

    /// Adds "Show Neurons" for the layer to a card's context menu.
    void addNodeActions(QMenu* menu, NodeId id);
    /// "Sample [spin box]" bound to the selected sample, for a toolbar.
    QWidget* createSampleControl(QWidget* parent);

public slots:
    void setAllShown(bool on);
    void setShown(NodeId id, bool on);
    void setSampleIndex(int index);
    void showNeuronInfo(NodeId id, long unit);
    void showEdgeInfo(NodeId id, long unit, long input);
    void hideInfo();
    /// Opens the inline editor on the edge (refused with a status message while training runs).
    void editWeight(NodeId id, long unit, long input);
    /// Sets W(unit, input) of Dense layer `id` as an undoable command; false when refused
    /// (training runs, no such weight).
    bool setWeightByHand(NodeId id, long unit, long input, double value);
    /// A card moved: its neurons and their edges follow.
    void nodeMoved(NodeId id);

signals:
    void allShownChanged(bool on);
    /// Some layer is (or no layer is any more) shown as neurons.
    void anyShownChanged(bool any);
    void sampleIndexChanged(int index);
    void sampleCountChanged(int count);

private:
    using EdgeKey = std::tuple<NodeId, long, long>; ///< node, unit, input
    void onDocumentChanged();
    void onWeightsChanged();
    void onSnapshot(const TrainingSnapshot& snapshot);
    void rebuild();
    void clearItems();
    void syncItems();
    void layoutItems();
    void refreshValues();
    void refreshInfo();
    QPointF neuronPos(NodeId id, long unit) const;
    QPointF cardPos(NodeId id) const;
    QString neuronName(NodeId id, long unit) const;
    void status(const QString& text);
    void closeEditor();

    CanvasScene* m_scene;
    GraphDocument* m_doc;
    QPointer<TrainingController> m_controller;
    QString m_projectDir;
    NeuronNetwork m_net;
    bool m_dirty = true;
    bool m_wasAny = false;

    bool m_all = false;
    std::set<NodeId> m_shown; ///< switched on one by one
    std::set<NodeId> m_hidden; ///< switched off while m_all
    int m_sample = 0;
    long m_sampleCount = -1; ///< as last announced by sampleCountChanged()

    std::map<std::pair<NodeId, long>, NeuronItem*> m_neurons;
    std::map<EdgeKey, NeuronEdgeItem*> m_edges;
    std::map<NodeId, QGraphicsSimpleTextItem*> m_notes;
    std::map<NodeId, long> m_columnTop; ///< units the column is centred for
    NeuronInfoItem* m_info = nullptr;
    /// What the info panel shows: a neuron (input == -1) or an edge.
    std::optional<EdgeKey> m_infoFor;
    QPointer<QDoubleSpinBox> m_editor;
    /// The last snapshot's weights, re-applied after a rebuild while the session lasts.
    engine::WeightMap m_liveWeights;
    int m_liveRun = -1;
};

} // namespace widgets

#pragma once

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QGraphicsObject>

#include <map>
#include <set>
#include <vector>

class QMenu;

namespace widgets {

class CanvasScene;
class TrainingController;
struct TrainingSnapshot;

/// A recurrent card's time steps, drawn as cells under the card: the network unrolled
/// over time, the picture of backpropagation through time. Cell t is shaded by ||dL/dh_t|| of
/// the latest training snapshot relative to the largest step's (white: nothing arrives), so a
/// SimpleRNN's vanishing gradient shows as cells fading toward t = 0. A child of the card, so it
/// moves with it. Never wider than the card, so it never reaches under the next column's card:
/// long sequences wrap into up to kMaxRows rows (read left to right, top to bottom) and the
/// cells narrow beyond that.
class UnrolledRecurrentItem : public QGraphicsObject {
    Q_OBJECT
public:
    enum { Type = itemtype::UnrolledRecurrent };
    static constexpr double kCellHeight = 16.0;
    static constexpr double kCaptionHeight = 14.0;
    static constexpr double kMinCellWidth = 12.0; ///< below this, steps wrap to another row
    static constexpr int kMaxRows = 2;

    explicit UnrolledRecurrentItem(QGraphicsItem* card);
    int type() const override { return Type; }

    /// Steps to draw (before any gradient is known) and the per-step norms (may be empty).
    void setSteps(int steps);
    void setNorms(const std::vector<double>& norms);
    int steps() const { return m_steps; }
    const std::vector<double>& norms() const { return m_norms; }
    /// Shade of cell t in [0, 1] (norm / largest norm); -1 without norms.
    double shade(int t) const;
    /// Cell t's rectangle in item coordinates.
    QRectF cellRect(int t) const;
    /// Tooltip of cell t.
    QString cellText(int t) const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    double width() const;
    int rows() const;
    int stepsPerRow() const;
    int m_steps = 0;
    std::vector<double> m_norms;
    double m_max = 0;
};

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

#include "canvas/UnrolledOverlay.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/UnrolledRecurrentItem.h"
#include "training/TrainingController.h"
#include "training/TrainingSnapshot.h"

#include <QMenu>

namespace widgets {

UnrolledOverlay::UnrolledOverlay(CanvasScene* scene)
    : QObject(scene)
    , m_scene(scene)
    , m_doc(scene->document())
{
    connect(m_doc, &GraphDocument::nodeRemoved, this, [this](NodeId id) {
        m_unrolled.erase(id);
        m_norms.erase(id);
    });
    connect(m_doc, &GraphDocument::reset, this, [this] {
        m_unrolled.clear();
        m_norms.clear();
    });
    // Cards are rebuilt or resized on these; put the rows back under them.
    connect(m_doc, &GraphDocument::validationChanged, this, &UnrolledOverlay::sync);
}

void UnrolledOverlay::setTrainingController(TrainingController* controller)
{
    if (controller)
        connect(
            controller, &TrainingController::snapshotReady, this, &UnrolledOverlay::addSnapshot);
}

bool UnrolledOverlay::canUnroll(NodeId id) const
{
    const QString type = m_doc->nodeType(id);
    return type == QLatin1String("SimpleRNN") || type == QLatin1String("LSTM")
        || type == QLatin1String("GRU");
}

void UnrolledOverlay::setUnrolled(NodeId id, bool on)
{
    if (on == isUnrolled(id) || (on && !canUnroll(id)))
        return;
    if (on)
        m_unrolled.insert(id);
    else
        m_unrolled.erase(id);
    if (!on)
        delete itemFor(id);
    sync();
    emit unrolledChanged(id, on);
}

UnrolledRecurrentItem* UnrolledOverlay::itemFor(NodeId id) const
{
    LayerNodeItem* card = m_scene->nodeItem(id);
    if (!card)
        return nullptr;
    for (QGraphicsItem* child : card->childItems())
        if (auto* item = qgraphicsitem_cast<UnrolledRecurrentItem*>(child))
            return item;
    return nullptr;
}

void UnrolledOverlay::addNodeActions(QMenu* menu, NodeId id)
{
    if (!canUnroll(id))
        return;
    QAction* a = menu->addAction(tr("Unrolled (Time Steps)"));
    a->setCheckable(true);
    a->setChecked(isUnrolled(id));
    a->setToolTip(tr("Draw the layer's time steps with the gradient reaching each"));
    connect(a, &QAction::toggled, this, [this, id](bool on) { setUnrolled(id, on); });
}

void UnrolledOverlay::addSnapshot(const TrainingSnapshot& s)
{
    if (s.trigger == SnapshotTrigger::Reset)
        m_norms.clear();
    for (const StepGradientNorms& n : s.stepGradientNorms)
        m_norms[n.node] = n.norms;
    if (!m_unrolled.empty())
        sync();
}

std::vector<double> UnrolledOverlay::norms(NodeId id) const
{
    const auto it = m_norms.find(id);
    return it == m_norms.end() ? std::vector<double> {} : it->second;
}

int UnrolledOverlay::stepsFromDocument(NodeId id) const
{
    // T is the input's first dimension (a vector {n} is read as n steps).
    const engine::GraphCheck& check = m_doc->check();
    for (const engine::Edge& e : m_doc->edgesOf(id)) {
        if (e.to != id)
            continue;
        const auto shape = check.shapes.find(e.from);
        if (shape != check.shapes.end() && !shape->second.empty())
            return shape->second.steps();
    }
    return 0;
}

void UnrolledOverlay::sync()
{
    for (auto it = m_unrolled.begin(); it != m_unrolled.end();) {
        if (!m_doc->hasNode(*it) || !canUnroll(*it))
            it = m_unrolled.erase(it);
        else
            ++it;
    }
    for (NodeId id : m_unrolled) {
        LayerNodeItem* card = m_scene->nodeItem(id);
        if (!card)
            continue;
        UnrolledRecurrentItem* item = itemFor(id);
        if (!item)
            item = new UnrolledRecurrentItem(card);
        item->setPos(0, card->cardHeight() + 4);
        const auto n = m_norms.find(id);
        if (n != m_norms.end() && !n->second.empty())
            item->setNorms(n->second);
        else
            item->setSteps(stepsFromDocument(id));
    }
    m_scene->updateEdges();
}

} // namespace widgets

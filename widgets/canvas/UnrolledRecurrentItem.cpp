#include "canvas/UnrolledRecurrentItem.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "training/TrainingController.h"

#include <QGraphicsSceneHoverEvent>
#include <QMenu>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace widgets {

UnrolledRecurrentItem::UnrolledRecurrentItem(QGraphicsItem* card)
    : QGraphicsObject(card)
{
    setAcceptHoverEvents(true);
    setZValue(1);
}

void UnrolledRecurrentItem::setSteps(int steps)
{
    if (steps == m_steps)
        return;
    prepareGeometryChange();
    m_steps = std::max(0, steps);
    update();
}

void UnrolledRecurrentItem::setNorms(const std::vector<double>& norms)
{
    if (!norms.empty())
        setSteps(int(norms.size()));
    m_norms = norms;
    m_max = 0;
    for (double n : m_norms)
        if (std::isfinite(n))
            m_max = std::max(m_max, n);
    update();
}

double UnrolledRecurrentItem::shade(int t) const
{
    if (t < 0 || t >= int(m_norms.size()) || m_max <= 0)
        return -1;
    const double n = m_norms[std::size_t(t)];
    return std::isfinite(n) ? std::clamp(n / m_max, 0.0, 1.0) : 1.0;
}

double UnrolledRecurrentItem::width() const
{
    return LayerNodeItem::kWidth;
}

int UnrolledRecurrentItem::rows() const
{
    const int wanted = static_cast<int>(std::ceil(m_steps * kMinCellWidth / width()));
    return std::clamp(wanted, 1, kMaxRows);
}

int UnrolledRecurrentItem::stepsPerRow() const
{
    return std::max(1, (m_steps + rows() - 1) / rows());
}

QRectF UnrolledRecurrentItem::cellRect(int t) const
{
    if (m_steps <= 0)
        return {};
    const double w = width() / stepsPerRow();
    const int row = t / stepsPerRow();
    const int col = t % stepsPerRow();
    return {col * w, kCaptionHeight + row * kCellHeight, w, kCellHeight};
}

QRectF UnrolledRecurrentItem::boundingRect() const
{
    return {0, 0, width(), kCaptionHeight + rows() * kCellHeight + 1};
}

QString UnrolledRecurrentItem::cellText(int t) const
{
    if (t < 0 || t >= m_steps)
        return {};
    if (t >= int(m_norms.size()))
        return tr("time step t = %1 (train to see how much gradient reaches it)").arg(t);
    return tr("t = %1: ||dL/dh_t|| = %2 (%3 % of the largest step)")
        .arg(t)
        .arg(m_norms[std::size_t(t)], 0, 'g', 3)
        .arg(100.0 * shade(t), 0, 'f', 1);
}

void UnrolledRecurrentItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*)
{
    QFont f = p->font();
    f.setPointSizeF(7.5);
    p->setFont(f);
    p->setPen(QColor(0x44, 0x44, 0x44));
    const QString caption = m_norms.empty()
        ? tr("%1 time steps (train to shade)").arg(m_steps)
        : tr("||dL/dh_t||, t = 0..%1, max %2").arg(m_steps - 1).arg(m_max, 0, 'g', 2);
    p->drawText(QRectF(0, 0, width(), kCaptionHeight), Qt::AlignLeft | Qt::AlignVCenter,
        p->fontMetrics().elidedText(caption, Qt::ElideRight, int(width())));
    // White (no gradient) to deep purple (the largest norm of the sequence).
    const QColor strong(0x54, 0x27, 0x88);
    for (int t = 0; t < m_steps; ++t) {
        const double s = shade(t);
        QColor c = Qt::white;
        if (s >= 0)
            c = QColor::fromRgbF(1 - s * (1 - strong.redF()), 1 - s * (1 - strong.greenF()),
                1 - s * (1 - strong.blueF()));
        const QRectF r = cellRect(t);
        p->fillRect(r, c);
        p->setPen(QPen(QColor(0x99, 0x99, 0x99), 0));
        p->drawRect(r);
    }
}

void UnrolledRecurrentItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event)
{
    const double w = width() / stepsPerRow();
    const int row = static_cast<int>((event->pos().y() - kCaptionHeight) / kCellHeight);
    const int col = static_cast<int>(event->pos().x() / w);
    setToolTip(row >= 0 ? cellText(row * stepsPerRow() + col) : QString());
}

// --- UnrolledOverlay ----------------------------------------------------------------------

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

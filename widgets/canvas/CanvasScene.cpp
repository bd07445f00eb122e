#include "canvas/CanvasScene.h"

#include "canvas/AutoLayout.h"
#include "canvas/EdgeItem.h"
#include "canvas/EdgeRoute.h"
#include "canvas/GroupItem.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/NeuronOverlay.h"
#include "canvas/PaletteMime.h"
#include "canvas/UnrolledOverlay.h"
#include "canvas/UnrolledRecurrentItem.h"
#include "document/UndoCommands.h"
#include "layers/LayerRegistry.h"

#include <QAction>
#include <QApplication>
#include <QBrush>
#include <QClipboard>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QKeySequence>
#include <QMenu>
#include <QMimeData>
#include <QPen>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace widgets {

namespace {

constexpr double kLayerGapX = 90.0; ///< horizontal space between layout columns
constexpr double kLayerGapY = 40.0; ///< vertical space between nodes of a column
constexpr int kHintMs = 3500;

const QColor kOkColor(0x43, 0xa0, 0x47);
const QColor kBadColor(0xd3, 0x2f, 0x2f);
const QColor kNeutralColor(0x6b, 0x72, 0x79);

} // namespace

bool CanvasScene::EdgeKeyLess::operator()(const Edge& a, const Edge& b) const
{
    return std::tie(a.from, a.fromPort, a.to, a.toPort)
        < std::tie(b.from, b.fromPort, b.to, b.toPort);
}

CanvasScene::CanvasScene(GraphDocument* document, QUndoStack* undoStack, QObject* parent)
    : QGraphicsScene(parent)
    , m_doc(document)
    , m_undo(undoStack)
{
    // A large fixed area so that panning is never stopped by the items' bounding box.
    setSceneRect(-20000, -20000, 40000, 40000);
    setItemIndexMethod(QGraphicsScene::NoIndex); // few items that move a lot

    m_hintTimer = new QTimer(this);
    m_hintTimer->setSingleShot(true);
    connect(m_hintTimer, &QTimer::timeout, this, [this] {
        if (m_hint)
            m_hint->hide();
    });

    connect(m_doc, &GraphDocument::nodeAdded, this, &CanvasScene::onNodeAdded);
    connect(m_doc, &GraphDocument::nodeRemoved, this, &CanvasScene::onNodeRemoved);
    connect(m_doc, &GraphDocument::edgeAdded, this, &CanvasScene::onEdgeAdded);
    connect(m_doc, &GraphDocument::edgeRemoved, this, &CanvasScene::onEdgeRemoved);
    connect(m_doc, &GraphDocument::nodeMoved, this, &CanvasScene::onNodeMoved);
    connect(m_doc, &GraphDocument::movesStarted, this, [this] { m_documentMoving = true; });
    connect(m_doc, &GraphDocument::movesFinished, this, &CanvasScene::onMovesFinished);
    connect(m_doc, &GraphDocument::attributesChanged, this, &CanvasScene::onAttributesChanged);
    connect(m_doc, &GraphDocument::validationChanged, this, &CanvasScene::onValidationChanged);
    connect(m_doc, &GraphDocument::reset, this, &CanvasScene::onReset);
    connect(m_doc, &GraphDocument::groupsChanged, this, &CanvasScene::onGroupsChanged);
    connect(this, &QGraphicsScene::selectionChanged, this, &CanvasScene::onSelectionChanged);
    onReset();
    m_neurons = new NeuronOverlay(this);
    m_unrolled = new UnrolledOverlay(this);
}

CanvasScene::~CanvasScene()
{
    // Items go with the scene; stop the document from calling into a half-destroyed scene.
    disconnect(m_doc, nullptr, this, nullptr);
}

LayerNodeItem* CanvasScene::nodeItem(NodeId id) const
{
    const auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : it->second;
}

EdgeItem* CanvasScene::edgeItem(const Edge& e) const
{
    const auto it = m_edges.find(e);
    return it == m_edges.end() ? nullptr : it->second;
}

std::vector<NodeId> CanvasScene::selectedNodeIds() const
{
    std::vector<NodeId> ids;
    for (const NodeId id : m_doc->nodeIds()) {
        const auto* item = nodeItem(id);
        if (item && item->isSelected())
            ids.push_back(id);
    }
    return ids;
}

std::vector<Edge> CanvasScene::selectedEdges() const
{
    std::vector<Edge> out;
    for (const auto& e : m_doc->edges()) {
        const auto* item = edgeItem(e);
        if (item && item->isSelected())
            out.push_back(e);
    }
    return out;
}

void CanvasScene::selectNodes(const std::vector<NodeId>& ids)
{
    QSignalBlocker block(this);
    clearSelection();
    for (const NodeId id : ids) {
        // A member of a collapsed block is hidden: its block's card is what can be selected.
        if (m_doc->isCollapsedMember(id)) {
            if (auto* block = groupItem(m_doc->groupOf(id)))
                block->setSelected(true);
        } else if (auto* item = nodeItem(id))
            item->setSelected(true);
    }
    block.unblock();
    onSelectionChanged();
}

QPointF CanvasScene::outputPortPos(NodeId id) const
{
    // A hidden member's outside edges attach to its collapsed block.
    if (const auto* block = m_doc->isCollapsedMember(id) ? groupItem(m_doc->groupOf(id)) : nullptr)
        return block->outputPortScenePos();
    const auto* item = nodeItem(id);
    if (!item)
        return m_doc->position(id) + QPointF(LayerNodeItem::kWidth, LayerNodeItem::kHeight / 2);
    return item->mapToScene(item->outputPortPos());
}

QPointF CanvasScene::inputPortPos(NodeId id, int port) const
{
    if (const auto* block = m_doc->isCollapsedMember(id) ? groupItem(m_doc->groupOf(id)) : nullptr)
        return block->inputPortScenePos();
    const auto* item = nodeItem(id);
    if (!item)
        return m_doc->position(id) + QPointF(0, LayerNodeItem::kHeight / 2);
    return item->mapToScene(item->inputPortPos(port));
}

QRectF CanvasScene::nodesBoundingRect() const
{
    QRectF r;
    for (const auto& [id, item] : m_nodes)
        if (item->isVisible())
            r = r.united(item->sceneBoundingRect()).united(cardRect(id));
    for (const auto& [id, item] : m_groups)
        r = r.united(item->sceneBoundingRect());
    return r;
}

void CanvasScene::setMinimumCardTextSize(int pixels)
{
    m_minCardText = pixels;
    ++m_lookRevision;
    for (const auto& [id, item] : m_nodes)
        item->update();
}

void CanvasScene::setTheme(const CanvasTheme& theme)
{
    m_theme = theme;
    ++m_lookRevision;
    for (const auto& [id, item] : m_nodes)
        item->update();
    for (const auto& [e, item] : m_edges)
        item->update();
    for (const auto& [id, item] : m_groups)
        item->update();
    emit themeChanged();
}

void CanvasScene::setShowEdgeShapes(bool show)
{
    if (show == m_showEdgeShapes)
        return;
    m_showEdgeShapes = show;
    for (const auto& [e, item] : m_edges)
        item->refreshShapeLabel();
}

std::vector<QRectF> CanvasScene::cardRects() const
{
    std::vector<QRectF> rects;
    rects.reserve(m_nodes.size());
    for (const auto& [id, item] : m_nodes)
        if (item->isVisible())
            rects.push_back(cardRect(id));
    for (const auto& [id, item] : m_groups)
        if (item->isCollapsed())
            rects.push_back(item->cardSceneRect());
    return rects;
}

QRectF CanvasScene::cardRect(NodeId id) const
{
    const LayerNodeItem* item = nodeItem(id);
    if (!item)
        return {};
    QRectF r(item->pos(), QSizeF(LayerNodeItem::kWidth, item->cardHeight()));
    if (const auto* strip = m_unrolled ? m_unrolled->itemFor(id) : nullptr)
        r |= strip->sceneBoundingRect();
    return r;
}

void CanvasScene::cardResized(NodeId id)
{
    if (auto* group = groupItem(m_doc->groupOf(id)))
        group->updateGeometry();
    if (m_unrolled)
        m_unrolled->sync(); // re-routes the edges too
    else
        updateEdges();
}

QPointF CanvasScene::snapToGrid(QPointF p)
{
    return QPointF(
        std::round(p.x() / kGridSize) * kGridSize, std::round(p.y() / kGridSize) * kGridSize);
}

// --- document -> items ------------------------------------------------------------------------

void CanvasScene::onNodeAdded(engine::NodeId id)
{
    if (nodeItem(id))
        return;
    auto* item = new LayerNodeItem(this, id);
    m_nodes[id] = item;
    addItem(item);
    updateEdges();
}

void CanvasScene::onNodeRemoved(engine::NodeId id)
{
    const auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return;
    LayerNodeItem* item = it->second;
    m_nodes.erase(it);
    m_moveStart.erase(id);
    if (m_connectFrom == id)
        cancelConnection();
    removeItem(item);
    delete item;
    updateEdges();
}

void CanvasScene::onEdgeAdded(const engine::Edge& e)
{
    if (edgeItem(e))
        return;
    auto* item = new EdgeItem(this, e);
    m_edges[e] = item;
    addItem(item);
    const GroupId group = m_doc->groupOf(e.from);
    if (group >= 0 && m_doc->isCollapsedMember(e.from) && m_doc->groupOf(e.to) == group)
        item->hide();
}

void CanvasScene::onEdgeRemoved(const engine::Edge& e)
{
    const auto it = m_edges.find(e);
    if (it == m_edges.end())
        return;
    EdgeItem* item = it->second;
    m_edges.erase(it);
    removeItem(item);
    delete item;
}

void CanvasScene::onNodeMoved(engine::NodeId id)
{
    if (auto* item = nodeItem(id))
        item->setPos(m_doc->position(id));
}

void CanvasScene::onAttributesChanged(engine::NodeId id)
{
    if (auto* item = nodeItem(id))
        item->refresh();
}

void CanvasScene::onValidationChanged()
{
    for (const auto& [id, item] : m_nodes)
        item->refresh();
    for (const auto& [e, item] : m_edges)
        item->refreshShapeLabel();
    for (const auto& [id, item] : m_groups)
        item->refresh(); // shapes and costs of the blocks
}

void CanvasScene::onReset()
{
    cancelConnection();
    if (m_hint)
        m_hint->hide();
    m_moveStart.clear();
    for (const auto& [e, item] : m_edges) {
        removeItem(item);
        delete item;
    }
    m_edges.clear();
    for (const auto& [id, item] : m_groups) {
        removeItem(item);
        delete item;
    }
    m_groups.clear();
    for (const auto& [id, item] : m_nodes) {
        removeItem(item);
        delete item;
    }
    m_nodes.clear();
    for (const NodeId id : m_doc->nodeIds())
        onNodeAdded(id);
    for (const auto& e : m_doc->edges())
        onEdgeAdded(e);
    m_pasteCount = 0;
    onGroupsChanged(); // also emits the selection
}

void CanvasScene::onSelectionChanged()
{
    QList<engine::NodeId> ids;
    for (const NodeId id : selectedNodeIds())
        ids.push_back(id);
    emit selectionChangedIds(ids);
    if (const auto blocks = selectedGroupIds(); ids.isEmpty() && blocks.size() == 1)
        emit blockSelected(blocks.front());
}

void CanvasScene::updateEdges()
{
    if (m_documentMoving) {
        m_edgesStale = true;
        return;
    }
    ++m_edgeRoutePasses;
    for (const auto& [e, item] : m_edges)
        item->updatePath();
}

void CanvasScene::onMovesFinished()
{
    m_documentMoving = false;
    if (m_edgesStale) {
        m_edgesStale = false;
        updateEdges();
    }
}

void CanvasScene::nodeItemMoved(NodeId id)
{
    if (auto* group = groupItem(m_doc->groupOf(id)))
        group->updateGeometry(); // before the edges: they may attach to its card
    updateEdges();
    if (m_neurons)
        m_neurons->nodeMoved(id);
}

// --- user edits -> commands -------------------------------------------------------------------

NodeId CanvasScene::addLayerAt(
    const QString& type, const nlohmann::json& attributes, QPointF scenePos)
{
    if (!engine::LayerRegistry::create(type.toStdString())) {
        emit statusMessage(tr("Unknown layer type '%1'.").arg(type), kHintMs);
        return -1;
    }
    const engine::NodeRecord record = m_doc->makeNode(type, attributes, snapToGrid(scenePos));
    auto* command = new AddNodeCommand(m_doc, record);
    const NodeId id = command->nodeId();
    m_undo->push(command);
    selectNodes({id});
    return id;
}

NodeId CanvasScene::addConnectedAfter(const QString& type, const nlohmann::json& attributes)
{
    auto layer = engine::LayerRegistry::create(type.toStdString());
    if (!layer) {
        emit statusMessage(tr("Unknown layer type '%1'.").arg(type), kHintMs);
        return -1;
    }
    const std::vector<NodeId> selected = selectedNodeIds();
    NodeId from = selected.empty() ? -1 : selected.back();
    QPointF pos;
    if (from >= 0) {
        pos = m_doc->position(from) + QPointF(LayerNodeItem::kWidth + kLayerGapX, 0);
    } else if (!m_nodes.empty()) {
        const QRectF r = nodesBoundingRect();
        pos = QPointF(r.right() + kLayerGapX, r.top());
    }
    // Step down until the spot is free, so the new card never hides another one.
    auto occupied = [this](QPointF p) {
        const QRectF r(p, QSizeF(LayerNodeItem::kWidth, LayerNodeItem::kHeight));
        for (const auto& [id, item] : m_nodes)
            if (item->sceneBoundingRect().intersects(r))
                return true;
        return false;
    };
    pos = snapToGrid(pos);
    for (int i = 0; i < 50 && occupied(pos); ++i)
        pos.ry() += LayerNodeItem::kHeight + kLayerGapY;

    const bool canConnect = from >= 0 && m_doc->hasOutput(from) && layer->inputArity().second != 0
        && m_doc->outEdges(from).empty();
    const engine::NodeRecord record = m_doc->makeNode(type, attributes, pos);
    auto* command = new AddNodeCommand(m_doc, record, canConnect ? from : -1);
    const NodeId id = command->nodeId();
    m_undo->push(command);
    selectNodes({id});
    return id;
}

NodeId CanvasScene::insertAfterSelection(const QString& type, const nlohmann::json& attributes)
{
    const std::vector<NodeId> selected = selectedNodeIds();
    const NodeId from = selected.empty() ? -1 : selected.back();
    const std::vector<Edge> outgoing = from >= 0 ? m_doc->outEdges(from) : std::vector<Edge> {};
    auto layer = engine::LayerRegistry::create(type.toStdString());
    const bool passesOn = layer && layer->inputArity().second != 0 && type != "Loss";
    if (outgoing.empty() || !passesOn)
        return addConnectedAfter(type, attributes);
    // Between the node and the nodes it fed: one undo step re-wires all of it.
    m_undo->beginMacro(tr("Insert %1").arg(type));
    for (const Edge& e : outgoing)
        m_undo->push(new DisconnectCommand(m_doc, e));
    const NodeId id = addConnectedAfter(type, attributes);
    for (const Edge& e : outgoing)
        m_undo->push(new ConnectCommand(m_doc, Edge {id, 0, e.to, e.toPort}));
    m_undo->endMacro();
    return id;
}

void CanvasScene::deleteSelection()
{
    const std::vector<NodeId> nodes = selectedLayerIds();
    const std::vector<Edge> edges = selectedEdges();
    if (nodes.empty() && edges.empty())
        return;
    m_undo->push(new RemoveItemsCommand(m_doc, nodes, edges));
}

std::vector<NodeId> CanvasScene::selectedLayerIds() const
{
    std::vector<NodeId> nodes = selectedNodeIds();
    for (const GroupId g : selectedGroupIds()) // a selected block stands for its hidden layers
        for (const NodeId m : m_doc->group(g)->members)
            if (std::find(nodes.begin(), nodes.end(), m) == nodes.end())
                nodes.push_back(m);
    return nodes;
}

void CanvasScene::copySelection()
{
    const std::vector<NodeId> nodes = selectedLayerIds();
    if (nodes.empty())
        return;
    const std::string text = m_doc->selectionToJson(nodes).dump(2);
    auto* mime = new QMimeData;
    const QByteArray bytes = QByteArray::fromStdString(text);
    mime->setData(QString::fromLatin1(kFragmentMimeType), bytes);
    mime->setText(QString::fromStdString(text));
    QApplication::clipboard()->setMimeData(mime);
    m_pasteCount = 0;
}

void CanvasScene::cutSelection()
{
    copySelection();
    const std::vector<NodeId> nodes = selectedLayerIds();
    if (nodes.empty())
        return;
    auto* command = new RemoveItemsCommand(m_doc, nodes);
    command->setText(tr("Cut %n layer(s)", nullptr, int(nodes.size())));
    m_undo->push(command);
    m_pasteCount = -1; // the first paste after a cut goes where the nodes were
}

void CanvasScene::paste()
{
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime)
        return;
    QByteArray bytes = mime->data(QString::fromLatin1(kFragmentMimeType));
    if (bytes.isEmpty())
        bytes = mime->text().toUtf8(); // JSON pasted from a text editor works too
    const nlohmann::json j = nlohmann::json::parse(bytes.toStdString(), nullptr, false);
    if (j.is_discarded())
        return;
    ++m_pasteCount;
    const double step = 2 * kGridSize * m_pasteCount;
    pasteFragment(j, QPointF(step, step), QString());
}

bool CanvasScene::pasteFragment(
    const nlohmann::json& fragmentJson, QPointF offset, const QString& text)
{
    GraphFragment fragment = m_doc->fragmentFromJson(fragmentJson, offset);
    if (fragment.empty()) {
        emit statusMessage(tr("The clipboard holds no layers."), kHintMs);
        return false;
    }
    auto* command = new PasteCommand(m_doc, std::move(fragment));
    if (!text.isEmpty())
        command->setText(text);
    const std::vector<NodeId> ids = command->nodeIds();
    m_undo->push(command);
    selectNodes(ids);
    return true;
}

void CanvasScene::duplicateSelection()
{
    const std::vector<NodeId> nodes = selectedLayerIds();
    if (nodes.empty())
        return;
    QRectF selection;
    for (const NodeId id : nodes)
        selection |= cardRect(id);
    const std::vector<QRectF> cards = cardRects();
    // Straight below the originals, stepping further down until no copy covers a card.
    const double step = std::ceil((selection.height() + kLayerGapY) / kGridSize) * kGridSize;
    auto covers = [&](double dy) {
        for (const NodeId id : nodes) {
            const QRectF copy = cardRect(id).translated(0, dy);
            for (const QRectF& card : cards)
                if (copy.intersects(card))
                    return true;
        }
        return false;
    };
    double dy = step;
    for (int i = 0; i < 50 && covers(dy); ++i)
        dy += step;
    pasteFragment(m_doc->selectionToJson(nodes), QPointF(0, dy),
        tr("Duplicate %n layer(s)", nullptr, int(nodes.size())));
}

void CanvasScene::selectAll()
{
    std::vector<NodeId> ids = m_doc->nodeIds();
    selectNodes(ids);
    const QSignalBlocker block(this);
    for (const auto& [e, item] : m_edges)
        item->setSelected(true);
    for (const auto& [id, item] : m_groups)
        item->setSelected(true); // only collapsed blocks are selectable
}

void CanvasScene::autoLayout()
{
    // A collapsed block is one node of the layout, standing for its first member; its members
    // then move with it, keeping their places inside the block.
    std::map<NodeId, NodeId> standIn; // hidden member -> the member that stands for its block
    for (const auto& g : m_doc->groups())
        if (g.collapsed)
            for (const NodeId m : g.members)
                standIn[m] = g.members.front();
    const auto layoutId = [&standIn](NodeId id) {
        const auto it = standIn.find(id);
        return it == standIn.end() ? id : it->second;
    };
    std::vector<LayoutNode> nodes;
    for (const NodeId id : m_doc->nodeIds()) {
        if (layoutId(id) != id)
            continue;
        if (standIn.count(id)) {
            const GroupItem* block = groupItem(m_doc->groupOf(id));
            const QRectF r = block ? block->cardSceneRect() : QRectF();
            if (!r.isEmpty()) {
                nodes.push_back({id, r.size(), r.topLeft()});
                continue;
            }
        }
        // With what hangs under the card (thumbnail, unrolled strip), so nothing overlaps.
        const QRectF r = cardRect(id);
        const QSizeF size
            = r.isEmpty() ? QSizeF(LayerNodeItem::kWidth, LayerNodeItem::kHeight) : r.size();
        nodes.push_back({id, size, m_doc->position(id)});
    }
    std::vector<LayoutEdge> edges;
    for (const auto& e : m_doc->edges()) {
        const NodeId from = layoutId(e.from);
        const NodeId to = layoutId(e.to);
        if (from != to)
            edges.push_back({from, to});
    }
    LayoutOptions options;
    options.direction = m_layoutDirection;
    options.columnGap = kLayerGapX;
    options.rowGap = kLayerGapY;
    options.grid = kGridSize;
    // Rows are lower than columns are wide: a top-to-bottom band holds more layers.
    if (m_layoutDirection == LayoutDirection::TopToBottom)
        options.maxColumns = 8;
    std::map<NodeId, QPointF> placed = layoutGraph(nodes, edges, options);
    std::map<NodeId, QPointF> blockShift; // stand-in -> how far its block moves
    for (const LayoutNode& n : nodes)
        if (standIn.count(n.id) && placed.count(n.id))
            blockShift[n.id] = placed[n.id] - n.position;
    std::map<NodeId, QPointF> from;
    std::map<NodeId, QPointF> to;
    for (const NodeId id : m_doc->nodeIds()) {
        from[id] = m_doc->position(id);
        const NodeId lid = layoutId(id);
        if (const auto shift = blockShift.find(lid); shift != blockShift.end())
            to[id] = m_doc->position(id) + shift->second;
        else if (const auto it = placed.find(id); it != placed.end())
            to[id] = it->second;
        else
            to[id] = from[id];
    }
    if (from == to)
        return;
    m_undo->push(new AutoLayoutCommand(m_doc, std::move(from), std::move(to)));
}

// --- mouse: moving and connecting -------------------------------------------------------------

std::optional<Edge> CanvasScene::connectionAt(QPointF scenePos) const
{
    if (m_connectFrom < 0)
        return std::nullopt;
    for (QGraphicsItem* item : items(scenePos)) {
        auto* node = qgraphicsitem_cast<LayerNodeItem*>(item);
        if (!node || node->nodeId() == m_connectFrom || !node->isVisible())
            continue;
        // Anywhere on the card connects to its input, so the port need not be hit exactly.
        Edge e {m_connectFrom, 0, node->nodeId(), 0};
        const auto arity = m_doc->inputArity(e.to);
        if (arity.second < 0 || arity.second > 1)
            e.toPort = static_cast<int>(m_doc->inEdges(e.to).size());
        return e;
    }
    return std::nullopt;
}

void CanvasScene::updateRubberLine(QPointF scenePos)
{
    if (!m_rubberLine)
        return;
    for (const auto& [id, item] : m_nodes)
        item->setPortHighlight(-1, true);
    QPointF end = scenePos;
    QColor color = kNeutralColor;
    Qt::PenStyle style = Qt::DashLine;
    if (const auto edge = connectionAt(scenePos)) {
        const bool ok = !m_doc->connectionProblem(*edge).has_value();
        color = ok ? kOkColor : kBadColor;
        style = Qt::SolidLine;
        auto* target = nodeItem(edge->to);
        if (target->inputPortCount() > 0) {
            end = inputPortPos(edge->to, edge->toPort);
            target->setPortHighlight(0, ok);
        }
    }
    m_rubberLine->setPen(QPen(color, 2.2, style, Qt::RoundCap));
    m_rubberLine->setPath(edgeBezier(outputPortPos(m_connectFrom), end));
}

void CanvasScene::finishConnection(QPointF scenePos)
{
    const auto edge = connectionAt(scenePos);
    cancelConnection();
    if (!edge)
        return;
    if (const auto problem = m_doc->connectionProblem(*edge)) {
        const QString text
            = tr("Cannot connect %1 to %2: %3")
                  .arg(m_doc->nodeName(edge->from), m_doc->nodeName(edge->to), *problem);
        // Above the refused target card, so the hint hides neither it nor its ports.
        QPointF anchor = scenePos;
        if (const auto* target = nodeItem(edge->to))
            anchor = target->mapToScene(QPointF(0, -6));
        showHint(*problem, anchor);
        emit statusMessage(text, kHintMs);
        return;
    }
    m_undo->push(new ConnectCommand(m_doc, *edge));
}

void CanvasScene::cancelConnection()
{
    m_connectFrom = -1;
    for (const auto& [id, item] : m_nodes)
        item->setPortHighlight(-1, true);
    if (m_rubberLine) {
        removeItem(m_rubberLine);
        delete m_rubberLine;
        m_rubberLine = nullptr;
    }
}

void CanvasScene::showHint(const QString& text, QPointF scenePos)
{
    if (!m_hint) {
        m_hint = new QGraphicsSimpleTextItem;
        m_hint->setZValue(100);
        m_hint->setBrush(Qt::white);
        QFont f = m_hint->font();
        f.setPointSizeF(9.0);
        m_hint->setFont(f);
        auto* background = new QGraphicsRectItem(m_hint);
        background->setFlag(QGraphicsItem::ItemStacksBehindParent);
        background->setPen(Qt::NoPen);
        background->setBrush(QColor(0xc6, 0x28, 0x28, 235));
        addItem(m_hint);
    }
    m_hint->setText(text);
    const QRectF r = m_hint->boundingRect().adjusted(-8, -5, 8, 5);
    if (auto* background = qgraphicsitem_cast<QGraphicsRectItem*>(m_hint->childItems().value(0)))
        background->setRect(r);
    m_hint->setPos(scenePos + QPointF(8, r.top() - r.bottom()));
    m_hint->show();
    m_hintTimer->start(kHintMs);
}

void CanvasScene::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        for (QGraphicsItem* item : items(event->scenePos())) {
            auto* node = qgraphicsitem_cast<LayerNodeItem*>(item);
            if (!node || !node->isVisible())
                continue;
            if (node->portAt(node->mapFromScene(event->scenePos())) == LayerNodeItem::kOutputPort) {
                m_connectFrom = node->nodeId();
                m_rubberLine = new QGraphicsPathItem;
                m_rubberLine->setZValue(50);
                addItem(m_rubberLine);
                updateRubberLine(event->scenePos());
                event->accept();
                return;
            }
            break;
        }
    }
    QGraphicsScene::mousePressEvent(event);
    m_moveStart.clear();
    if (event->button() == Qt::LeftButton && mouseGrabberItem()) {
        for (const NodeId id : selectedNodeIds())
            m_moveStart[id] = m_doc->position(id);
    }
}

void CanvasScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_connectFrom >= 0) {
        updateRubberLine(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void CanvasScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_connectFrom >= 0) {
        if (event->button() == Qt::LeftButton)
            finishConnection(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || m_moveStart.empty())
        return;
    std::map<NodeId, QPointF> from;
    std::map<NodeId, QPointF> to;
    for (const auto& [id, start] : m_moveStart) {
        const auto* item = nodeItem(id);
        if (item && item->pos() != start) {
            from[id] = start;
            to[id] = item->pos();
        }
    }
    m_moveStart.clear();
    if (!to.empty())
        m_undo->push(new MoveNodesCommand(m_doc, std::move(from), std::move(to)));
}

void CanvasScene::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && m_connectFrom >= 0) {
        cancelConnection();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        deleteSelection();
        event->accept();
        return;
    }
    QGraphicsScene::keyPressEvent(event);
}

// --- drops from the palette -------------------------------------------------------------------

void CanvasScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event)
{
    m_dropAccepted = event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType));
    if (m_dropAccepted) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
    } else {
        event->ignore();
    }
}

void CanvasScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event)
{
    if (m_dropAccepted) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
    } else {
        event->ignore();
    }
}

void CanvasScene::dragLeaveEvent(QGraphicsSceneDragDropEvent* event)
{
    m_dropAccepted = false;
    event->accept();
}

void CanvasScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* event)
{
    for (QGraphicsItem* item : items(event->scenePos())) {
        if (auto* group = qgraphicsitem_cast<GroupItem*>(item);
            group && group->shape().contains(group->mapFromScene(event->scenePos()))) {
            QMenu* menu = createGroupMenu(group->groupId());
            menu->exec(event->screenPos());
            delete menu;
            event->accept();
            return;
        }
        auto* node = qgraphicsitem_cast<LayerNodeItem*>(item);
        if (!node || !node->isVisible())
            continue;
        QMenu* menu = createNodeMenu(node->nodeId());
        menu->exec(event->screenPos());
        delete menu;
        event->accept();
        return;
    }
    QGraphicsScene::contextMenuEvent(event);
}

QMenu* CanvasScene::createNodeMenu(NodeId id, QWidget* parent)
{
    if (!nodeItem(id)->isSelected())
        selectNodes({id});
    auto* menu = new QMenu(parent);
    QAction* duplicate = menu->addAction(tr("Duplicate"));
    duplicate->setToolTip(tr("Copy the selected layers below the originals"));
    connect(duplicate, &QAction::triggered, this, &CanvasScene::duplicateSelection);
    QAction* remove = menu->addAction(tr("Delete"));
    remove->setShortcut(QKeySequence::Delete); // shown as a hint; the scene handles the key
    remove->setToolTip(tr("Remove the selected layers and their connections"));
    connect(remove, &QAction::triggered, this, &CanvasScene::deleteSelection);
    addGroupActions(menu, id);
    menu->addSeparator();
    m_neurons->addNodeActions(menu, id);
    m_unrolled->addNodeActions(menu, id);
    return menu;
}

void CanvasScene::dropEvent(QGraphicsSceneDragDropEvent* event)
{
    const QByteArray bytes = event->mimeData()->data(QString::fromLatin1(kLayerMimeType));
    m_dropAccepted = false;
    const nlohmann::json j = nlohmann::json::parse(bytes.toStdString(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
        event->ignore();
        return;
    }
    const QString type = QString::fromStdString(j["type"].get<std::string>());
    nlohmann::json attrs = j.value("attributes", nlohmann::json::object());
    if (attrs.is_string()) // LayerInfo::attributes is JSON text; accept it unparsed too
        attrs = nlohmann::json::parse(attrs.get<std::string>(), nullptr, false);
    if (!attrs.is_object())
        attrs = nlohmann::json::object();
    // The cursor holds the card by its centre.
    const QPointF topLeft
        = event->scenePos() - QPointF(LayerNodeItem::kWidth / 2, LayerNodeItem::kHeight / 2);
    if (addLayerAt(type, attrs, topLeft) < 0) {
        event->ignore();
        return;
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

} // namespace widgets

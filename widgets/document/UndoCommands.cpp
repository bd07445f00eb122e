#include "document/UndoCommands.h"

#include <algorithm>

namespace widgets {

namespace {

QString nameOf(const GraphDocument* doc, NodeId id)
{
    const QString name = doc->nodeName(id);
    return name.isEmpty() ? QString::number(id) : name;
}

} // namespace

// --- AddNodeCommand ---------------------------------------------------------------------------

AddNodeCommand::AddNodeCommand(
    GraphDocument* doc, engine::NodeRecord record, NodeId connectFrom, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_record(std::move(record))
    , m_connectFrom(connectFrom)
{
    setText(tr("Add %1").arg(QString::fromStdString(m_record.name)));
}

void AddNodeCommand::redo()
{
    m_doc->insertNode(m_record);
    if (m_connectFrom >= 0)
        m_doc->addEdge(Edge {m_connectFrom, 0, m_record.id, 0});
}

void AddNodeCommand::undo()
{
    m_doc->removeNode(m_record.id);
}

// --- RemoveItemsCommand -----------------------------------------------------------------------

RemoveItemsCommand::RemoveItemsCommand(
    GraphDocument* doc, std::vector<NodeId> nodes, std::vector<Edge> edges, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_groups(doc->groups())
{
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    for (const NodeId id : doc->nodeIds()) {
        if (std::binary_search(nodes.begin(), nodes.end(), id))
            m_nodes.emplace_back(doc->nodeIndex(id), *doc->node(id));
    }
    const auto& all = doc->edges();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Edge& e = all[i];
        const bool touches = std::binary_search(nodes.begin(), nodes.end(), e.from)
            || std::binary_search(nodes.begin(), nodes.end(), e.to);
        const bool listed = std::find(edges.begin(), edges.end(), e) != edges.end();
        if (touches || listed)
            m_edges.emplace_back(static_cast<int>(i), e);
    }
    for (const auto& [index, record] : m_nodes) {
        const auto it = doc->weights().find(record.id);
        if (it != doc->weights().end())
            m_removedWeights.insert(*it);
    }
    if (m_nodes.size() == 1 && m_edges.size() <= 1)
        setText(tr("Delete %1").arg(QString::fromStdString(m_nodes.front().second.name)));
    else if (m_nodes.empty() && m_edges.size() == 1)
        setText(tr("Delete connection"));
    else
        setText(tr("Delete %n item(s)", nullptr, int(m_nodes.size() + m_edges.size())));
}

void RemoveItemsCommand::redo()
{
    // Edges first (highest index first keeps the recorded indices valid), then nodes.
    for (auto it = m_edges.rbegin(); it != m_edges.rend(); ++it)
        m_doc->removeEdge(it->second);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_doc->removeNode(it->second.id);
    if (!m_removedWeights.empty()) {
        engine::WeightMap weights = m_doc->weights();
        for (const auto& [id, params] : m_removedWeights)
            weights.erase(id);
        m_doc->setWeights(std::move(weights));
    }
}

void RemoveItemsCommand::undo()
{
    // Ascending indices: each insertion lands where it was because all lower ones are back.
    for (const auto& [index, record] : m_nodes)
        m_doc->insertNode(record, index);
    for (const auto& [index, edge] : m_edges)
        m_doc->addEdge(edge, index);
    m_doc->setGroups(m_groups);
    if (!m_removedWeights.empty()) {
        engine::WeightMap weights = m_doc->weights();
        for (const auto& [id, params] : m_removedWeights)
            weights[id] = params;
        m_doc->setWeights(std::move(weights));
    }
}

// --- ConnectCommand / DisconnectCommand -------------------------------------------------------

ConnectCommand::ConnectCommand(GraphDocument* doc, const Edge& edge, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_edge(edge)
{
    setText(tr("Connect %1 to %2").arg(nameOf(doc, edge.from), nameOf(doc, edge.to)));
}

void ConnectCommand::redo()
{
    m_doc->addEdge(m_edge);
}

void ConnectCommand::undo()
{
    m_doc->removeEdge(m_edge);
}

DisconnectCommand::DisconnectCommand(GraphDocument* doc, const Edge& edge, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_edge(edge)
    , m_index(doc->edgeIndex(edge))
{
    setText(tr("Disconnect %1 from %2").arg(nameOf(doc, edge.from), nameOf(doc, edge.to)));
}

void DisconnectCommand::redo()
{
    m_doc->removeEdge(m_edge);
}

void DisconnectCommand::undo()
{
    m_doc->addEdge(m_edge, m_index);
}

// --- MoveNodesCommand -------------------------------------------------------------------------

MoveNodesCommand::MoveNodesCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
    std::map<NodeId, QPointF> to, QUndoCommand* parent)
    : MoveNodesCommand(doc, std::move(from), std::move(to), {}, parent)
{
    if (m_to.size() == 1)
        setText(tr("Move %1").arg(nameOf(doc, m_to.begin()->first)));
    else
        setText(tr("Move %n layer(s)", nullptr, int(m_to.size())));
}

MoveNodesCommand::MoveNodesCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
    std::map<NodeId, QPointF> to, const QString& text, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_doc(doc)
    , m_from(std::move(from))
    , m_to(std::move(to))
{ }

void MoveNodesCommand::redo()
{
    m_doc->setPositions(m_to);
}

void MoveNodesCommand::undo()
{
    m_doc->setPositions(m_from);
}

bool MoveNodesCommand::mergeWith(const QUndoCommand* other)
{
    const auto* move = dynamic_cast<const MoveNodesCommand*>(other);
    if (!move || move->id() != id())
        return false;
    // The same selection dragged again: one step from the first start to the last end.
    const bool sameNodes = std::equal(m_to.begin(), m_to.end(), move->m_to.begin(),
        move->m_to.end(), [](const auto& a, const auto& b) { return a.first == b.first; });
    if (!sameNodes)
        return false;
    m_to = move->m_to;
    return true;
}

AutoLayoutCommand::AutoLayoutCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
    std::map<NodeId, QPointF> to, QUndoCommand* parent)
    : MoveNodesCommand(doc, std::move(from), std::move(to), tr("Auto-layout"), parent)
{ }

// --- SetAttributeCommand ----------------------------------------------------------------------

SetAttributeCommand::SetAttributeCommand(GraphDocument* doc, NodeId id, const std::string& key,
    nlohmann::json value, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_node(id)
    , m_key(key)
    , m_old(doc->attributes(id))
    , m_new(m_old)
{
    m_new[key] = std::move(value);
    setText(tr("Set %1 of %2").arg(QString::fromStdString(key), nameOf(doc, id)));
}

void SetAttributeCommand::redo()
{
    m_doc->setAttributes(m_node, m_new);
}

void SetAttributeCommand::undo()
{
    m_doc->setAttributes(m_node, m_old);
}

bool SetAttributeCommand::mergeWith(const QUndoCommand* other)
{
    const auto* set = dynamic_cast<const SetAttributeCommand*>(other);
    if (!set || set->m_node != m_node || set->m_key != m_key)
        return false;
    m_new = set->m_new;
    return true;
}

// --- RenameNodeCommand ------------------------------------------------------------------------

RenameNodeCommand::RenameNodeCommand(
    GraphDocument* doc, NodeId id, const QString& name, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_node(id)
    , m_old(doc->nodeName(id))
    , m_new(name)
{
    setText(tr("Rename %1 to %2").arg(m_old, m_new));
}

void RenameNodeCommand::redo()
{
    m_doc->setNodeName(m_node, m_new);
}

void RenameNodeCommand::undo()
{
    m_doc->setNodeName(m_node, m_old);
}

bool RenameNodeCommand::mergeWith(const QUndoCommand* other)
{
    const auto* rename = dynamic_cast<const RenameNodeCommand*>(other);
    if (!rename || rename->m_node != m_node)
        return false;
    m_new = rename->m_new;
    setText(tr("Rename %1 to %2").arg(m_old, m_new));
    return true;
}

// --- SetDatasetCommand / SetTrainingConfigCommand ---------------------------------------------

SetDatasetCommand::SetDatasetCommand(
    GraphDocument* doc, engine::DatasetSpec spec, QString mergeKey, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_old(doc->datasetSpec())
    , m_new(std::move(spec))
    , m_mergeKey(std::move(mergeKey))
{
    setText(m_mergeKey.isEmpty() ? tr("Change dataset") : tr("Set dataset %1").arg(m_mergeKey));
}

void SetDatasetCommand::redo()
{
    m_doc->setDatasetSpec(m_new);
}

void SetDatasetCommand::undo()
{
    m_doc->setDatasetSpec(m_old);
}

bool SetDatasetCommand::mergeWith(const QUndoCommand* other)
{
    const auto* set = dynamic_cast<const SetDatasetCommand*>(other);
    if (!set || m_mergeKey.isEmpty() || set->m_mergeKey != m_mergeKey)
        return false;
    m_new = set->m_new;
    return true;
}

SetTrainingConfigCommand::SetTrainingConfigCommand(
    GraphDocument* doc, engine::TrainingConfig config, QString mergeKey, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_old(doc->trainingConfig())
    , m_new(std::move(config))
    , m_mergeKey(std::move(mergeKey))
{
    setText(m_mergeKey.isEmpty() ? tr("Change training settings") : tr("Set %1").arg(m_mergeKey));
}

void SetTrainingConfigCommand::redo()
{
    m_doc->setTrainingConfig(m_new);
}

void SetTrainingConfigCommand::undo()
{
    m_doc->setTrainingConfig(m_old);
}

bool SetTrainingConfigCommand::mergeWith(const QUndoCommand* other)
{
    const auto* set = dynamic_cast<const SetTrainingConfigCommand*>(other);
    if (!set || m_mergeKey.isEmpty() || set->m_mergeKey != m_mergeKey)
        return false;
    m_new = set->m_new;
    return true;
}

// --- PasteCommand -----------------------------------------------------------------------------

PasteCommand::PasteCommand(GraphDocument* doc, GraphFragment fragment, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_fragment(std::move(fragment))
{
    setText(tr("Paste %n layer(s)", nullptr, int(m_fragment.nodes.size())));
}

void PasteCommand::redo()
{
    for (const auto& n : m_fragment.nodes)
        m_doc->insertNode(n);
    for (const auto& e : m_fragment.edges)
        m_doc->addEdge(e);
    for (const auto& g : m_fragment.groups)
        m_doc->insertGroup(g);
}

void PasteCommand::undo()
{
    for (auto it = m_fragment.groups.rbegin(); it != m_fragment.groups.rend(); ++it)
        m_doc->removeGroup(it->id);
    for (auto it = m_fragment.nodes.rbegin(); it != m_fragment.nodes.rend(); ++it)
        m_doc->removeNode(it->id);
}

std::vector<NodeId> PasteCommand::nodeIds() const
{
    std::vector<NodeId> ids;
    for (const auto& n : m_fragment.nodes)
        ids.push_back(n.id);
    return ids;
}

} // namespace widgets

#pragma once

#include "graph/Graph.h"
#include "project/Project.h"

#include <nlohmann/json.hpp>

#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QString>

#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace widgets {

using NodeId = engine::NodeId;
using GroupId = engine::GroupId;
using engine::Edge;

/// Nodes and edges to insert together (a paste): ids already fresh, names already unique.
struct GraphFragment {
    std::vector<engine::NodeRecord> nodes;
    std::vector<Edge> edges;
    std::vector<engine::NodeGroup> groups; ///< blocks all of whose layers were copied
    bool empty() const { return nodes.empty(); }
};

/// The network being designed: an engine::Project (nodes with positions and attributes, edges,
/// dataset, training settings, weights) plus its live validation. Views observe it through the
/// signals; only undo commands (UndoCommands.h) call the mutators, so every edit is undoable.
/// The modified flag is the QUndoStack's clean state, not kept here.
///
/// Validation: after every structural, attribute or dataset change the document rebuilds an
/// engine::Graph and runs Graph::check() with the context derived from the dataset spec, then
/// emits validationChanged(). Nothing here throws to the caller: bad attributes and a project
/// the engine refuses become errors in check().
class GraphDocument : public QObject {
    Q_OBJECT
public:
    explicit GraphDocument(QObject* parent = nullptr);
    ~GraphDocument() override;

    // --- reading ------------------------------------------------------------------------------
    const engine::Project& project() const { return m_project; }
    /// The project as a JSON file would store it (the undo tests compare these).
    nlohmann::json toJson() const;

    bool hasNode(NodeId id) const { return m_index.count(id) != 0; }
    /// Null when there is no such node. Valid until the next mutation.
    const engine::NodeRecord* node(NodeId id) const;
    std::vector<NodeId> nodeIds() const; ///< in document order
    int nodeCount() const { return static_cast<int>(m_project.nodes.size()); }
    /// Index of the node in project().nodes, -1 if absent.
    int nodeIndex(NodeId id) const;
    const std::vector<Edge>& edges() const { return m_project.edges; }
    bool hasEdge(const Edge& e) const;
    int edgeIndex(const Edge& e) const; ///< -1 if absent
    std::vector<Edge> edgesOf(NodeId id) const; ///< every edge touching the node
    std::vector<Edge> inEdges(NodeId id) const;
    std::vector<Edge> outEdges(NodeId id) const;

    QPointF position(NodeId id) const;
    nlohmann::json attributes(NodeId id) const;
    QString nodeType(NodeId id) const;
    QString nodeName(NodeId id) const;
    const engine::DatasetSpec& datasetSpec() const { return m_project.dataset; }
    const engine::TrainingConfig& trainingConfig() const { return m_project.training; }
    const engine::WeightMap& weights() const { return m_project.weights; }
    /// The run that trained weights() (empty when unknown).
    const engine::TrainingHistory& trainingHistory() const { return m_project.history; }

    // --- groups (view data: a collapsible block of cards; the engine ignores them) -----------
    /// Every member exists and is in one group only; a group has at least one member.
    const std::vector<engine::NodeGroup>& groups() const { return m_project.groups; }
    const engine::NodeGroup* group(GroupId id) const; ///< null when absent
    int groupIndex(GroupId id) const; ///< -1 when absent
    GroupId groupOf(NodeId node) const; ///< the group listing the node, -1 for none
    /// True when the node is hidden inside a collapsed group.
    bool isCollapsedMember(NodeId node) const;
    GroupId nextGroupId() const;
    /// "group_<n>" not yet used by any group.
    QString uniqueGroupName() const;

    // --- validation ---------------------------------------------------------------------------
    /// The last validation result (shapes, parameter counts, errors by node).
    const engine::GraphCheck& check() const { return m_check; }
    /// What the dataset tells the graph, or nullopt when it cannot be known without loading a
    /// file (the Input node's shape attribute is used then).
    const std::optional<engine::GraphContext>& context() const { return m_context; }
    /// Why the dataset spec gives no context ("" when it does or when it is simply unknown).
    QString datasetProblem() const { return m_datasetProblem; }
    /// Overrides the context derived from the dataset spec (e.g. once a file dataset was
    /// loaded). Not an undoable edit: it is derived data. nullopt goes back to the spec.
    void setContextOverride(std::optional<engine::GraphContext> context);
    bool isReadyToTrain() const { return m_check.ok() && m_check.inputNode >= 0; }
    long totalParams() const { return m_check.totalParams(); }
    QString errorsFor(NodeId id) const; ///< newline-joined messages, "" when none
    QString summary(NodeId id) const; ///< Layer::summary(), e.g. "Dense 64, ReLU"
    QString outputShape(NodeId id) const; ///< "64", "28x28x1", "" when unknown
    long paramCount(NodeId id) const; ///< -1 when unknown
    /// Inputs the node's layer takes: {min, max}, max = -1 means any; {0, 0} for Input.
    std::pair<int, int> inputArity(NodeId id) const;
    bool hasOutput(NodeId id) const; ///< false for the Loss node
    /// Why this edge may not be made (cycle, duplicate, port full, ...), or nullopt.
    std::optional<QString> connectionProblem(const Edge& e) const;

    // --- helpers for commands and views -------------------------------------------------------
    NodeId nextNodeId() const;
    /// "<type lowercase>_<n>" not yet used by any node, e.g. "dense_2".
    QString uniqueName(const QString& type) const;
    /// The selected nodes, the edges among them and the groups all of whose members are
    /// selected: {"nodes": [...], "edges": [...], "groups": [...]}.
    nlohmann::json selectionToJson(const std::vector<NodeId>& ids) const;
    /// Turns selectionToJson() output into a fragment with fresh ids (from nextNodeId()),
    /// unique names and positions moved by `offset`; its groups get fresh ids and names ("encoder"
    /// pasted beside "encoder" becomes "encoder 2"). Unknown layer types and malformed entries
    /// are skipped; edges whose ends are not in the fragment are dropped, so are groups with a
    /// member that is not. Never throws.
    GraphFragment fragmentFromJson(const nlohmann::json& j, QPointF offset) const;
    /// The "groups" of a selectionToJson() fragment whose members were all pasted (`remap`: old
    /// id to new), with fresh ids and names.
    std::vector<engine::NodeGroup> groupsFromFragment(
        const nlohmann::json& j, const std::map<NodeId, NodeId>& remap) const;
    /// A new node record of `type` with preset attributes merged over the layer's defaults.
    engine::NodeRecord makeNode(
        const QString& type, const nlohmann::json& attributes, QPointF position) const;

    // --- mutators: for undo commands only -----------------------------------------------------
    /// Inserts at `index` in project().nodes (-1 = append). The id must be unused.
    void insertNode(const engine::NodeRecord& record, int index = -1);
    /// Removes the node; its incident edges are removed first (each emitting edgeRemoved). A
    /// group listing it loses it (and goes when it has no member left): groupsChanged() follows
    /// nodeRemoved().
    void removeNode(NodeId id);
    /// Inserts at `index` in project().edges (-1 = append). Ignored when present or an end is
    /// missing.
    void addEdge(const Edge& e, int index = -1);
    void removeEdge(const Edge& e);
    void setPosition(NodeId id, QPointF pos);
    /// Moves several nodes as one change: nodeMoved for each, between movesStarted() and
    /// movesFinished(), so views can do once what depends on all the places (edge routes).
    void setPositions(const std::map<NodeId, QPointF>& positions);
    void setAttributes(NodeId id, const nlohmann::json& attributes);
    void setNodeName(NodeId id, const QString& name);
    void setDatasetSpec(const engine::DatasetSpec& spec);
    void setTrainingConfig(const engine::TrainingConfig& config);
    /// Replaces the weights and the run history that goes with them (empty: the weights did not
    /// come from one recorded run, e.g. a hand edit).
    /// `state`: what continuing the run that produced `weights` needs; weights set any other
    /// way (by hand, from a file) have none, and training them starts the optimizer afresh.
    void setWeights(engine::WeightMap weights, engine::TrainingHistory history = {},
        std::optional<engine::TrainerState> state = {});
    void setProjectInfo(const QString& name, const QString& description);

    /// Inserts at `index` in groups() (-1 = append). Ignored when the id is used, a member is
    /// missing or already in a group, or there are no members.
    void insertGroup(const engine::NodeGroup& group, int index = -1);
    void removeGroup(GroupId id);
    void setGroupCollapsed(GroupId id, bool collapsed);
    void setGroupName(GroupId id, const QString& name);
    /// Replaces all groups (undo of a delete that emptied or shrank some); members that do not
    /// exist are dropped.
    void setGroups(std::vector<engine::NodeGroup> groups);

    /// Replaces everything (a file was opened); emits reset(). Not undoable: clear the stack.
    void load(engine::Project project);
    void clear();

signals:
    void nodeAdded(engine::NodeId id);
    void nodeRemoved(engine::NodeId id);
    void edgeAdded(const engine::Edge& e);
    void edgeRemoved(const engine::Edge& e);
    void nodeMoved(engine::NodeId id);
    /// Around the nodeMoved signals of setPositions().
    void movesStarted();
    void movesFinished();
    /// Attributes or the name of a node changed.
    void attributesChanged(engine::NodeId id);
    /// Dataset, training config or project name/description changed.
    void settingsChanged();
    void weightsChanged();
    /// Everything changed (load/clear): rebuild views from scratch.
    void reset();
    /// A group was added, removed, renamed, collapsed or expanded, or lost members.
    void groupsChanged();
    /// check() has a new result; per-node shapes, counts and errors may have changed.
    void validationChanged();

private:
    struct NodeInfo {
        QString summary;
        std::pair<int, int> arity {1, 1};
        bool known = false; ///< the registry knows the type
    };
    void reindex();
    void revalidate();
    void recomputeContext();
    NodeInfo infoFor(const engine::NodeRecord& record) const;
    engine::NodeRecord* mutableNode(NodeId id);

    engine::Project m_project;
    std::unordered_map<NodeId, std::size_t> m_index; ///< id -> index in m_project.nodes
    std::unordered_map<NodeId, NodeInfo> m_info;
    engine::GraphCheck m_check;
    std::optional<engine::GraphContext> m_context;
    std::optional<engine::GraphContext> m_contextOverride;
    bool m_hasOverride = false;
    QString m_datasetProblem;
};

} // namespace widgets

Q_DECLARE_METATYPE(engine::Edge)

#pragma once
// Every edit of a GraphDocument is one of these commands on the window's QUndoStack.
// The constructor only records what to do (and what to restore); redo() applies it, also the
// first time (QUndoStack::push calls redo()); undo() restores the document exactly, ids and
// order of nodes and edges included, so document JSON before == JSON after redo + undo.

#include "document/GraphDocument.h"

#include <QCoreApplication>
#include <QPointF>
#include <QUndoCommand>

#include <map>
#include <vector>

namespace widgets {


/// QUndoCommand::id() values of the commands that merge.
enum class CommandId {
    MoveNodes = 1,
    SetAttribute = 2,
    SetDataset = 3,
    SetTrainingConfig = 4,
    RenameNode = 5,
    RenameGroup = 6,
};

class AddNodeCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(AddNodeCommand)
public:
    /// `record.id` must be unused (GraphDocument::nextNodeId()). With `connectFrom` >= 0, also
    /// connects connectFrom -> new node (palette double-click "add after the selection").
    AddNodeCommand(GraphDocument* doc, engine::NodeRecord record, NodeId connectFrom = -1,
        QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    NodeId nodeId() const { return m_record.id; }

private:
    GraphDocument* m_doc;
    engine::NodeRecord m_record;
    NodeId m_connectFrom;
};

/// Removes nodes (with every edge touching them) and loose edges.
class RemoveItemsCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(RemoveItemsCommand)
public:
    RemoveItemsCommand(GraphDocument* doc, std::vector<NodeId> nodes, std::vector<Edge> edges = {},
        QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_doc;
    /// Snapshots in document order with their indices, so undo re-inserts them in place.
    std::vector<std::pair<int, engine::NodeRecord>> m_nodes;
    std::vector<std::pair<int, Edge>> m_edges;
    /// Trained weights of the removed nodes: a later node reusing the id must not get them.
    engine::WeightMap m_removedWeights;
    /// The groups before: removing members shrinks or removes groups, undo restores them.
    std::vector<engine::NodeGroup> m_groups;
};

class ConnectCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(ConnectCommand)
public:
    ConnectCommand(GraphDocument* doc, const Edge& edge, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_doc;
    Edge m_edge;
};

class DisconnectCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(DisconnectCommand)
public:
    DisconnectCommand(GraphDocument* doc, const Edge& edge, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_doc;
    Edge m_edge;
    int m_index = -1;
};

/// Moves several nodes in one step. Consecutive moves of the same set of nodes merge into one
/// undo step (id()/mergeWith()).
class MoveNodesCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(MoveNodesCommand)
public:
    /// `from` holds the positions before the move (the items may already be at `to`).
    MoveNodesCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
        std::map<NodeId, QPointF> to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return static_cast<int>(CommandId::MoveNodes); }
    bool mergeWith(const QUndoCommand* other) override;

protected:
    MoveNodesCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
        std::map<NodeId, QPointF> to, const QString& text, QUndoCommand* parent);
    GraphDocument* m_doc;
    std::map<NodeId, QPointF> m_from;
    std::map<NodeId, QPointF> m_to;
};

/// Sets one attribute of one node. Consecutive edits of the same node and key merge (typing in
/// a spin box is one undo step).
class SetAttributeCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(SetAttributeCommand)
public:
    SetAttributeCommand(GraphDocument* doc, NodeId id, const std::string& key, nlohmann::json value,
        QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return static_cast<int>(CommandId::SetAttribute); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphDocument* m_doc;
    NodeId m_node;
    std::string m_key;
    nlohmann::json m_old; ///< whole attribute object before
    nlohmann::json m_new; ///< whole attribute object after
};

class RenameNodeCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(RenameNodeCommand)
public:
    RenameNodeCommand(
        GraphDocument* doc, NodeId id, const QString& name, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return static_cast<int>(CommandId::RenameNode); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphDocument* m_doc;
    NodeId m_node;
    QString m_old;
    QString m_new;
};

/// Replaces the dataset spec. Consecutive commands with the same non-empty `mergeKey` (e.g.
/// "samples" while typing) merge.
class SetDatasetCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(SetDatasetCommand)
public:
    SetDatasetCommand(GraphDocument* doc, engine::DatasetSpec spec, QString mergeKey = {},
        QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return static_cast<int>(CommandId::SetDataset); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphDocument* m_doc;
    engine::DatasetSpec m_old;
    engine::DatasetSpec m_new;
    QString m_mergeKey;
};

/// Replaces the training config (loss-independent hyper-parameters, optimizer, schedule).
/// Merges like SetDatasetCommand.
class SetTrainingConfigCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(SetTrainingConfigCommand)
public:
    SetTrainingConfigCommand(GraphDocument* doc, engine::TrainingConfig config,
        QString mergeKey = {}, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return static_cast<int>(CommandId::SetTrainingConfig); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphDocument* m_doc;
    engine::TrainingConfig m_old;
    engine::TrainingConfig m_new;
    QString m_mergeKey;
};

/// Inserts a fragment (GraphDocument::fragmentFromJson()) as one step.
class PasteCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(PasteCommand)
public:
    PasteCommand(GraphDocument* doc, GraphFragment fragment, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    std::vector<NodeId> nodeIds() const;

private:
    GraphDocument* m_doc;
    GraphFragment m_fragment;
};

/// The automatic layout: a move of many nodes that never merges with a drag.
class AutoLayoutCommand : public MoveNodesCommand {
    Q_DECLARE_TR_FUNCTIONS(AutoLayoutCommand)
public:
    AutoLayoutCommand(GraphDocument* doc, std::map<NodeId, QPointF> from,
        std::map<NodeId, QPointF> to, QUndoCommand* parent = nullptr);
    int id() const override { return -1; }
    bool mergeWith(const QUndoCommand*) override { return false; }
};

} // namespace widgets

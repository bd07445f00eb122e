#pragma once
// Undo commands for groups of cards (GraphDocument::groups()). Like UndoCommands.h: they store
// ids and values, the constructor only records, redo() applies, undo() restores the document
// JSON exactly (the group's place in the list included).

#include "document/GraphDocument.h"

#include <QCoreApplication>
#include <QUndoCommand>

#include <vector>

namespace widgets {

/// Groups existing cards under a new id (GraphDocument::nextGroupId()). Members are kept in
/// document order. Obsolete (nothing happens) with fewer than two cards, or when one is missing
/// or already grouped: GroupCommand::problem() says why before pushing.
class GroupCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(GroupCommand)
public:
    GroupCommand(GraphDocument* doc, const std::vector<NodeId>& members, QString name = {},
        QUndoCommand* parent = nullptr);
    /// Why `members` cannot become a group ("" when they can).
    static QString problem(const GraphDocument* doc, const std::vector<NodeId>& members);
    void redo() override;
    void undo() override;
    GroupId groupId() const { return m_group.id; }

private:
    GraphDocument* m_doc;
    engine::NodeGroup m_group;
};

/// Dissolves a group; its cards stay where they are.
class UngroupCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(UngroupCommand)
public:
    UngroupCommand(GraphDocument* doc, GroupId id, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_doc;
    engine::NodeGroup m_group;
    int m_index = -1;
};

/// Collapses a group into one card, or expands it back to its members.
class SetGroupCollapsedCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(SetGroupCollapsedCommand)
public:
    SetGroupCollapsedCommand(
        GraphDocument* doc, GroupId id, bool collapsed, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_doc;
    GroupId m_id;
    bool m_old = false;
    bool m_new = false;
};

/// Renames a group; consecutive renames of one group merge (typing in a field is one step).
class RenameGroupCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(RenameGroupCommand)
public:
    RenameGroupCommand(
        GraphDocument* doc, GroupId id, const QString& name, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    GraphDocument* m_doc;
    GroupId m_id;
    QString m_old;
    QString m_new;
};

} // namespace widgets

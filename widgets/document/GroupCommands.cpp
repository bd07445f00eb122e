#include "document/GroupCommands.h"

#include "document/UndoCommands.h"

#include <algorithm>
#include <set>

namespace widgets {

namespace {

QString groupName(const GraphDocument* doc, GroupId id)
{
    const auto* g = doc->group(id);
    return g ? QString::fromStdString(g->name) : QString::number(id);
}

} // namespace

// --- GroupCommand -----------------------------------------------------------------------------

GroupCommand::GroupCommand(
    GraphDocument* doc, const std::vector<NodeId>& members, QString name, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
{
    m_group.id = doc->nextGroupId();
    m_group.name = (name.isEmpty() ? doc->uniqueGroupName() : name).toStdString();
    const std::set<NodeId> chosen(members.begin(), members.end());
    for (const NodeId id : doc->nodeIds())
        if (chosen.count(id))
            m_group.members.push_back(id);
    if (!problem(doc, members).isEmpty())
        setObsolete(true);
    setText(tr("Group %n layer(s)", nullptr, int(m_group.members.size())));
}

QString GroupCommand::problem(const GraphDocument* doc, const std::vector<NodeId>& members)
{
    const std::set<NodeId> chosen(members.begin(), members.end());
    if (chosen.size() < 2)
        return tr("Select at least two layers to group.");
    for (const NodeId id : chosen) {
        if (!doc->hasNode(id))
            return tr("Layer %1 does not exist.").arg(id);
        if (const GroupId g = doc->groupOf(id); g >= 0)
            return tr("%1 is already in group %2: ungroup it first.")
                .arg(doc->nodeName(id), groupName(doc, g));
    }
    return {};
}

void GroupCommand::redo()
{
    if (!isObsolete())
        m_doc->insertGroup(m_group);
}

void GroupCommand::undo()
{
    m_doc->removeGroup(m_group.id);
}

// --- UngroupCommand ---------------------------------------------------------------------------

UngroupCommand::UngroupCommand(GraphDocument* doc, GroupId id, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_index(doc->groupIndex(id))
{
    if (const auto* g = doc->group(id))
        m_group = *g;
    else
        setObsolete(true);
    setText(tr("Ungroup %1").arg(QString::fromStdString(m_group.name)));
}

void UngroupCommand::redo()
{
    m_doc->removeGroup(m_group.id);
}

void UngroupCommand::undo()
{
    m_doc->insertGroup(m_group, m_index);
}

// --- SetGroupCollapsedCommand -----------------------------------------------------------------

SetGroupCollapsedCommand::SetGroupCollapsedCommand(
    GraphDocument* doc, GroupId id, bool collapsed, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_id(id)
    , m_new(collapsed)
{
    const auto* g = doc->group(id);
    m_old = g && g->collapsed;
    if (!g || m_old == m_new)
        setObsolete(true);
    setText((collapsed ? tr("Collapse %1") : tr("Expand %1")).arg(groupName(doc, id)));
}

void SetGroupCollapsedCommand::redo()
{
    m_doc->setGroupCollapsed(m_id, m_new);
}

void SetGroupCollapsedCommand::undo()
{
    m_doc->setGroupCollapsed(m_id, m_old);
}

// --- RenameGroupCommand -----------------------------------------------------------------------

RenameGroupCommand::RenameGroupCommand(
    GraphDocument* doc, GroupId id, const QString& name, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_id(id)
    , m_old(groupName(doc, id))
    , m_new(name)
{
    if (!doc->group(id) || m_old == m_new)
        setObsolete(true);
    setText(tr("Rename group %1 to %2").arg(m_old, m_new));
}

void RenameGroupCommand::redo()
{
    m_doc->setGroupName(m_id, m_new);
}

void RenameGroupCommand::undo()
{
    m_doc->setGroupName(m_id, m_old);
}

int RenameGroupCommand::id() const
{
    return static_cast<int>(CommandId::RenameGroup);
}

bool RenameGroupCommand::mergeWith(const QUndoCommand* other)
{
    const auto* rename = dynamic_cast<const RenameGroupCommand*>(other);
    if (!rename || rename->m_id != m_id)
        return false;
    m_new = rename->m_new;
    setText(tr("Rename group %1 to %2").arg(m_old, m_new));
    return true;
}

} // namespace widgets

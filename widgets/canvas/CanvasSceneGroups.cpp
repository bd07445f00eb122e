// CanvasScene's groups of cards: group items mirroring GraphDocument::groups(), what a collapsed
// block hides, and the group edits (Ctrl+G, Ctrl+Shift+G, collapse, rename, the group's menu) as
// undo commands. The rest of the scene is in CanvasScene.cpp.

#include "canvas/CanvasScene.h"

#include "canvas/EdgeItem.h"
#include "canvas/GroupItem.h"
#include "canvas/LayerNodeItem.h"
#include "document/GroupCommands.h"
#include "document/UndoCommands.h"

#include <QAction>
#include <QGraphicsView>
#include <QInputDialog>
#include <QKeySequence>
#include <QMenu>
#include <QUndoStack>

#include <algorithm>

namespace widgets {

namespace {

constexpr int kHintMs = 3500;

/// Asks for a group's new name; nullopt when cancelled.
std::optional<QString> askGroupName(QWidget* parent, const QString& current)
{
    bool ok = false;
    const QString name = QInputDialog::getText(parent, CanvasScene::tr("Rename Group"),
        CanvasScene::tr("Name of the group:"), QLineEdit::Normal, current, &ok);
    return ok ? std::optional<QString>(name) : std::nullopt;
}

} // namespace

GroupItem* CanvasScene::groupItem(GroupId id) const
{
    const auto it = m_groups.find(id);
    return it == m_groups.end() ? nullptr : it->second;
}

std::vector<GroupId> CanvasScene::selectedGroupIds() const
{
    std::vector<GroupId> ids;
    for (const auto& g : m_doc->groups()) {
        const auto* item = groupItem(g.id);
        if (item && item->isSelected())
            ids.push_back(g.id);
    }
    return ids;
}

void CanvasScene::onGroupsChanged()
{
    for (auto it = m_groups.begin(); it != m_groups.end();) {
        if (m_doc->group(it->first)) {
            ++it;
            continue;
        }
        removeItem(it->second);
        delete it->second;
        it = m_groups.erase(it);
    }
    for (const auto& g : m_doc->groups()) {
        if (GroupItem* item = groupItem(g.id)) {
            item->refresh();
            continue;
        }
        auto* item = new GroupItem(this, g.id);
        m_groups[g.id] = item;
        addItem(item);
    }
    updateGroupVisibility();
    updateEdges();
    onSelectionChanged();
}

void CanvasScene::updateGroupVisibility()
{
    for (const auto& [id, item] : m_nodes) {
        const bool hidden = m_doc->isCollapsedMember(id);
        if (hidden && item->isSelected())
            item->setSelected(false);
        item->setVisible(!hidden);
    }
    for (const auto& [e, item] : m_edges) {
        const GroupId group = m_doc->groupOf(e.from);
        const bool inside
            = group >= 0 && m_doc->isCollapsedMember(e.from) && m_doc->groupOf(e.to) == group;
        if (inside && item->isSelected())
            item->setSelected(false);
        item->setVisible(!inside);
    }
}

GroupId CanvasScene::groupSelection()
{
    const std::vector<NodeId> nodes = selectedNodeIds();
    const QString problem = GroupCommand::problem(m_doc, nodes);
    if (!problem.isEmpty()) {
        emit statusMessage(problem, kHintMs);
        return -1;
    }
    auto* command = new GroupCommand(m_doc, nodes);
    const GroupId id = command->groupId();
    m_undo->push(command);
    return id;
}

void CanvasScene::ungroupSelection()
{
    std::vector<GroupId> groups = selectedGroupIds();
    for (const NodeId id : selectedNodeIds()) {
        const GroupId g = m_doc->groupOf(id);
        if (g >= 0 && std::find(groups.begin(), groups.end(), g) == groups.end())
            groups.push_back(g);
    }
    if (groups.empty()) {
        emit statusMessage(tr("Select a group (or a layer in one) to ungroup."), kHintMs);
        return;
    }
    if (groups.size() == 1) {
        m_undo->push(new UngroupCommand(m_doc, groups.front()));
        return;
    }
    m_undo->beginMacro(tr("Ungroup %n group(s)", nullptr, int(groups.size())));
    for (const GroupId g : groups)
        m_undo->push(new UngroupCommand(m_doc, g));
    m_undo->endMacro();
}

void CanvasScene::setGroupCollapsed(GroupId id, bool collapsed)
{
    const auto* group = m_doc->group(id);
    if (!group || group->collapsed == collapsed)
        return;
    m_undo->push(new SetGroupCollapsedCommand(m_doc, id, collapsed));
    if (collapsed)
        if (auto* item = groupItem(id)) {
            clearSelection();
            item->setSelected(true);
        }
}

void CanvasScene::renameGroup(GroupId id, const QString& name)
{
    const QString trimmed = name.trimmed();
    const auto* group = m_doc->group(id);
    if (!group || trimmed.isEmpty() || trimmed.toStdString() == group->name)
        return;
    m_undo->push(new RenameGroupCommand(m_doc, id, trimmed));
}

bool CanvasScene::renameSelectedGroup()
{
    GroupId id = -1;
    if (const auto groups = selectedGroupIds(); !groups.empty())
        id = groups.front();
    else if (const auto nodes = selectedNodeIds(); !nodes.empty())
        id = m_doc->groupOf(nodes.front());
    const auto* group = m_doc->group(id);
    if (!group)
        return false;
    if (const auto name = askGroupName(views().value(0), QString::fromStdString(group->name)))
        renameGroup(id, *name);
    return true;
}

bool CanvasScene::revealGroupMember(NodeId node)
{
    if (!m_doc->isCollapsedMember(node))
        return false;
    setGroupCollapsed(m_doc->groupOf(node), false);
    return true;
}

QMenu* CanvasScene::createGroupMenu(GroupId id, QWidget* parent)
{
    const auto* group = m_doc->group(id);
    auto* menu = new QMenu(parent);
    if (!group)
        return menu;
    if (group->collapsed) {
        clearSelection();
        groupItem(id)->setSelected(true);
    }
    const bool collapsed = group->collapsed;
    QAction* toggle = menu->addAction(collapsed ? tr("Expand") : tr("Collapse"));
    connect(toggle, &QAction::triggered, this,
        [this, id, collapsed] { setGroupCollapsed(id, !collapsed); });
    QAction* rename = menu->addAction(tr("Rename…"));
    rename->setShortcut(QKeySequence(Qt::Key_F2));
    connect(rename, &QAction::triggered, this, [this, id] {
        const auto* g = m_doc->group(id);
        if (!g)
            return;
        if (const auto name = askGroupName(views().value(0), QString::fromStdString(g->name)))
            renameGroup(id, *name);
    });
    QAction* ungroup = menu->addAction(tr("Ungroup"));
    ungroup->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    connect(ungroup, &QAction::triggered, this,
        [this, id] { m_undo->push(new UngroupCommand(m_doc, id)); });
    menu->addSeparator();
    QAction* remove = menu->addAction(tr("Delete Its Layers"));
    connect(remove, &QAction::triggered, this, [this, id] {
        if (const auto* g = m_doc->group(id))
            m_undo->push(new RemoveItemsCommand(m_doc, g->members));
    });
    return menu;
}

void CanvasScene::addGroupActions(QMenu* menu, NodeId id)
{
    QAction* group = menu->addAction(tr("Group"));
    group->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    group->setToolTip(tr("Draw the selected layers as one collapsible block"));
    group->setEnabled(GroupCommand::problem(m_doc, selectedNodeIds()).isEmpty());
    connect(group, &QAction::triggered, this, [this] { groupSelection(); });
    if (m_doc->groupOf(id) >= 0) {
        QAction* ungroup = menu->addAction(tr("Ungroup"));
        ungroup->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
        connect(ungroup, &QAction::triggered, this, &CanvasScene::ungroupSelection);
    }
}

} // namespace widgets

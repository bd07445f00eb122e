#pragma once

#include "document/GraphDocument.h"

#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QUndoStack;
class QVBoxLayout;

namespace widgets {

/// The inspector's page for a selected block (a collapsed group's card): its name, renamed as one
/// undo step like F2 does; what it holds (layers, parameters, FLOPs per sample, the shapes going
/// in and out, as on the card); and its layers, each a button that expands the block and selects
/// the layer. Follows the document: a rename or an undo shows at once, and when the block is
/// gone (ungrouped, deleted, another project) it says so with groupGone().
class BlockPage : public QWidget {
    Q_OBJECT
public:
    BlockPage(GraphDocument* document, QUndoStack* stack, QWidget* parent = nullptr);

    /// Shows group `id` (a missing group emits groupGone()); -1: none, the page is left.
    void showGroup(GroupId id);
    GroupId currentGroup() const { return m_group; }
    QLineEdit* nameEdit() const { return m_name; }
    QLabel* summaryLabel() const { return m_summary; }
    std::vector<QPushButton*> memberButtons() const { return m_members; }

signals:
    /// A layer of the block was clicked: the window expands the block and selects it.
    void nodeActivated(engine::NodeId id);
    /// The group shown no longer exists.
    void groupGone();

private:
    void refresh();
    void rebuildMembers();
    void commitName();

    GraphDocument* m_doc;
    QUndoStack* m_stack;
    GroupId m_group = -1;
    QLineEdit* m_name;
    QLabel* m_summary;
    QVBoxLayout* m_memberLayout;
    std::vector<QPushButton*> m_members;
};

} // namespace widgets

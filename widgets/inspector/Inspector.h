#pragma once

#include "document/GraphDocument.h"

#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <map>
#include <string>

class QCheckBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QUndoStack;

namespace widgets {

class BlockPage;
class ConnectionsBox;
class ProjectSettingsPanel;
class UnrolledOverlay;

/// Edits what is selected on the canvas: one node's name and attributes (a form built from
/// engine::Layer::attributeSpecs(), so a new layer type needs no code here), or, with nothing
/// selected, the project settings (ProjectSettingsPanel).
///
/// Every edit pushes a command on `stack` (SetAttributeCommand, RenameNodeCommand). The form
/// follows the document (attributesChanged, validationChanged, undo) by setting editor values
/// with signals blocked and only when they differ, so a refresh never pushes a command.
/// The document and the stack must outlive the inspector.
class Inspector : public QWidget {
    Q_OBJECT
public:
    Inspector(GraphDocument* document, QUndoStack* stack, QWidget* parent = nullptr);

    /// The node being edited, -1 when the project settings (or a multi-selection) are shown.
    NodeId currentNode() const { return m_node; }
    ProjectSettingsPanel* settingsPanel() const { return m_settings; }
    /// The editor of attribute `key` of the current node (QSpinBox, QDoubleSpinBox, QComboBox,
    /// QCheckBox or QLineEdit), or null.
    QWidget* editorFor(const std::string& key) const;
    QLineEdit* nameEdit() const { return m_name; }
    /// Validation messages shown for the current node ("" when none).
    QString shownErrors() const;
    /// Adds the "Unrolled" check box to recurrent nodes' forms (view state, not a command).
    void setUnrolledOverlay(UnrolledOverlay* overlay);
    QCheckBox* unrolledCheck() const { return m_unrolledCheck; }
    /// The current node's upstream and downstream layers.
    ConnectionsBox* connections() const { return m_connections; }
    /// The page shown for a selected block (showBlock()).
    BlockPage* blockPage() const { return m_blockPage; }
    /// True while the block page is shown.
    bool showsBlock() const;

signals:
    /// A connection in the list was clicked: the window selects and centres that node.
    void nodeActivated(engine::NodeId id);

public slots:
    /// Shows the node when exactly one is selected, else the project settings.
    void setSelection(const QList<engine::NodeId>& ids);
    void showNode(engine::NodeId id);
    void showProjectSettings();
    /// A block's card is selected: its name, contents and layers (BlockPage).
    void showBlock(engine::GroupId id);

private:
    void rebuildForm();
    void refreshValues();
    void refreshValidation();
    void setAttribute(const std::string& key, nlohmann::json value);
    void commitName();
    /// Spec signature: the form is rebuilt only when it changes (type or spec list).
    QString specSignature() const;

    GraphDocument* m_doc;
    QUndoStack* m_stack;
    NodeId m_node = -1;
    QString m_formSignature;

    QStackedWidget* m_pages;
    ProjectSettingsPanel* m_settings;
    QWidget* m_nodePage;
    QLabel* m_multiLabel;
    QLabel* m_title;
    QLineEdit* m_name;
    QLabel* m_shape;
    QLabel* m_params;
    QLabel* m_errors;
    QGroupBox* m_attributesBox;
    QFormLayout* m_form;
    ConnectionsBox* m_connections;
    BlockPage* m_blockPage;
    std::map<std::string, QWidget*> m_editors;
    QPointer<UnrolledOverlay> m_unrolled;
    QCheckBox* m_unrolledCheck = nullptr;
};

} // namespace widgets

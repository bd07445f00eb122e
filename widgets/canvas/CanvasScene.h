#pragma once

#include "canvas/AutoLayout.h"
#include "canvas/CanvasTheme.h"
#include "document/GraphDocument.h"

#include <nlohmann/json.hpp>

#include <QGraphicsScene>
#include <QList>
#include <QPointF>

#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

class QGraphicsPathItem;
class QMenu;
class QGraphicsSimpleTextItem;
class QUndoStack;
class QTimer;

namespace widgets {

class EdgeItem;
class GroupItem;
class LayerNodeItem;
class NeuronOverlay;
class UnrolledOverlay;

/// Draws a GraphDocument and turns mouse and keyboard edits into undo commands.
///
/// Items are created, moved and deleted only in the slots connected to the document's signals,
/// so the scene is always a mirror of the document; user edits push commands on the undo stack
/// (neither the document nor the stack is owned). Moving: items move live while dragged, one
/// MoveNodesCommand is pushed on release. Connecting: press on an output port, drag the rubber
/// line to an input port, release; a refused connection turns the line red and emits
/// statusMessage() with the engine's reason.
class CanvasScene : public QGraphicsScene {
    Q_OBJECT
public:
    static constexpr double kGridSize = 20.0;

    CanvasScene(GraphDocument* document, QUndoStack* undoStack, QObject* parent = nullptr);
    ~CanvasScene() override;

    GraphDocument* document() const { return m_doc; }
    QUndoStack* undoStack() const { return m_undo; }

    LayerNodeItem* nodeItem(NodeId id) const; ///< null when absent
    EdgeItem* edgeItem(const Edge& e) const; ///< null when absent
    GroupItem* groupItem(GroupId id) const; ///< null when absent
    /// Collapsed groups whose card is selected, in document order.
    std::vector<GroupId> selectedGroupIds() const;
    /// The neuron view of the network's small layers (owned by the scene).
    NeuronOverlay* neuronOverlay() const { return m_neurons; }
    /// Recurrent cards drawn unrolled over time (owned by the scene).
    UnrolledOverlay* unrolledOverlay() const { return m_unrolled; }
    int nodeItemCount() const { return static_cast<int>(m_nodes.size()); }
    int edgeItemCount() const { return static_cast<int>(m_edges.size()); }

    /// Selected nodes in document order.
    std::vector<NodeId> selectedNodeIds() const;
    /// The selected cards' layers and the layers of the selected collapsed blocks: what Delete,
    /// Cut, Copy and Duplicate act on.
    std::vector<NodeId> selectedLayerIds() const;
    std::vector<Edge> selectedEdges() const;
    /// Replaces the selection with these cards (a member of a collapsed block: the block's card).
    void selectNodes(const std::vector<NodeId>& ids);

    /// Scene position of a node's output port / input port `port` (centre of the port circle).
    QPointF outputPortPos(NodeId id) const;
    QPointF inputPortPos(NodeId id, int port = 0) const;

    /// Bounding rectangle of all nodes and their unrolled strips (empty when there are none),
    /// for zoom-to-fit.
    QRectF nodesBoundingRect() const;
    /// Scene rectangles of the card bodies (thumbnail band and unrolled strip included), which
    /// edges route around.
    std::vector<QRectF> cardRects() const;
    /// One card's rectangle as cardRects() counts it (empty when absent).
    QRectF cardRect(NodeId id) const;
    /// Re-routes every edge (any of them may now pass a moved or resized card); while the
    /// document moves several nodes at once, once after the last.
    void updateEdges();
    /// How many times updateEdges() has routed every edge (for tests: routing 300 edges once
    /// per moved card froze a 200-card layout for 4 s).
    long edgeRoutePasses() const { return m_edgeRoutePasses; }
    /// A card changed its height (thumbnail shown or hidden): strips and edges follow.
    void cardResized(NodeId id);

    static QPointF snapToGrid(QPointF p);

    /// The least pixel size, in scene units, of the text on the cards (0: each text keeps its
    /// own size). Presentation mode raises it so that cards read from afar at 100 % zoom.
    void setMinimumCardTextSize(int pixels);
    int minimumCardTextSize() const { return m_minCardText; }

    /// Light or dark colours for everything the canvas paints; emits themeChanged().
    void setTheme(const CanvasTheme& theme);
    const CanvasTheme& theme() const { return m_theme; }
    /// Counts the changes of the theme and of the card text size (cards' cached pictures of
    /// themselves are stale after one).
    quint64 lookRevision() const { return m_lookRevision; }

    /// Tensor shapes on the edges (EdgeItem::shapeLabel()); off by default.
    void setShowEdgeShapes(bool show);
    bool showsEdgeShapes() const { return m_showEdgeShapes; }

    /// A card's context menu: Duplicate and Delete (undoable), then the views' toggles (neurons,
    /// unrolled). Duplicate and Delete act on the selection; a card outside the selection
    /// becomes the selection first, as in file managers. The caller owns the menu.
    QMenu* createNodeMenu(NodeId id, QWidget* parent = nullptr);
    /// A group's context menu: Expand/Collapse, Rename…, Ungroup, Delete its layers.
    QMenu* createGroupMenu(GroupId id, QWidget* parent = nullptr);

public slots:
    /// Adds a layer (palette type, preset attributes) with its top-left corner at `scenePos`
    /// (snapped). Pushes an AddNodeCommand and selects the new node; returns its id, -1 for an
    /// unknown type.
    NodeId addLayerAt(const QString& type, const nlohmann::json& attributes, QPointF scenePos);
    /// Adds a layer right of the (last) selected node and connects it; without a selection, at
    /// the right of the rightmost node (unconnected). Returns the id or -1.
    NodeId addConnectedAfter(const QString& type, const nlohmann::json& attributes);
    /// Like addConnectedAfter(), but a selected node that already feeds others gets the new
    /// layer in between (node -> new -> its former targets), as one undoable step.
    NodeId insertAfterSelection(const QString& type, const nlohmann::json& attributes);

    void deleteSelection();
    void copySelection();
    void cutSelection();
    /// Pastes the clipboard's fragment shifted by a grid step per paste; selects it.
    void paste();
    /// Copies the selected layers (and the edges between them) below the originals, where no
    /// card is, as one undoable step through the paste path; selects the copies.
    void duplicateSelection();
    void selectAll();
    /// Ctrl+G: groups the selected cards (at least two, none grouped yet) as one GroupCommand;
    /// returns the new group's id, or -1 with a status message saying why not.
    GroupId groupSelection();
    /// Ctrl+Shift+G: dissolves the selected collapsed groups and the groups of the selected
    /// cards (one undo step).
    void ungroupSelection();
    /// Collapses or expands a group (SetGroupCollapsedCommand).
    void setGroupCollapsed(GroupId id, bool collapsed);
    void renameGroup(GroupId id, const QString& name);
    /// F2: asks for a new name of the selected group (a collapsed card, or the group of the
    /// selected cards); false when nothing is selected that belongs to a group.
    bool renameSelectedGroup();
    /// Expands the collapsed group hiding `node` (find, inspector); false when it is visible.
    bool revealGroupMember(NodeId node);
    /// layoutGraph() of the document (layered in layoutDirection(), wrapping into bands) as one
    /// AutoLayoutCommand; no command when nothing would move.
    void autoLayout();
    /// The direction autoLayout() lays data flow in (left to right until set).
    void setLayoutDirection(LayoutDirection direction) { m_layoutDirection = direction; }
    LayoutDirection layoutDirection() const { return m_layoutDirection; }

signals:
    /// The selected nodes changed (document order).
    void selectionChangedIds(const QList<engine::NodeId>& ids);
    /// After selectionChangedIds() (with no layers): the one selected card is this block's.
    void blockSelected(engine::GroupId id);
    /// setTheme() changed the colours (views repaint their cached backgrounds).
    void themeChanged();
    /// A hint for the status bar, e.g. why a connection was refused.
    void statusMessage(const QString& message, int timeoutMs);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
    void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
    void dragLeaveEvent(QGraphicsSceneDragDropEvent* event) override;
    void dropEvent(QGraphicsSceneDragDropEvent* event) override;
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;

private slots:
    void onNodeAdded(engine::NodeId id);
    void onNodeRemoved(engine::NodeId id);
    void onEdgeAdded(const engine::Edge& e);
    void onEdgeRemoved(const engine::Edge& e);
    void onNodeMoved(engine::NodeId id);
    void onMovesFinished();
    void onAttributesChanged(engine::NodeId id);
    void onValidationChanged();
    void onReset();
    void onSelectionChanged();
    void onGroupsChanged();

private:
    friend class LayerNodeItem; // re-routes edges while its node is dragged
    /// Members of collapsed groups are hidden, so are edges inside one.
    void updateGroupVisibility();
    /// Group (enabled for a selection that can be grouped) and, for a grouped card, Ungroup.
    void addGroupActions(QMenu* menu, NodeId id);
    struct EdgeKeyLess {
        bool operator()(const Edge& a, const Edge& b) const;
    };
    /// The connection the rubber line would make when released at `scenePos`, if over a port.
    std::optional<Edge> connectionAt(QPointF scenePos) const;
    void updateRubberLine(QPointF scenePos);
    void finishConnection(QPointF scenePos);
    void cancelConnection();
    /// Shows a transient red hint whose bottom-left corner is at `scenePos`.
    void showHint(const QString& text, QPointF scenePos);
    /// Adds a fragment (selectionToJson() form) shifted by `offset` as one PasteCommand titled
    /// `text` and selects it; false (and a status message) when it holds no layers.
    bool pasteFragment(const nlohmann::json& fragment, QPointF offset, const QString& text);
    /// Re-routes the edges and moves the node's neurons after its card moved.
    void nodeItemMoved(NodeId id);

    GraphDocument* m_doc;
    QUndoStack* m_undo;
    std::unordered_map<NodeId, LayerNodeItem*> m_nodes;
    int m_minCardText = 0;
    bool m_showEdgeShapes = false;
    CanvasTheme m_theme = CanvasTheme::light();
    quint64 m_lookRevision = 0;
    std::map<Edge, EdgeItem*, EdgeKeyLess> m_edges;
    std::map<GroupId, GroupItem*> m_groups;

    // Drag-moving: positions of the dragged nodes at press time.
    std::map<NodeId, QPointF> m_moveStart;
    bool m_documentMoving = false; ///< between the document's movesStarted and movesFinished
    bool m_edgesStale = false; ///< updateEdges() was asked for while m_documentMoving
    long m_edgeRoutePasses = 0;
    // Connecting: the source node, -1 when not connecting.
    NodeId m_connectFrom = -1;
    QGraphicsPathItem* m_rubberLine = nullptr;
    QGraphicsSimpleTextItem* m_hint = nullptr;
    QTimer* m_hintTimer = nullptr;
    int m_pasteCount = 0;
    bool m_dropAccepted = false;
    NeuronOverlay* m_neurons = nullptr;
    UnrolledOverlay* m_unrolled = nullptr;
    LayoutDirection m_layoutDirection = LayoutDirection::LeftToRight;
};

} // namespace widgets

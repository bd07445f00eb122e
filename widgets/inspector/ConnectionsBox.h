#pragma once

#include "document/GraphDocument.h"

#include <QGroupBox>

#include <vector>

class QVBoxLayout;
class QPushButton;

namespace widgets {

/// The inspector's list of a node's connections: the layers feeding it (upstream) and those it
/// feeds (downstream), each a button "name (Type)" that emits nodeActivated() so the window can
/// select and centre it. Rebuilt by showNode() whenever the edges may have changed.
class ConnectionsBox : public QGroupBox {
    Q_OBJECT
public:
    explicit ConnectionsBox(const GraphDocument* document, QWidget* parent = nullptr);

    /// Lists `id`'s connections (nothing for -1 or an unknown node).
    void showNode(NodeId id);
    /// The buttons shown for the nodes feeding it and the nodes it feeds.
    std::vector<QPushButton*> upstreamButtons() const { return m_upstream; }
    std::vector<QPushButton*> downstreamButtons() const { return m_downstream; }

signals:
    void nodeActivated(engine::NodeId id);

private:
    /// A titled list of buttons for the other ends of `edges`, or "none"; a node fed by several
    /// edges names the input port of each.
    void addSection(const QString& title, const std::vector<Edge>& edges, bool upstream,
        std::vector<QPushButton*>& buttons);

    const GraphDocument* m_doc;
    QVBoxLayout* m_layout;
    std::vector<QPushButton*> m_upstream;
    std::vector<QPushButton*> m_downstream;
};

} // namespace widgets

#include "inspector/ConnectionsBox.h"

#include "inspector/LinkList.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace widgets {

ConnectionsBox::ConnectionsBox(const GraphDocument* document, QWidget* parent)
    : QGroupBox(tr("Connections"), parent)
    , m_doc(document)
    , m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("ConnectionsBox"));
    m_layout->setContentsMargins(6, 4, 6, 4);
    m_layout->setSpacing(1);
}

void ConnectionsBox::showNode(NodeId id)
{
    // Rebuilt from scratch: a node has a handful of edges, and ids of removed nodes must go.
    clearLinkList(m_layout);
    m_upstream.clear();
    m_downstream.clear();
    if (id < 0 || !m_doc->hasNode(id))
        return;
    addSection(tr("Upstream (inputs)"), m_doc->inEdges(id), true, m_upstream);
    addSection(tr("Downstream (outputs)"), m_doc->outEdges(id), false, m_downstream);
}

void ConnectionsBox::addSection(const QString& title, const std::vector<Edge>& edges, bool upstream,
    std::vector<QPushButton*>& buttons)
{
    auto* heading = new QLabel(title);
    m_layout->addWidget(heading);
    if (edges.empty()) {
        auto* none = new QLabel(tr("  none"));
        none->setEnabled(false);
        m_layout->addWidget(none);
        return;
    }
    const bool manyPorts = upstream && edges.size() > 1;
    for (const Edge& e : edges) {
        const NodeId other = upstream ? e.from : e.to;
        QString text = QStringLiteral("%1 %2 (%3)")
                           .arg(upstream ? QStringLiteral("\u2190") : QStringLiteral("\u2192"),
                               m_doc->nodeName(other), m_doc->nodeType(other));
        if (manyPorts)
            text += tr(" \u00b7 input %1").arg(e.toPort + 1);
        auto* button = makeLinkButton(
            text, tr("Select %1 and show it on the canvas").arg(m_doc->nodeName(other)));
        connect(button, &QPushButton::clicked, this, [this, other] { emit nodeActivated(other); });
        m_layout->addWidget(button);
        buttons.push_back(button);
    }
}

} // namespace widgets

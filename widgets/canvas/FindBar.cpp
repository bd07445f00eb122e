#include "canvas/FindBar.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/GroupItem.h"
#include "canvas/LayerNodeItem.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include <algorithm>

namespace widgets {

FindBar::FindBar(CanvasView* view)
    : QFrame(view)
    , m_view(view)
    , m_edit(new QLineEdit)
    , m_count(new QLabel)
{
    setObjectName(QStringLiteral("FindBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_edit->setPlaceholderText(tr("Find layer by name or type"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setMinimumWidth(m_edit->fontMetrics().averageCharWidth() * 26);
    m_edit->installEventFilter(this);
    m_count->setMinimumWidth(m_count->fontMetrics().horizontalAdvance(tr("no match")) + 4);
    auto* close = new QToolButton;
    close->setText(QStringLiteral("\u2715"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close (Esc)"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 4);
    layout->addWidget(m_edit);
    layout->addWidget(m_count);
    layout->addWidget(close);

    connect(m_edit, &QLineEdit::textChanged, this, &FindBar::updateMatches);
    connect(close, &QToolButton::clicked, this, &FindBar::dismiss);
    GraphDocument* doc = view->canvasScene()->document();
    for (auto signal : {&GraphDocument::nodeAdded, &GraphDocument::nodeRemoved,
             &GraphDocument::attributesChanged, &GraphDocument::nodeMoved}) {
        connect(doc, signal, this, [this] {
            if (isVisible())
                updateMatches();
        });
    }
    connect(doc, &GraphDocument::reset, this, [this] {
        if (isVisible())
            updateMatches();
    });
    view->viewport()->installEventFilter(this);
    hide();
}

QString FindBar::countText() const
{
    if (m_edit->text().trimmed().isEmpty())
        return {};
    if (m_matches.empty())
        return tr("no match");
    if (m_current < 0)
        return m_matches.size() == 1 ? tr("1 match") : tr("%1 matches").arg(m_matches.size());
    return tr("%1 of %2").arg(m_current + 1).arg(m_matches.size());
}

void FindBar::open()
{
    place();
    show();
    raise();
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
    updateMatches();
}

void FindBar::dismiss()
{
    setHighlights(false);
    hide();
    m_view->setFocus(Qt::OtherFocusReason);
}

void FindBar::findNext()
{
    go(+1);
}

void FindBar::findPrevious()
{
    go(-1);
}

void FindBar::go(int step)
{
    if (m_matches.empty())
        return;
    const int n = int(m_matches.size());
    m_current = m_current < 0 ? (step > 0 ? 0 : n - 1) : (m_current + step + n) % n;
    m_view->revealNode(m_matches[size_t(m_current)]);
    m_count->setText(countText());
}

void FindBar::updateMatches()
{
    setHighlights(false);
    const NodeId previous = current();
    m_matches.clear();
    m_current = -1;
    const QString text = m_edit->text().trimmed();
    const GraphDocument* doc = m_view->canvasScene()->document();
    if (!text.isEmpty()) {
        for (NodeId id : doc->nodeIds()) {
            if (doc->nodeName(id).contains(text, Qt::CaseInsensitive)
                || doc->nodeType(id).contains(text, Qt::CaseInsensitive))
                m_matches.push_back(id);
        }
        std::stable_sort(m_matches.begin(), m_matches.end(), [doc](NodeId a, NodeId b) {
            const QPointF pa = doc->position(a), pb = doc->position(b);
            return pa.x() != pb.x() ? pa.x() < pb.x() : pa.y() < pb.y();
        });
    }
    // Typing on keeps the place when the node gone to still matches.
    const auto kept = std::find(m_matches.begin(), m_matches.end(), previous);
    if (kept != m_matches.end())
        m_current = int(kept - m_matches.begin());
    setHighlights(true);
    m_count->setText(countText());
}

void FindBar::setHighlights(bool on)
{
    const CanvasScene* scene = m_view->canvasScene();
    for (NodeId id : m_matches) {
        if (LayerNodeItem* item = scene->nodeItem(id))
            item->setFindHighlight(on);
        // A match hidden in a collapsed block lights the block (drawn only while collapsed).
        if (GroupItem* block = scene->groupItem(scene->document()->groupOf(id)))
            block->setFindHighlight(on);
    }
}

void FindBar::place()
{
    adjustSize();
    const QRect area = m_view->viewport()->geometry();
    move(area.right() - width() - 8, area.top() + 8);
}

bool FindBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Escape) {
            dismiss();
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                findPrevious();
            else
                findNext();
            return true;
        }
    }
    if (watched == m_view->viewport() && event->type() == QEvent::Resize && isVisible())
        place();
    return QFrame::eventFilter(watched, event);
}

} // namespace widgets

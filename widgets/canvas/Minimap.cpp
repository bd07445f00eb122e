#include "canvas/Minimap.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>

namespace widgets {

namespace {

constexpr QSize kSize(220, 140);
constexpr int kMargin = 10;

} // namespace

Minimap::Minimap(CanvasView* view)
    : QGraphicsView(view->canvasScene(), view)
    , m_view(view)
{
    setObjectName(QStringLiteral("Minimap"));
    setInteractive(false);
    setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::Box);
    setFocusPolicy(Qt::NoFocus);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Overview: click or drag to move the canvas there"));
    resize(kSize);

    // Refit after the scene settled (many nodes arrive at once when a file opens).
    auto* refitLater = new QTimer(this);
    refitLater->setSingleShot(true);
    refitLater->setInterval(50);
    connect(refitLater, &QTimer::timeout, this, &Minimap::refit);
    connect(scene(), &QGraphicsScene::changed, refitLater, qOverload<>(&QTimer::start));
    // Structure and moves at once (the scene has made or moved the cards before these run).
    const GraphDocument* doc = view->canvasScene()->document();
    connect(doc, &GraphDocument::reset, this, &Minimap::refit);
    connect(doc, &GraphDocument::nodeAdded, this, &Minimap::refit);
    connect(doc, &GraphDocument::nodeRemoved, this, &Minimap::refit);
    connect(doc, &GraphDocument::nodeMoved, this, &Minimap::refit);
    const auto outline = [this] {
        updateVisibility();
        viewport()->update();
    };
    connect(m_view->horizontalScrollBar(), &QScrollBar::valueChanged, this, outline);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, outline);
    connect(m_view, &CanvasView::zoomChanged, this, outline);
    m_view->viewport()->installEventFilter(this);
    place();
    refit();
}

QRectF Minimap::shownArea() const
{
    return m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
}

void Minimap::setWanted(bool wanted)
{
    m_wanted = wanted;
    updateVisibility();
}

void Minimap::updateVisibility()
{
    const QRectF cards = m_view->canvasScene()->nodesBoundingRect();
    setVisible(m_wanted && !cards.isEmpty() && !shownArea().contains(cards));
}

void Minimap::refit()
{
    const QRectF cards = m_view->canvasScene()->nodesBoundingRect();
    updateVisibility();
    if (cards.isEmpty())
        return;
    setSceneRect(cards.adjusted(-40, -40, 40, 40));
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    viewport()->update();
}

void Minimap::drawBackground(QPainter* painter, const QRectF& rect)
{
    // No grid: only the cards and edges, on the canvas colour.
    painter->fillRect(rect, m_view->canvasScene()->theme().background);
}

void Minimap::drawForeground(QPainter* painter, const QRectF& rect)
{
    Q_UNUSED(rect);
    const QColor accent(0x1e, 0x88, 0xe5);
    QColor fill = accent;
    fill.setAlpha(40);
    painter->setBrush(fill);
    painter->setPen(QPen(accent, 0)); // cosmetic: one pixel at any scale
    painter->drawRect(shownArea());
}

void Minimap::centreCanvasAt(QPoint minimapPos)
{
    m_view->centerOn(mapToScene(minimapPos));
    viewport()->update();
}

void Minimap::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        centreCanvasAt(event->position().toPoint());
}

void Minimap::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        centreCanvasAt(event->position().toPoint());
}

void Minimap::wheelEvent(QWheelEvent* event)
{
    event->ignore(); // the overview stays fitted
}

void Minimap::place()
{
    const QRect area = m_view->viewport()->geometry();
    resize(std::min(kSize.width(), area.width() / 4), std::min(kSize.height(), area.height() / 3));
    move(area.right() - width() - kMargin, area.bottom() - height() - kMargin);
}

bool Minimap::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        place();
        fitInView(sceneRect(), Qt::KeepAspectRatio);
        updateVisibility();
    }
    return QGraphicsView::eventFilter(watched, event);
}

} // namespace widgets

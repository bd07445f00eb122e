#include "canvas/CanvasView.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

constexpr double kZoomStep = 1.2;

} // namespace

CanvasView::CanvasView(CanvasScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setRenderHints(
        QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    // Zooming keeps the point under the cursor itself (zoomBy), so no automatic anchor.
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setCacheMode(QGraphicsView::CacheBackground);
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    // The canvas is unbounded: panning replaces scroll bars (the wheel still scrolls).
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    centerOn(0, 0);
    connect(scene, &CanvasScene::themeChanged, this, [this] {
        resetCachedContent(); // the background (dots) is cached
        viewport()->update();
    });
}

double CanvasView::zoom() const
{
    return transform().m11();
}

void CanvasView::setZoom(double zoom, QPoint viewPos)
{
    // Below kMinZoom only after a fit: zooming from there never jumps out to kMinZoom.
    zoom = std::clamp(zoom, std::min(kMinZoom, this->zoom()), kMaxZoom);
    if (std::abs(zoom - this->zoom()) < 1e-9)
        return;
    const QPointF anchor = mapToScene(viewPos);
    setTransform(QTransform::fromScale(zoom, zoom));
    // Scroll so the anchor is under viewPos again.
    const QPoint moved = mapFromScene(anchor) - viewPos;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + moved.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() + moved.y());
    resetCachedContent();
    emit zoomChanged(zoom);
}

void CanvasView::zoomBy(double factor, QPoint viewPos)
{
    setZoom(zoom() * factor, viewPos);
}

void CanvasView::zoomIn()
{
    zoomBy(kZoomStep, viewport()->rect().center());
}

void CanvasView::zoomOut()
{
    zoomBy(1.0 / kZoomStep, viewport()->rect().center());
}

void CanvasView::resetZoom()
{
    setZoom(1.0, viewport()->rect().center());
}

void CanvasView::zoomToFit()
{
    const QRectF nodes = m_scene->nodesBoundingRect();
    if (nodes.isEmpty()) {
        resetZoom();
        centerOn(0, 0);
        return;
    }
    const QRectF target = nodes.adjusted(-kFitMargin, -kFitMargin, kFitMargin, kFitMargin);
    const QSizeF view = viewport()->size();
    double z = std::min(view.width() / target.width(), view.height() / target.height());
    z = std::clamp(z, kMinFitZoom, std::max(kMinFitZoom, m_fitLimit));
    if (z < m_fitFloor) {
        z = m_fitFloor;
        setTransform(QTransform::fromScale(z, z));
        const QSizeF visible = view / z;
        centerOn(target.left() + std::min(target.width(), visible.width()) / 2,
            target.top() + std::min(target.height(), visible.height()) / 2);
        resetCachedContent();
        emit zoomChanged(z);
        return;
    }
    setTransform(QTransform::fromScale(z, z));
    centerOn(target.center());
    resetCachedContent();
    emit zoomChanged(z);
}

void CanvasView::drawBackground(QPainter* painter, const QRectF& rect)
{
    const CanvasTheme& theme = m_scene->theme();
    painter->fillRect(rect, theme.background);
    // Keep dots at least ~12 px apart on screen: coarser steps when zoomed out.
    double step = CanvasScene::kGridSize;
    const double z = zoom();
    int major = 5;
    while (step * z < 12.0) {
        step *= 2;
        major = std::max(1, major / 2);
    }
    const double left = std::floor(rect.left() / step) * step;
    const double top = std::floor(rect.top() / step) * step;
    QVector<QPointF> minor;
    QVector<QPointF> majors;
    for (double x = left; x <= rect.right(); x += step) {
        const bool majorX = std::lround(x / step) % major == 0;
        for (double y = top; y <= rect.bottom(); y += step) {
            const bool majorY = std::lround(y / step) % major == 0;
            (majorX && majorY ? majors : minor).push_back(QPointF(x, y));
        }
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(QPen(theme.dot, 1.5 / z));
    painter->drawPoints(minor.constData(), static_cast<int>(minor.size()));
    painter->setPen(QPen(theme.majorDot, 2.5 / z));
    painter->drawPoints(majors.constData(), static_cast<int>(majors.size()));
    painter->restore();
}

void CanvasView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = event->angleDelta().y() / 120.0;
        if (steps != 0)
            zoomBy(std::pow(kZoomStep, steps), event->position().toPoint());
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void CanvasView::mousePressEvent(QMouseEvent* event)
{
    const bool pan
        = event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceDown);
    if (pan) {
        m_panning = true;
        m_panLast = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        const QPoint p = event->position().toPoint();
        const QPoint delta = p - m_panLast;
        m_panLast = p;
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        if (m_spaceDown)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = true;
        setDragMode(QGraphicsView::NoDrag);
        viewport()->setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        m_scene->deleteSelection();
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = false;
        setDragMode(QGraphicsView::RubberBandDrag);
        if (!m_panning)
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void CanvasView::revealNode(NodeId id)
{
    const LayerNodeItem* item = m_scene->nodeItem(id);
    if (!item)
        return;
    m_scene->revealGroupMember(id); // a layer hidden in a collapsed block: expand the block
    m_scene->selectNodes({id});
    centerOn(item);
}

} // namespace widgets

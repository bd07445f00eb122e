#include "export/DiagramExport.h"

#include "canvas/CanvasScene.h"
#include "canvas/EdgeItem.h"
#include "canvas/GroupItem.h"
#include "canvas/LayerNodeItem.h"

#include <QBuffer>
#include <QGraphicsItem>
#include <QPainter>
#include <QSignalBlocker>
#include <QSvgGenerator>

#include <cmath>
#include <utility>
#include <vector>

namespace widgets::diagramexport {

namespace {

/// Hides what a diagram must not show (selection, hints, the rubber line), paints in the light
/// theme (a diagram goes on white paper and slides) unless asked for dark, and turns off item
/// caching while it is rendered, and puts everything back afterwards without telling the views: the
/// scene's signals are blocked, so the inspector keeps its selection.
class CleanScene {
public:
    CleanScene(CanvasScene* scene, Theme theme)
        : m_scene(scene)
        , m_block(scene)
        , m_theme(scene->theme())
    {
        scene->setTheme(theme == Theme::Dark ? CanvasTheme::dark() : CanvasTheme::light());
        for (QGraphicsItem* item : scene->items()) {
            if (item->parentItem())
                continue;
            const bool diagram = item->type() == LayerNodeItem::Type
                || item->type() == EdgeItem::Type || item->type() == GroupItem::Type;
            if (!diagram) {
                if (item->isVisible()) {
                    item->hide();
                    m_hidden.push_back(item);
                }
            } else {
                if (item->isSelected()) {
                    item->setSelected(false);
                    m_selected.push_back(item);
                }
                // Cached cards would be painted as bitmaps: an SVG needs their shapes and text.
                if (item->cacheMode() != QGraphicsItem::NoCache) {
                    m_cached.emplace_back(item, item->cacheMode());
                    item->setCacheMode(QGraphicsItem::NoCache);
                }
            }
        }
    }
    ~CleanScene()
    {
        for (const auto& [item, mode] : m_cached)
            item->setCacheMode(mode);
        for (QGraphicsItem* item : m_hidden)
            item->show();
        for (QGraphicsItem* item : m_selected)
            item->setSelected(true);
        m_scene->setTheme(m_theme);
    }
    CleanScene(const CleanScene&) = delete;
    CleanScene& operator=(const CleanScene&) = delete;

private:
    CanvasScene* m_scene;
    QSignalBlocker m_block;
    CanvasTheme m_theme;
    std::vector<QGraphicsItem*> m_hidden;
    std::vector<QGraphicsItem*> m_selected;
    std::vector<std::pair<QGraphicsItem*, QGraphicsItem::CacheMode>> m_cached;
};

/// White for light diagrams (as they always were), the canvas's dark background for dark ones.
QColor paper(Theme theme)
{
    return theme == Theme::Dark ? CanvasTheme::dark().background : QColor(Qt::white);
}

QRectF itemsRect(const CanvasScene* scene)
{
    QRectF rect;
    for (QGraphicsItem* item : scene->items()) {
        if (item->parentItem() || !item->isVisible())
            continue;
        if (item->type() == LayerNodeItem::Type || item->type() == EdgeItem::Type
            || item->type() == GroupItem::Type)
            rect = rect.united(item->sceneBoundingRect());
    }
    return rect;
}

/// Whole pixels, so the picture's size is the same whatever the positions' fractions.
QRectF alignedDiagramRect(const CanvasScene* scene)
{
    const QRectF items = itemsRect(scene);
    if (items.isEmpty())
        return {};
    const QRectF r = items.adjusted(-kMargin, -kMargin, kMargin, kMargin);
    const double left = std::floor(r.left()), top = std::floor(r.top());
    return QRectF(left, top, std::ceil(r.right() - left), std::ceil(r.bottom() - top));
}

} // namespace

QRectF rect(const CanvasScene* scene)
{
    return alignedDiagramRect(scene);
}

QByteArray svg(CanvasScene* scene, const QString& title, Theme theme)
{
    const CleanScene clean(scene, theme);
    const QRectF source = alignedDiagramRect(scene);
    if (source.isEmpty())
        return {};
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(source.size().toSize());
    generator.setViewBox(QRectF(QPointF(0, 0), source.size()));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("Network diagram exported by NetCanvas"));
    QPainter painter(&generator);
    const QRectF target(QPointF(0, 0), source.size());
    painter.fillRect(target, paper(theme));
    scene->render(&painter, target, source, Qt::KeepAspectRatio);
    painter.end();
    return bytes;
}

QImage image(CanvasScene* scene, double scale, Theme theme)
{
    const CleanScene clean(scene, theme);
    const QRectF source = alignedDiagramRect(scene);
    if (source.isEmpty())
        return {};
    QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(paper(theme));
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    scene->render(&painter, QRectF(QPointF(0, 0), source.size()), source, Qt::KeepAspectRatio);
    painter.end();
    return image;
}

} // namespace widgets::diagramexport

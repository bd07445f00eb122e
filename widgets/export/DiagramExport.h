#pragma once
// The canvas as a picture for File > Export > Diagram: what the user sees on the canvas (cards
// with their thumbnails and errors, the edges as routed), without selection, hover or hints.
// netcanvas-train cannot use it (no Qt); it draws its SVG with engine/export/DiagramSvg.

#include <QByteArray>
#include <QImage>
#include <QRectF>
#include <QString>

namespace widgets {

class CanvasScene;

namespace diagramexport {

/// Margin around the cards and edges, in scene units.
inline constexpr double kMargin = 24.0;

/// Scene area a diagram shows: every layer card and connection plus kMargin, in whole pixels.
QRectF rect(const CanvasScene* scene);
/// Which colours a diagram is drawn in, whatever the canvas shows.
enum class Theme {
    Light, ///< white background (paper, most slides): the default
    Dark, ///< CanvasTheme::dark(), only when the user asks for it
};

/// The canvas as SVG (white background unless `theme` is Dark); `title` goes into the SVG's
/// <title>. Empty when the canvas is empty.
QByteArray svg(CanvasScene* scene, const QString& title, Theme theme = Theme::Light);
/// The same at `scale` x the scene's size (device pixel ratio `scale`); null when empty.
QImage image(CanvasScene* scene, double scale = 2.0, Theme theme = Theme::Light);

} // namespace diagramexport
} // namespace widgets

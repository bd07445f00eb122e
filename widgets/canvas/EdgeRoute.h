#pragma once

#include <QPainterPath>
#include <QPointF>
#include <QRectF>

#include <vector>

namespace widgets {

/// The path an edge is drawn along, a pure function of its ends and the cards (no scene).
///
/// `from` is the source's output port (the edge leaves to the right), `to` the point where the
/// arrow head starts (the edge arrives from the left). `cards` are the card bodies, the edge's
/// own two included. The result is the usual S-shaped Bézier when that passes under no card;
/// otherwise an orthogonal route with rounded corners: right out of the source, along a free
/// horizontal lane (in a gap between rows or bands, or above / below the cards in the way) and
/// right into the target, so skip edges and edges that wrap to the next band stay in sight. The
/// lane needing the least vertical travel wins. When no lane is free (cards overlapping each
/// other), the Bézier is returned.
QPainterPath routeEdge(QPointF from, QPointF to, const std::vector<QRectF>& cards);

/// The plain Bézier with horizontal tangents at both ends (also the rubber line while
/// connecting); backward edges get longer handles so they loop around instead of cutting back.
QPainterPath edgeBezier(QPointF from, QPointF to);

/// True when `path` passes through the inside of one of `cards` (their outlines, where ports
/// sit, do not count). Sampled every ~2 px.
bool pathCrossesCards(const QPainterPath& path, const std::vector<QRectF>& cards);

} // namespace widgets

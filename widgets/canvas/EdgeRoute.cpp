#include "canvas/EdgeRoute.h"

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

constexpr double kStub = 20.0; ///< straight run out of the source and into the target
constexpr double kLaneClearance = 14.0; ///< a lane's distance from the cards it passes
constexpr double kCornerRadius = 8.0;

/// The inside of a card: a path may touch the outline (ports sit there), not cross the body.
QRectF inside(const QRectF& card)
{
    return card.adjusted(1, 1, -1, -1);
}

/// Whether an axis-parallel segment enters a card's inside.
bool segmentCrosses(QPointF a, QPointF b, const QRectF& card)
{
    const QRectF r = inside(card);
    const double left = std::min(a.x(), b.x());
    const double right = std::max(a.x(), b.x());
    const double top = std::min(a.y(), b.y());
    const double bottom = std::max(a.y(), b.y());
    return left < r.right() && right > r.left() && top < r.bottom() && bottom > r.top();
}

bool polylineCrosses(const std::vector<QPointF>& points, const std::vector<QRectF>& cards)
{
    for (std::size_t i = 1; i < points.size(); ++i)
        for (const QRectF& card : cards)
            if (segmentCrosses(points[i - 1], points[i], card))
                return true;
    return false;
}

/// A polyline with its corners rounded (quadratic curves inside each corner).
QPainterPath roundedPolyline(const std::vector<QPointF>& points)
{
    QPainterPath path(points.front());
    for (std::size_t i = 1; i + 1 < points.size(); ++i) {
        const QPointF prev = points[i - 1];
        const QPointF corner = points[i];
        const QPointF next = points[i + 1];
        const double in = QLineF(prev, corner).length();
        const double out = QLineF(corner, next).length();
        const double r = std::min({kCornerRadius, in / 2, out / 2});
        if (r <= 0) {
            path.lineTo(corner);
            continue;
        }
        path.lineTo(corner + (prev - corner) * (r / in));
        path.quadTo(corner, corner + (next - corner) * (r / out));
    }
    path.lineTo(points.back());
    return path;
}

/// The lane `y` moved to the middle of the free band it lies in (between the nearest cards
/// above and below along the lane's span), so that it does not hug one row of cards.
double centredLane(double y, double left, double right, const std::vector<QRectF>& cards)
{
    double above = -1e300;
    double below = 1e300;
    for (const QRectF& card : cards) {
        if (card.right() <= left || card.left() >= right)
            continue;
        if (card.bottom() <= y)
            above = std::max(above, card.bottom());
        else if (card.top() >= y)
            below = std::min(below, card.top());
    }
    return above > -1e300 && below < 1e300 ? (above + below) / 2 : y;
}

} // namespace

QPainterPath edgeBezier(QPointF from, QPointF to)
{
    const double dx = std::abs(to.x() - from.x());
    double handle = std::max(40.0, dx * 0.5);
    if (to.x() < from.x())
        handle = std::max(handle, 80.0 + std::abs(to.y() - from.y()) * 0.25);
    QPainterPath path(from);
    path.cubicTo(from + QPointF(handle, 0), to - QPointF(handle, 0), to);
    return path;
}

bool pathCrossesCards(const QPainterPath& path, const std::vector<QRectF>& cards)
{
    // Points every 2 scene units along the flattened path. (pointAtPercent() measures the whole
    // path again on every call: for the ~70 edges of a ResNet-sized model that was 8 s of the
    // window standing still while the file opened.)
    std::vector<QPointF> points;
    for (const QPolygonF& polygon : path.toSubpathPolygons()) {
        for (qsizetype i = 0; i + 1 < polygon.size(); ++i) {
            const QLineF segment(polygon[i], polygon[i + 1]);
            const int steps = std::max(1, static_cast<int>(segment.length() / 2));
            for (int k = 0; k < steps; ++k)
                points.push_back(segment.pointAt(static_cast<double>(k) / steps));
        }
        if (!polygon.isEmpty())
            points.push_back(polygon.back());
    }
    for (const QRectF& card : cards) {
        const QRectF r = inside(card);
        for (const QPointF& p : points)
            if (p.x() > r.left() && p.x() < r.right() && p.y() > r.top() && p.y() < r.bottom())
                return true;
    }
    return false;
}

QPainterPath routeEdge(QPointF from, QPointF to, const std::vector<QRectF>& cards)
{
    const QPainterPath bezier = edgeBezier(from, to);
    if (to.x() > from.x() && !pathCrossesCards(bezier, cards))
        return bezier;

    const double x1 = from.x() + kStub;
    const double x2 = to.x() - kStub;
    // Lanes: the ends' own heights, and just above or below every card (the ones in the way
    // give the lanes around them, the outermost ones a lane that is always free of cards).
    std::vector<double> lanes {from.y(), to.y()};
    for (const QRectF& card : cards) {
        lanes.push_back(card.top() - kLaneClearance);
        lanes.push_back(card.bottom() + kLaneClearance);
    }
    const double middle = (from.y() + to.y()) / 2;
    auto travel = [&](double y) { return std::abs(from.y() - y) + std::abs(to.y() - y); };
    std::stable_sort(lanes.begin(), lanes.end(), [&](double a, double b) {
        if (travel(a) != travel(b))
            return travel(a) < travel(b);
        return std::abs(a - middle) < std::abs(b - middle);
    });
    auto route = [&](double y) {
        std::vector<QPointF> points {from, {x1, from.y()}, {x1, y}, {x2, y}, {x2, to.y()}, to};
        // Drop zero-length legs so every corner is a real turn.
        points.erase(std::unique(points.begin(), points.end()), points.end());
        return points;
    };
    for (const double y : lanes) {
        if (polylineCrosses(route(y), cards))
            continue;
        // An edge wrapping back to the next band runs mid-gap; skip edges keep close to the
        // cards they pass, so the two kinds of lane do not merge.
        if (x2 < x1 && y != from.y() && y != to.y()) {
            const auto centred = route(centredLane(y, std::min(x1, x2), std::max(x1, x2), cards));
            if (!polylineCrosses(centred, cards))
                return roundedPolyline(centred);
        }
        return roundedPolyline(route(y));
    }
    return bezier;
}

} // namespace widgets

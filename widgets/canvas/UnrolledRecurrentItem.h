#pragma once

#include "canvas/ItemTypes.h"

#include <QGraphicsObject>

#include <vector>

namespace widgets {

/// A recurrent card's time steps, drawn as cells under the card: the network unrolled
/// over time, the picture of backpropagation through time. Cell t is shaded by ||dL/dh_t|| of
/// the latest training snapshot relative to the largest step's (white: nothing arrives), so a
/// SimpleRNN's vanishing gradient shows as cells fading toward t = 0. A child of the card, so it
/// moves with it. Never wider than the card, so it never reaches under the next column's card:
/// long sequences wrap into up to kMaxRows rows (read left to right, top to bottom) and the
/// cells narrow beyond that.
class UnrolledRecurrentItem : public QGraphicsObject {
    Q_OBJECT
public:
    enum { Type = itemtype::UnrolledRecurrent };
    static constexpr double kCellHeight = 16.0;
    static constexpr double kCaptionHeight = 14.0;
    static constexpr double kMinCellWidth = 12.0; ///< below this, steps wrap to another row
    static constexpr int kMaxRows = 2;

    explicit UnrolledRecurrentItem(QGraphicsItem* card);
    int type() const override { return Type; }

    /// Steps to draw (before any gradient is known) and the per-step norms (may be empty).
    void setSteps(int steps);
    void setNorms(const std::vector<double>& norms);
    int steps() const { return m_steps; }
    const std::vector<double>& norms() const { return m_norms; }
    /// Shade of cell t in [0, 1] (norm / largest norm); -1 without norms.
    double shade(int t) const;
    /// Cell t's rectangle in item coordinates.
    QRectF cellRect(int t) const;
    /// Tooltip of cell t.
    QString cellText(int t) const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    double width() const;
    int rows() const;
    int stepsPerRow() const;
    int m_steps = 0;
    std::vector<double> m_norms;
    double m_max = 0;
};

} // namespace widgets

#pragma once
// The neuron view's colours (TensorFlow Playground's diverging orange/blue, colour-blind safe),
// shared by the neuron circles and the weight lines so that a sign reads the same on both.

#include "canvas/CanvasScene.h"

#include <QColor>
#include <QGraphicsItem>

#include <algorithm>

namespace widgets::neuroncolors {

inline const QColor kNegative(245, 147, 34); ///< the Playground's orange: values below zero
inline const QColor kPositive(8, 119, 189); ///< the Playground's blue: values above zero
inline const QColor kOutline(90, 96, 102); ///< a neuron's circle while not hovered

/// The theme of the canvas `item` is on (light while it is on no canvas).
inline const CanvasTheme& themeOf(const QGraphicsItem* item)
{
    static const CanvasTheme light = CanvasTheme::light();
    const auto* scene = item->scene() ? qobject_cast<const CanvasScene*>(item->scene()) : nullptr;
    return scene ? scene->theme() : light;
}

/// Linear blend from `a` (t = 0) to `b` (t = 1); t is clamped to [0, 1].
inline QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
        float(a.greenF() + (b.greenF() - a.greenF()) * t),
        float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace widgets::neuroncolors

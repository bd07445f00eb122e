#include "teaching/UpdateRuleText.h"

namespace widgets {

QString UpdateRuleText::html(const QString& optimizer, const QString& learningRate, long step)
{
    const QString& lr = learningRate;
    if (optimizer == QLatin1String("sgd"))
        return tr("SGD: w ← w − lr · g, lr = %1").arg(lr);
    if (optimizer == QLatin1String("momentum"))
        return tr("Momentum: v ← μ v + g, w ← w − lr · v (lr = %1, step %2)").arg(lr).arg(step);
    if (optimizer == QLatin1String("nesterov"))
        return tr("Nesterov: v ← μ v + g, w ← w − lr · (g + μ v) (lr = %1, step %2)")
            .arg(lr)
            .arg(step);
    if (optimizer == QLatin1String("rmsprop"))
        return tr("RMSprop: s ← ρ s + (1 − ρ) g², w ← w − lr · g / (√s + ε) (lr = %1, step %2)")
            .arg(lr)
            .arg(step);
    // Adam (Kingma & Ba 2015, Algorithm 1), one statement a line so that none wraps.
    return tr("%1, step t = %2, lr = %3:<br>"
              "m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²<br>"
              "m<sub>hat</sub> = m / (1 − β₁<sup>t</sup>), "
              "v<sub>hat</sub> = v / (1 − β₂<sup>t</sup>)<br>"
              "w ← w − lr · m<sub>hat</sub> / (√v<sub>hat</sub> + ε)")
        .arg(optimizer == QLatin1String("adamw") ? QStringLiteral("AdamW") : QStringLiteral("Adam"))
        .arg(step)
        .arg(lr);
}

} // namespace widgets

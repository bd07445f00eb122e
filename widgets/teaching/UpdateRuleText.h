#pragma once
// The optimizer's update rule as the step-through's Update section writes it.

#include <QCoreApplication>
#include <QString>

namespace widgets {

/// A pure function of the optimizer's numbers, for QTextDocument's HTML subset. No combining
/// accents: Qt places a combining circumflex (m + U+0302) over another glyph, in a wrapped
/// paragraph even on another line, so Adam's bias-corrected averages m̂ and v̂ are written
/// m<sub>hat</sub> and v<sub>hat</sub>.
class UpdateRuleText {
    Q_DECLARE_TR_FUNCTIONS(UpdateRuleText)
public:
    /// `optimizer` is the engine's type name ("sgd", "momentum", "nesterov", "rmsprop", "adam",
    /// "adamw"), `learningRate` the rate as the panel prints it, `step` the optimizer's step
    /// count after the update (Adam's t).
    static QString html(const QString& optimizer, const QString& learningRate, long step);
};

} // namespace widgets

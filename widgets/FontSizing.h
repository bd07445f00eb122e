#pragma once

#include <functional>

class QWidget;

namespace widgets {

/// Runs `apply` now and again after every font change of `widget` (QEvent::FontChange, which
/// View > Presentation Mode's larger application font sends to every widget), so pixel sizes
/// computed from font metrics follow the font instead of keeping the size of the first one.
/// The watcher is a child of `widget` and dies with it; `apply` must only touch `widget` or its
/// children.
void followFont(QWidget* widget, std::function<void()> apply);

/// setMinimumWidth() in average character widths of the widget's font, kept up to date by
/// followFont(): a minimum in pixels that is right at one font clips at a larger one.
void setMinimumWidthInChars(QWidget* widget, double chars);

/// The width of `chars` average characters of `widget`'s current font, in pixels.
int charsWidth(const QWidget* widget, double chars);

} // namespace widgets

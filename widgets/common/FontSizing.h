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

/// Gives `widget` its parent's font at `factor` times the size, bold if asked, and again after
/// every font change of the parent. For a title or a mark larger than the text around it: a
/// size set on the widget itself would keep the application's larger presentation font out
/// (as would a style sheet on it, whatever it sets: it fixes the font the widget had then).
/// Does nothing to a widget without a parent.
void setFontRelativeToParent(QWidget* widget, double factor, bool bold = false);

/// setMinimumWidth() in average character widths of the widget's font, kept up to date by
/// followFont(): a minimum in pixels that is right at one font clips at a larger one.
void setMinimumWidthInChars(QWidget* widget, double chars);

/// The width of `chars` average characters of `widget`'s current font, in pixels.
int charsWidth(const QWidget* widget, double chars);

} // namespace widgets

#include "FontSizing.h"

#include <QEvent>
#include <QFontMetrics>
#include <QWidget>

#include <cmath>

namespace widgets {

namespace {

/// Calls its function when the watched widget's font has changed. QEvent::FontChange reaches
/// an event filter after the widget's new font is set, so fontMetrics() is already the new one.
class FontWatcher : public QObject {
public:
    FontWatcher(QWidget* widget, std::function<void()> apply)
        : QObject(widget)
        , m_apply(std::move(apply))
    {
        widget->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // Guarded: what `apply` sets (a style sheet, say) may re-polish and change the font.
        if (watched == parent() && event->type() == QEvent::FontChange && !m_applying) {
            m_applying = true;
            m_apply();
            m_applying = false;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_apply;
    bool m_applying = false;
};

} // namespace

void followFont(QWidget* widget, std::function<void()> apply)
{
    apply();
    new FontWatcher(widget, std::move(apply));
}

int charsWidth(const QWidget* widget, double chars)
{
    return int(std::ceil(chars * widget->fontMetrics().averageCharWidth()));
}

void setMinimumWidthInChars(QWidget* widget, double chars)
{
    followFont(widget, [widget, chars] { widget->setMinimumWidth(charsWidth(widget, chars)); });
}

} // namespace widgets

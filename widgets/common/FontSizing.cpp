#include "common/FontSizing.h"

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

/// Calls its function when the watched widget's parent's font has changed (its children have
/// the new font then, unless one set its own).
class ParentFontWatcher : public QObject {
public:
    ParentFontWatcher(QWidget* widget, std::function<void()> apply)
        : QObject(widget)
        , m_apply(std::move(apply))
    {
        widget->parentWidget()->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == parent()->parent() && event->type() == QEvent::FontChange)
            m_apply();
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_apply;
};

} // namespace

void followFont(QWidget* widget, std::function<void()> apply)
{
    apply();
    new FontWatcher(widget, std::move(apply));
}

void setFontRelativeToParent(QWidget* widget, double factor, bool bold)
{
    if (!widget->parentWidget())
        return;
    auto apply = [widget, factor, bold] {
        QFont f = widget->parentWidget()->font();
        if (f.pointSizeF() > 0)
            f.setPointSizeF(f.pointSizeF() * factor);
        else
            f.setPixelSize(qRound(f.pixelSize() * factor));
        f.setBold(bold);
        widget->setFont(f);
    };
    apply();
    new ParentFontWatcher(widget, apply);
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

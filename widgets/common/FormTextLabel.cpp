#include "common/FormTextLabel.h"

#include <QResizeEvent>

namespace widgets {

FormTextLabel::FormTextLabel(QWidget* parent)
    : QLabel(parent)
{
    setWordWrap(true);
}

int FormTextLabel::neededHeight() const
{
    const int w = testAttribute(Qt::WA_Resized) ? width() : QLabel::sizeHint().width();
    return heightForWidth(w);
}

QSize FormTextLabel::sizeHint() const
{
    return {QLabel::sizeHint().width(), neededHeight()};
}

QSize FormTextLabel::minimumSizeHint() const
{
    return {QLabel::minimumSizeHint().width(), neededHeight()};
}

void FormTextLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    // Another width wraps the text into another number of lines: the size hints changed. (A
    // new height at the same width asks for nothing, so this settles in one more pass.)
    if (event->size().width() != event->oldSize().width() && heightForWidth(width()) != height())
        updateGeometry();
}

} // namespace widgets

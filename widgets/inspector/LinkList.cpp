#include "inspector/LinkList.h"

#include <QPushButton>
#include <QVBoxLayout>

namespace widgets {

void clearLinkList(QVBoxLayout* layout)
{
    while (QLayoutItem* item = layout->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
}

QPushButton* makeLinkButton(const QString& text, const QString& toolTip)
{
    auto* button = new QPushButton(text);
    button->setFlat(true);
    button->setStyleSheet(QStringLiteral(
        "QPushButton { text-align: left; padding: 2px 8px; color: palette(link); }"));
    button->setCursor(Qt::PointingHandCursor);
    button->setToolTip(toolTip);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    return button;
}

} // namespace widgets

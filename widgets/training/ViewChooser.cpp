#include "training/ViewChooser.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>

namespace widgets {

ViewChooser::ViewChooser(QTabWidget* tabs, QWidget* parent)
    : QWidget(parent)
    , m_tabs(tabs)
    , m_button(new QToolButton(this))
{
    setObjectName(QStringLiteral("ViewChooser"));
    m_button->setObjectName(QStringLiteral("ViewChooserButton"));
    m_button->setPopupMode(QToolButton::InstantPopup);
    m_button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_button->setToolTip(tr("Choose the live view; widen the panel to see them as tabs"));
    auto* menu = new QMenu(m_button);
    m_button->setMenu(menu);
    connect(menu, &QMenu::aboutToShow, this, &ViewChooser::fillMenu);
    auto* label = new QLabel(tr("View:"), this);
    label->setBuddy(m_button);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(2, 0, 2, 0);
    row->addWidget(label);
    row->addWidget(m_button);
    row->addStretch(1);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ViewChooser::updateMode);
    // Resize: the room changed; LayoutRequest: tabs were added, hidden or renamed.
    m_tabs->installEventFilter(this);
    m_tabs->tabBar()->installEventFilter(this);
    updateMode();
}

bool ViewChooser::eventFilter(QObject* watched, QEvent* event)
{
    if ((watched == m_tabs && event->type() == QEvent::Resize)
        || event->type() == QEvent::LayoutRequest)
        updateMode();
    return QWidget::eventFilter(watched, event);
}

void ViewChooser::updateMode()
{
    QTabBar* bar = m_tabs->tabBar();
    const bool fits = bar->sizeHint().width() <= m_tabs->width();
    if (bar->isHidden() == fits)
        bar->setVisible(fits);
    setVisible(!fits);
    const int current = m_tabs->currentIndex();
    m_button->setText(
        current >= 0 ? m_tabs->tabText(current).remove(QLatin1Char('&')) + " " : tr("(none)"));
}

void ViewChooser::fillMenu()
{
    QMenu* menu = m_button->menu();
    menu->clear();
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (!m_tabs->isTabVisible(i))
            continue;
        QAction* a = menu->addAction(m_tabs->tabText(i).remove(QLatin1Char('&')));
        a->setCheckable(true);
        a->setChecked(i == m_tabs->currentIndex());
        a->setToolTip(m_tabs->tabToolTip(i));
        QWidget* page = m_tabs->widget(i);
        connect(a, &QAction::triggered, this, [this, page] { m_tabs->setCurrentWidget(page); });
    }
    menu->setToolTipsVisible(true);
}

} // namespace widgets

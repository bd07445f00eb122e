#include "teaching/WelcomePage.h"

#include "common/WrappingScrollArea.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QStyleOption>
#include <QToolButton>
#include <QVBoxLayout>

namespace widgets {

namespace {

QLabel* label(const QString& text, qreal scale, bool bold, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(bold);
    l->setFont(f);
    l->setWordWrap(true);
    return l;
}

} // namespace

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("WelcomePage"));
    setAttribute(Qt::WA_StyledBackground, true);
    // Cards on a soft background; buttons inside look like links until hovered.
    setStyleSheet(QStringLiteral(
        "#WelcomePage { background: #eef2f7; }"
        "#WelcomeCard { background: white; border: 1px solid #d5dce6; border-radius: 8px; }"
        "#WelcomeCard QPushButton { text-align: left; border: none; padding: 6px 8px;"
        "  border-radius: 4px; background: transparent; color: #1d4f91; }"
        "#WelcomeCard QPushButton:hover { background: #e3ecf8; }"
        "#WelcomeCard QLabel#WelcomeCardTitle { color: #26323f; }"
        "QPushButton#WelcomeNew, QPushButton#WelcomeOpen { padding: 8px 18px; border-radius: 5px;"
        "  border: 1px solid #2f6db5; background: #3b7dd8; color: white; font-weight: bold; }"
        "QPushButton#WelcomeOpen { background: white; color: #2f6db5; }"
        "QPushButton#WelcomeNew:hover { background: #2f6db5; }"
        "QPushButton#WelcomeOpen:hover { background: #e3ecf8; }"));

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    // The cards wrap and shrink with the window: it never needs a horizontal scroll bar.
    auto* scroll = new WrappingScrollArea(this);
    scroll->setObjectName(QStringLiteral("WelcomeScroll"));
    scroll->setStyleSheet(QStringLiteral("QScrollArea { background: transparent; }"));
    outer->addWidget(scroll);
    auto* content = new QWidget;
    content->setObjectName(QStringLiteral("WelcomeContent"));
    content->setStyleSheet(QStringLiteral("#WelcomeContent { background: #eef2f7; }"));

    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(40, 28, 40, 28);
    layout->setSpacing(16);

    auto* header = new QHBoxLayout;
    auto* titles = new QVBoxLayout;
    titles->addWidget(label(QStringLiteral("NetCanvas"), 2.2, true, content));
    QLabel* sub = label(
        tr("Draw a neural network, train it, and watch every number move."), 1.15, false, content);
    sub->setStyleSheet(QStringLiteral("color: #52606d;"));
    titles->addWidget(sub);
    header->addLayout(titles, 1);
    auto* newButton = new QPushButton(tr("New project"), content);
    newButton->setObjectName(QStringLiteral("WelcomeNew"));
    auto* openButton = new QPushButton(tr("Open…"), content);
    openButton->setObjectName(QStringLiteral("WelcomeOpen"));
    connect(newButton, &QPushButton::clicked, this, &WelcomePage::newProjectRequested);
    connect(openButton, &QPushButton::clicked, this, &WelcomePage::openRequested);
    header->addWidget(newButton, 0, Qt::AlignVCenter);
    header->addWidget(openButton, 0, Qt::AlignVCenter);
    layout->addLayout(header);

    m_columns = new QBoxLayout(QBoxLayout::LeftToRight);
    m_columns->setSpacing(16);
    m_lessonsCard = card(tr("Lessons"), m_lessons);
    m_side = new QVBoxLayout;
    m_side->setSpacing(16);
    m_side->addWidget(card(tr("Recent files"), m_recent));
    m_side->addWidget(card(tr("Examples"), m_examples));
    m_side->addStretch(1);
    m_columns->addWidget(m_lessonsCard, 3, Qt::AlignTop);
    m_columns->addLayout(m_side, 2);
    layout->addLayout(m_columns);
    layout->addStretch(1);
    scroll->setContent(content);
    m_scroll = scroll;
    // Resize: the room changed; LayoutRequest: entries or the font (presentation mode) did.
    scroll->viewport()->installEventFilter(this);
    content->installEventFilter(this);
    setRecentFiles({});
}

void WelcomePage::updateColumns()
{
    // Side by side only where both columns fit at their narrowest, else one under the other:
    // the page never needs more than its widest card (a narrow canvas, a presentation font).
    const QMargins margins = m_scroll->widget()->layout()->contentsMargins();
    const int sideBySide = m_lessonsCard->minimumSizeHint().width() + m_side->minimumSize().width()
        + m_columns->spacing() + margins.left() + margins.right();
    const auto direction = m_scroll->viewport()->width() >= sideBySide ? QBoxLayout::LeftToRight
                                                                       : QBoxLayout::TopToBottom;
    if (m_columns->direction() != direction)
        m_columns->setDirection(direction);
}

QWidget* WelcomePage::card(const QString& title, QVBoxLayout*& body)
{
    auto* frame = new QFrame;
    frame->setObjectName(QStringLiteral("WelcomeCard"));
    auto* v = new QVBoxLayout(frame);
    v->setContentsMargins(14, 12, 14, 12);
    v->setSpacing(2);
    QLabel* t = label(title, 1.25, true, frame);
    t->setObjectName(QStringLiteral("WelcomeCardTitle"));
    v->addWidget(t);
    body = new QVBoxLayout;
    body->setSpacing(0);
    v->addLayout(body);
    return frame;
}

QWidget* WelcomePage::entryButton(const Entry& e, const QString& objectName)
{
    // One line per entry: long descriptions would widen the card; they are the tooltip.
    auto* b = new QPushButton(e.title);
    b->setObjectName(objectName);
    b->setToolTip(e.description.isEmpty() ? e.path : e.description);
    b->setCursor(Qt::PointingHandCursor);
    return b;
}

void WelcomePage::fill(QVBoxLayout* layout, const std::vector<Entry>& entries,
    const QString& prefix, void (WelcomePage::*signal)(const QString&))
{
    while (QLayoutItem* item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int i = 0;
    for (const Entry& e : entries) {
        QWidget* w = entryButton(e, prefix + QString::number(i++));
        const QString path = e.path;
        connect(static_cast<QPushButton*>(w), &QPushButton::clicked, this,
            [this, path, signal] { emit(this->*signal)(path); });
        layout->addWidget(w);
    }
    if (entries.empty()) {
        QLabel* none = label(tr("None yet"), 1.0, false, nullptr);
        none->setStyleSheet(QStringLiteral("color: #8a96a3; padding: 6px 8px;"));
        layout->addWidget(none);
    }
}

void WelcomePage::setRecentFiles(const QStringList& paths)
{
    std::vector<Entry> entries;
    for (const QString& p : paths)
        entries.push_back(
            {p, QFileInfo(p).fileName(), QDir::toNativeSeparators(QFileInfo(p).absolutePath())});
    fill(m_recent, entries, QStringLiteral("WelcomeRecent_"), &WelcomePage::recentRequested);
}

void WelcomePage::setExamples(const std::vector<Entry>& examples)
{
    std::vector<Entry> entries = examples;
    for (Entry& e : entries)
        e.description.clear(); // examples are many and their descriptions long: tooltip only
    for (std::size_t i = 0; i < entries.size(); ++i)
        entries[i].description.clear();
    fill(m_examples, entries, QStringLiteral("WelcomeExample_"), &WelcomePage::exampleRequested);
    for (std::size_t i = 0; i < examples.size(); ++i)
        if (auto* w = m_examples->itemAt(int(i))->widget())
            w->setToolTip(examples[i].description);
}

void WelcomePage::setLessons(const std::vector<Entry>& lessons)
{
    fill(m_lessons, lessons, QStringLiteral("WelcomeLesson_"), &WelcomePage::lessonRequested);
}

void WelcomePage::attachTo(QWidget* host)
{
    setParent(host);
    host->installEventFilter(this);
    setGeometry(host->rect());
}

bool WelcomePage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parent() && event->type() == QEvent::Resize)
        setGeometry(static_cast<QWidget*>(watched)->rect());
    else if ((m_scroll && watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        || (m_scroll && watched == m_scroll->widget() && event->type() == QEvent::LayoutRequest))
        updateColumns();
    return QWidget::eventFilter(watched, event);
}

void WelcomePage::paintEvent(QPaintEvent* event)
{
    // A plain QWidget subclass paints its style-sheet background only through the style.
    QStyleOption opt;
    opt.initFrom(this);
    QPainter p(this);
    style()->drawPrimitive(QStyle::PE_Widget, &opt, &p, this);
    QWidget::paintEvent(event);
}

} // namespace widgets

#include "canvas/CommandPalette.h"

#include "canvas/LayerCommand.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QVBoxLayout>

namespace widgets {

namespace {

enum Role { KindRole = Qt::UserRole, ActionRole, TypeRole, AttributesRole };
enum Kind { LayerRow, ActionRow };

QString plain(QString text)
{
    // "&Save" -> "Save"; "&&" stays one ampersand.
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return text;
}

void collect(
    const QList<QAction*>& actions, const QString& prefix, QList<QPair<QString, QAction*>>& out)
{
    for (QAction* a : actions) {
        if (a->isSeparator() || a->text().isEmpty())
            continue;
        const QString path = prefix.isEmpty()
            ? plain(a->text())
            : prefix + QStringLiteral(" \u203a ") + plain(a->text());
        if (QMenu* sub = a->menu())
            collect(sub->actions(), path, out);
        else
            out.append({path, a});
    }
}

} // namespace

CommandPalette::CommandPalette(QMenuBar* menus, QWidget* parent)
    : QFrame(parent)
    , m_menus(menus)
    , m_edit(new QLineEdit)
    , m_list(new QListWidget)
{
    setObjectName(QStringLiteral("CommandPalette"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_edit->setPlaceholderText(tr("Type a command, or a layer: “dense 64 relu”, “conv 32 3x3”"));
    m_edit->installEventFilter(this);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setUniformItemSizes(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_edit);
    layout->addWidget(m_list);
    connect(m_edit, &QLineEdit::textChanged, this, &CommandPalette::updateList);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::runCurrent);
    hide();
}

QList<QPair<QString, QAction*>> CommandPalette::menuActions(const QMenuBar* menus)
{
    QList<QPair<QString, QAction*>> out;
    collect(menus->actions(), {}, out);
    return out;
}

void CommandPalette::open()
{
    QWidget* host = parentWidget();
    const int width = std::min(host->width() - 40, fontMetrics().averageCharWidth() * 70);
    const int height = std::min(host->height() - 60, fontMetrics().height() * 18);
    setGeometry((host->width() - width) / 2, 40, width, height);
    m_edit->clear();
    updateList();
    show();
    raise();
    m_edit->setFocus(Qt::ShortcutFocusReason);
}

void CommandPalette::updateList()
{
    m_list->clear();
    const QString text = m_edit->text().simplified();
    const LayerCommand layer = parseLayerCommand(text);
    if (!layer.type.isEmpty()) {
        auto* item = new QListWidgetItem(layer.ok() ? tr("Insert layer: %1").arg(layer.summary)
                                                    : tr("%1: %2").arg(layer.type, layer.error));
        item->setData(KindRole, LayerRow);
        item->setData(TypeRole, layer.type);
        item->setData(AttributesRole, QString::fromStdString(layer.attributes.dump()));
        if (!layer.ok())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        m_list->addItem(item);
    }
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const auto& [path, action] : menuActions(m_menus)) {
        const bool matches = std::all_of(words.begin(), words.end(),
            [&](const QString& w) { return path.contains(w, Qt::CaseInsensitive); });
        if (!matches)
            continue;
        QString label = path;
        if (!action->shortcut().isEmpty())
            label += QStringLiteral("    ") + action->shortcut().toString(QKeySequence::NativeText);
        auto* item = new QListWidgetItem(label);
        item->setData(KindRole, ActionRow);
        item->setData(ActionRole, QVariant::fromValue(QPointer<QObject>(action)));
        if (!action->isEnabled())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        m_list->addItem(item);
    }
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->flags() & Qt::ItemIsEnabled) {
            m_list->setCurrentRow(row);
            break;
        }
    }
}

void CommandPalette::runCurrent()
{
    const QListWidgetItem* item = m_list->currentItem();
    if (!item || !(item->flags() & Qt::ItemIsEnabled))
        return;
    hide();
    if (item->data(KindRole).toInt() == LayerRow) {
        emit insertLayer(item->data(TypeRole).toString(), item->data(AttributesRole).toString());
        return;
    }
    const QPointer<QObject> action = item->data(ActionRole).value<QPointer<QObject>>();
    if (auto* a = qobject_cast<QAction*>(action.data()))
        a->trigger();
}

bool CommandPalette::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Escape:
            hide();
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            runCurrent();
            return true;
        case Qt::Key_Down:
        case Qt::Key_Up: {
            const int step = key->key() == Qt::Key_Down ? 1 : -1;
            for (int row = m_list->currentRow() + step; row >= 0 && row < m_list->count();
                 row += step) {
                if (m_list->item(row)->flags() & Qt::ItemIsEnabled) {
                    m_list->setCurrentRow(row);
                    break;
                }
            }
            return true;
        }
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace widgets

#include "canvas/LayerPalette.h"

#include "canvas/PaletteMime.h"
#include "layers/LayerRegistry.h"

#include <nlohmann/json.hpp>

#include <QDrag>
#include <QFile>
#include <QHeaderView>
#include <QIcon>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace widgets {

namespace {

constexpr int kEntryRole = Qt::UserRole + 1; ///< index into LayerRegistry::entries(), or -1

const engine::LayerInfo* entryOf(const QTreeWidgetItem* item)
{
    if (!item)
        return nullptr;
    const QVariant v = item->data(0, kEntryRole);
    const auto& entries = engine::LayerRegistry::entries();
    if (!v.isValid() || v.toInt() < 0 || v.toInt() >= static_cast<int>(entries.size()))
        return nullptr;
    return &entries[static_cast<std::size_t>(v.toInt())];
}

/// The tree with a drag that carries the entry's JSON and shows its icon under the cursor.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    void startDrag(Qt::DropActions) override
    {
        const engine::LayerInfo* entry = entryOf(currentItem());
        if (!entry)
            return;
        auto* drag = new QDrag(this);
        drag->setMimeData(LayerPalette::createMimeData(*entry));
        drag->setPixmap(currentItem()->icon(0).pixmap(32, 32));
        drag->setHotSpot(QPoint(16, 16));
        drag->exec(Qt::CopyAction, Qt::CopyAction);
    }
};

/// The palette's display order, Output last because the loss ends every network; categories the
/// registry adds later go before Output.
const QStringList& categoryOrder()
{
    static const QStringList order {QStringLiteral("Core"), QStringLiteral("Convolution"),
        QStringLiteral("Activations"), QStringLiteral("Normalization"),
        QStringLiteral("Regularization"), QStringLiteral("Merge"), QStringLiteral("Recurrent"),
        QStringLiteral("Output")};
    return order;
}

} // namespace

LayerPalette::LayerPalette(QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new PaletteTree(this))
{
    m_filter->setPlaceholderText(tr("Filter layers"));
    m_filter->setClearButtonEnabled(true);

    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(false);
    m_tree->setIndentation(8);
    m_tree->setIconSize(QSize(20, 20));
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setExpandsOnDoubleClick(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);

    populate();

    connect(m_filter, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(m_tree, &QTreeWidget::itemActivated, this, &LayerPalette::activate);
}

QMimeData* LayerPalette::createMimeData(const engine::LayerInfo& entry)
{
    nlohmann::json attributes = nlohmann::json::parse(entry.attributes, nullptr, false);
    if (!attributes.is_object())
        attributes = nlohmann::json::object();
    const nlohmann::json payload {{"type", entry.type}, {"attributes", attributes}};
    auto* mime = new QMimeData;
    mime->setData(QString::fromLatin1(kLayerMimeType), QByteArray::fromStdString(payload.dump()));
    mime->setText(QString::fromStdString(entry.label));
    return mime;
}

QString LayerPalette::iconPath(const engine::LayerInfo& entry)
{
    // Icons are named after the label ("Leaky ReLU" -> leaky_relu.svg) so that activation
    // presets of one layer type get their own curve.
    QString base = QString::fromStdString(entry.label).toLower();
    base.replace(QLatin1Char(' '), QLatin1Char('_'));
    base.replace(QLatin1Char('-'), QLatin1Char('_'));
    for (const QString& name : {base, QString::fromStdString(entry.type).toLower()}) {
        const QString path = QStringLiteral(":/icons/%1.svg").arg(name);
        if (QFile::exists(path))
            return path;
    }
    return QStringLiteral(":/icons/layer.svg");
}

QTreeWidgetItem* LayerPalette::itemForLabel(const QString& label) const
{
    for (int c = 0; c < m_tree->topLevelItemCount(); ++c) {
        QTreeWidgetItem* category = m_tree->topLevelItem(c);
        for (int i = 0; i < category->childCount(); ++i) {
            const engine::LayerInfo* entry = entryOf(category->child(i));
            if (entry && QString::fromStdString(entry->label) == label)
                return category->child(i);
        }
    }
    return nullptr;
}

void LayerPalette::setFilter(const QString& text)
{
    const QString needle = text.trimmed();
    for (int c = 0; c < m_tree->topLevelItemCount(); ++c) {
        QTreeWidgetItem* category = m_tree->topLevelItem(c);
        const bool categoryMatches = category->text(0).contains(needle, Qt::CaseInsensitive);
        int visible = 0;
        for (int i = 0; i < category->childCount(); ++i) {
            QTreeWidgetItem* item = category->child(i);
            const engine::LayerInfo* entry = entryOf(item);
            const bool match = needle.isEmpty() || categoryMatches
                || item->text(0).contains(needle, Qt::CaseInsensitive)
                || (entry
                    && QString::fromStdString(entry->type).contains(needle, Qt::CaseInsensitive));
            item->setHidden(!match);
            visible += match ? 1 : 0;
        }
        category->setHidden(visible == 0);
    }
}

void LayerPalette::populate()
{
    const auto& entries = engine::LayerRegistry::entries();
    QStringList categories = categoryOrder();
    for (const auto& e : entries) {
        const QString c = QString::fromStdString(e.category);
        if (!categories.contains(c))
            categories.insert(categories.indexOf(QStringLiteral("Output")), c);
    }

    QFont categoryFont = m_tree->font();
    categoryFont.setBold(true);
    for (const QString& category : std::as_const(categories)) {
        QTreeWidgetItem* group = nullptr;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const engine::LayerInfo& e = entries[i];
            if (QString::fromStdString(e.category) != category)
                continue;
            if (!group) {
                group = new QTreeWidgetItem(m_tree, QStringList {category});
                group->setFlags(Qt::ItemIsEnabled);
                group->setFont(0, categoryFont);
                group->setData(0, kEntryRole, -1);
            }
            auto* item = new QTreeWidgetItem(group, QStringList {QString::fromStdString(e.label)});
            item->setIcon(0, QIcon(iconPath(e)));
            item->setData(0, kEntryRole, static_cast<int>(i));
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
            item->setToolTip(0,
                tr("<b>%1</b><br><tt>%2</tt><br><i>Drag onto the canvas, or "
                   "double-click to add after the selected layer.</i>")
                    .arg(QString::fromStdString(e.label).toHtmlEscaped(),
                        QString::fromStdString(e.formula).toHtmlEscaped()));
            item->setStatusTip(0, QString::fromStdString(e.formula));
        }
    }
    m_tree->expandAll();
}

void LayerPalette::activate(QTreeWidgetItem* item)
{
    const engine::LayerInfo* entry = entryOf(item);
    if (!entry)
        return;
    nlohmann::json attributes = nlohmann::json::parse(entry->attributes, nullptr, false);
    if (!attributes.is_object())
        attributes = nlohmann::json::object();
    emit entryActivated(
        QString::fromStdString(entry->type), QString::fromStdString(attributes.dump()));
}

} // namespace widgets

#pragma once

#include <QString>
#include <QWidget>

class QLineEdit;
class QMimeData;
class QTreeWidget;
class QTreeWidgetItem;

namespace engine {
struct LayerInfo;
}

namespace widgets {

/// The list of layer types a network is built from, grouped by engine::LayerRegistry category.
///
/// Dragging an entry starts a QDrag carrying kLayerMimeType (PaletteMime.h); double-clicking (or
/// Enter on) an entry emits entryActivated(). The palette never edits a document itself.
class LayerPalette : public QWidget {
    Q_OBJECT
public:
    explicit LayerPalette(QWidget* parent = nullptr);

    /// The drag payload of a registry entry: kLayerMimeType with UTF-8 JSON
    /// {"type": entry.type, "attributes": <entry.attributes parsed>}. Caller owns the result.
    static QMimeData* createMimeData(const engine::LayerInfo& entry);
    /// Icon resource of an entry, e.g. ":/icons/leaky_relu.svg", falling back to a generic icon.
    static QString iconPath(const engine::LayerInfo& entry);

    QTreeWidget* tree() const { return m_tree; }
    QLineEdit* filterEdit() const { return m_filter; }
    /// The entry row for a registry label ("Dense", "ReLU"), or null.
    QTreeWidgetItem* itemForLabel(const QString& label) const;
    /// Shows only entries whose label, type or category contains `text` (case-insensitive).
    void setFilter(const QString& text);

signals:
    /// `attributesJson` is the entry's preset (a JSON object as text, possibly "{}").
    void entryActivated(const QString& type, const QString& attributesJson);

private:
    void populate();
    void activate(QTreeWidgetItem* item);

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
};

} // namespace widgets

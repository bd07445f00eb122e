#pragma once

#include <QFrame>
#include <QList>
#include <QPair>

class QAction;
class QLineEdit;
class QListWidget;
class QMenuBar;

namespace widgets {

/// Ctrl+K: one line to type what to do. "dense 64 relu" or "conv 32 3x3" offers to insert that
/// layer (parseLayerCommand()) after the selection; any other words find menu actions by name
/// ("save as", "zoom fit", "export onnx"), every action of the menu bar, submenus included.
/// Up/Down choose, Enter runs the chosen row, Esc closes. A child over the top of `parent`'s
/// client area; the menu bar is read afresh each time, so new and removed actions are right.
class CommandPalette : public QFrame {
    Q_OBJECT
public:
    CommandPalette(QMenuBar* menus, QWidget* parent);

    QLineEdit* lineEdit() const { return m_edit; }
    QListWidget* list() const { return m_list; }

    /// Every action under the menu bar with its path, "File › Export › ONNX…" (no separators,
    /// submenu entries or '&' marks).
    static QList<QPair<QString, QAction*>> menuActions(const QMenuBar* menus);

public slots:
    /// Shows the palette with an empty line and all actions listed.
    void open();
    /// Runs the chosen row (the first when none is chosen) and closes.
    void runCurrent();

signals:
    /// The user asked to insert a layer: registry type and attributes as JSON text (the layer
    /// palette's entryActivated() form).
    void insertLayer(const QString& type, const QString& attributesJson);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateList();

    QMenuBar* m_menus;
    QLineEdit* m_edit;
    QListWidget* m_list;
};

} // namespace widgets

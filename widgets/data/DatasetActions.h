#pragma once

#include <QObject>
#include <QString>

class QAction;
class QDockWidget;
class QMenu;
class QUndoStack;
class QWidget;

namespace engine {
struct DatasetSpec;
}

namespace widgets {

class DatasetPanel;
class GraphDocument;

/// The main window's data features in one place: the "Dataset" dock (DatasetPanel) and the
/// File ▸ Import Dataset menu (CSV…, IDX Images…). An accepted import is one undoable
/// SetDatasetCommand; a refused one changes nothing. The document and stack must outlive this.
class DatasetActions : public QObject {
    Q_OBJECT
public:
    /// `window` parents the dock and the dialogs.
    DatasetActions(GraphDocument* document, QUndoStack* stack, QWidget* window);

    QDockWidget* dock() const { return m_dock; }
    DatasetPanel* panel() const { return m_panel; }
    QMenu* importMenu() const { return m_menu; }
    QAction* importCsvAction() const { return m_importCsv; }
    QAction* importIdxAction() const { return m_importIdx; }

    void setProjectDirectory(const QString& dir);
    /// Call after a project or example was opened: raises the dock when the data is missing
    /// (e.g. Fashion-MNIST not installed) so the explanation is seen.
    void projectOpened();
    /// Before an example from the resources is loaded: copies the data files it names beside
    /// itself (iris.csv) to a writable folder and points the spec there.
    static void prepareExample(engine::DatasetSpec& spec, const QString& resourceDir);

private:
    void importCsv();
    void importIdx();

    GraphDocument* m_doc;
    QUndoStack* m_stack;
    QWidget* m_window;
    QDockWidget* m_dock;
    DatasetPanel* m_panel;
    QMenu* m_menu;
    QAction* m_importCsv;
    QAction* m_importIdx;
};

} // namespace widgets

#pragma once

#include "data/DatasetLoader.h"

#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace widgets {

class ClassCountsView;
class DatasetTableModel;
class GraphDocument;
class ImageGridView;
class VocabularyTable;

/// The "Dataset" dock: what the project's data looks like. A table of the samples (targets
/// marked; sequences one row per window), a grid of sample images with labels for image data,
/// the vocabulary of token data, the class counts and the train/validation/test split sizes
/// (for a time series, its own split by time).
///
/// The data is loaded in the background (DatasetLoader, shared with training through
/// DatasetCache) whenever the document's dataset spec or the project folder changes; a progress
/// bar with Cancel shows meanwhile, and a failure shows the loader's message (for a missing
/// Fashion-MNIST, how to install it: missingBuiltInDataMessage()). A data file outside the
/// folders a project may read is loaded only after the user allowed its folder (PathConsent::ask:
/// "Allow this folder" loads it, "Cancel" leaves the data unloaded and says so). The document
/// must outlive the panel.
class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPanel(GraphDocument* document, QWidget* parent = nullptr);

    /// The folder that resolves relative data paths (the project file's); reloads if needed.
    void setProjectDirectory(const QString& dir);
    QString projectDirectory() const { return m_projectDir; }
    /// Starts loading the document's dataset now (a change only schedules it).
    void reload();

    // Parts, for tests and the main window.
    DatasetLoader* loader() const { return m_loader; }
    DatasetTableModel* tableModel() const { return m_model; }
    QTableView* tableView() const { return m_table; }
    ImageGridView* imageGrid() const { return m_images; }
    /// The "Vocabulary" tab: token id, text and counts, shown for token datasets only.
    VocabularyTable* vocabularyTable() const { return m_vocabulary; }
    ClassCountsView* classCounts() const { return m_counts; }
    QProgressBar* progressBar() const { return m_progress; }
    QPushButton* cancelButton() const { return m_cancel; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* splitLabel() const { return m_split; }
    QTabWidget* tabs() const { return m_tabs; }
    /// The data shown, null while loading or after a failure.
    const SharedSourceData& data() const { return m_data; }

signals:
    /// The data shown changed (after a load).
    void dataShown();
    /// The panel says something the user must see though he did not look here (he refused a
    /// folder: the data stays unloaded); DatasetActions raises the dock.
    void attentionNeeded();

private:
    void scheduleReload();
    void onSettingsChanged();
    void onLoaded(const LoadedDataset& result);
    void onFailed(const QString& message);
    /// Asks whether the project may read `path`; loads again if allowed.
    void onPathNotAllowed(const QString& path);
    void setLoading(bool loading);
    void showData(SharedSourceData data);
    void updateSplit();

    GraphDocument* m_doc;
    QString m_projectDir;
    QString m_key; ///< DatasetCache::key of what is shown or loading
    SharedSourceData m_data;
    bool m_overrideSet = false; ///< the document's context override is ours
    bool m_asking = false; ///< the consent question is open (its answer decides what follows)
    DatasetLoader* m_loader;
    QTimer* m_reloadTimer;

    QLabel* m_summary;
    QWidget* m_loadingRow;
    QProgressBar* m_progress;
    QLabel* m_stage;
    QPushButton* m_cancel;
    QLabel* m_message;
    QTabWidget* m_tabs;
    QTableView* m_table;
    DatasetTableModel* m_model;
    ImageGridView* m_images;
    VocabularyTable* m_vocabulary;
    ClassCountsView* m_counts;
    QLabel* m_countsTitle;
    QLabel* m_split;
};

} // namespace widgets

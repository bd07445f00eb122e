#pragma once

#include "data/DatasetCache.h"
#include "data/DatasetLoading.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace engine {
struct Project;
}

namespace widgets {

/// The result of a background load, delivered by queued signal as a value.
struct LoadedDataset {
    QString key; ///< DatasetCache::key() of what was loaded
    engine::DatasetSpec spec;
    SharedSourceData parts; ///< never null in DatasetLoader::loaded()
};

/// Loads datasets on a background thread, one request at a time, with progress and cancel.
///
/// load() starts a load (cancelling a running one: its result is dropped); progress() reports
/// the engine's stages; exactly one of loaded(), failed(), pathNotAllowed() or cancelled() ends
/// each request, always on the GUI thread. Files are read as PathConsent::policy() permits. The
/// object lives on the GUI thread; the destructor cancels and joins the thread (which waits at most
/// for the engine's current stage).
class DatasetLoader : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoader(QObject* parent = nullptr);
    ~DatasetLoader() override;

    void load(const engine::DatasetSpec& spec, const QString& projectDir);
    /// Drops the running request (if any) and emits cancelled().
    void cancel();
    bool isLoading() const { return m_active; }
    /// A background read still runs (a cancelled one until the engine's next cancel check).
    bool isWorking() const { return !m_threads.isEmpty(); }

    /// Where an example opened from the resources keeps its data files: a file dataset with a
    /// relative path (iris.csv beside iris.json) is copied from `resourceDir` (":/examples")
    /// into exampleDataFolder() and the spec's path made absolute. Returns "" or an error.
    static QString extractExampleData(engine::DatasetSpec& spec, const QString& resourceDir);
    /// The writable folder of the examples' data copies (PathConsent always allows it).
    static QString exampleDataFolder();

signals:
    void started();
    void progress(double fraction, const QString& stage);
    void loaded(const widgets::LoadedDataset& result);
    /// The message names the file and the place (or how to install Fashion-MNIST).
    void failed(const QString& message);
    /// The project names `path` (resolved) outside the folders it may read; nothing was read.
    /// Ask the user (PathConsent::ask) and load again if he allows.
    void pathNotAllowed(const QString& path, const QString& message);
    void cancelled();

private:
    QList<QThread*> m_threads; ///< running loads, the current one last (cancelled ones finish)
    std::shared_ptr<std::atomic<bool>> m_cancel; ///< the current request's
    int m_request = 0; ///< results of other requests are dropped
    bool m_active = false;
};

} // namespace widgets

Q_DECLARE_METATYPE(widgets::LoadedDataset)

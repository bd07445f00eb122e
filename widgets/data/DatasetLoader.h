#pragma once

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

/// Data of a source, loaded once and shared read-only between the dataset panel and training.
using SharedSourceData = std::shared_ptr<const engine::SourceData>;

/// A process-wide cache of loaded datasets, keyed by the spec and the folder that resolves its
/// relative paths. Thread-safe. acquire() blocks its (non-GUI) caller until the data is there:
/// when another thread is loading the same key it waits for that load instead of starting a
/// second one, which is how training reuses what the dataset panel is loading or has loaded.
class DatasetCache {
public:
    /// Keeps this many finished datasets (Fashion-MNIST takes ~220 MB as floats).
    static constexpr int kCapacity = 1;

    /// The data of `spec`, loaded by this call or by an earlier/concurrent one. Throws what
    /// engine::loadDatasetParts throws; engine::LoadCancelled when `monitor.cancel` is set.
    /// A load cancelled by another caller is retried here. Never call on the GUI thread.
    static SharedSourceData acquire(const engine::DatasetSpec& spec, const QString& projectDir,
        const engine::LoadMonitor& monitor = {});
    /// The finished data of `spec` if cached, else null. Never blocks on a load.
    static SharedSourceData cached(const engine::DatasetSpec& spec, const QString& projectDir);
    static void clear();
    /// The cache key: the spec's JSON and the folder (empty for generators, which read no file).
    static QString key(const engine::DatasetSpec& spec, const QString& projectDir);
};

/// The result of a background load, delivered by queued signal as a value.
struct LoadedDataset {
    QString key; ///< DatasetCache::key() of what was loaded
    engine::DatasetSpec spec;
    SharedSourceData parts; ///< never null in DatasetLoader::loaded()
};

/// Loads datasets on a background thread, one request at a time, with progress and cancel.
///
/// load() starts a load (cancelling a running one: its result is dropped); progress() reports
/// the engine's stages; exactly one of loaded(), failed() or cancelled() ends each request,
/// always on the GUI thread. The object lives on the GUI thread; the destructor cancels and
/// joins the thread (which waits at most for the engine's current stage).
class DatasetLoader : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoader(QObject* parent = nullptr);
    ~DatasetLoader() override;

    void load(const engine::DatasetSpec& spec, const QString& projectDir);
    /// Drops the running request (if any) and emits cancelled().
    void cancel();
    bool isLoading() const { return m_active; }

    /// Where an example opened from the resources keeps its data files: a file dataset with a
    /// relative path (iris.csv beside iris.json) is copied from `resourceDir` (":/examples")
    /// into a writable folder and the spec's path made absolute. Returns "" or an error.
    static QString extractExampleData(engine::DatasetSpec& spec, const QString& resourceDir);

signals:
    void started();
    void progress(double fraction, const QString& stage);
    void loaded(const widgets::LoadedDataset& result);
    /// The message names the file and the place (or how to install Fashion-MNIST).
    void failed(const QString& message);
    void cancelled();

private:
    QList<QThread*> m_threads; ///< running loads, the current one last (cancelled ones finish)
    std::shared_ptr<std::atomic<bool>> m_cancel; ///< the current request's
    int m_request = 0; ///< results of other requests are dropped
    bool m_active = false;
};

} // namespace widgets

Q_DECLARE_METATYPE(widgets::LoadedDataset)

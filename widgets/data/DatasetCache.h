#pragma once

#include "data/DatasetLoading.h"

#include <QString>

#include <memory>

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
    /// engine::loadDatasetParts throws; engine::LoadCancelled when `monitor.cancel` is set;
    /// engine::PathNotAllowed for a file outside what PathConsent::policy() lets projects read.
    /// A load cancelled by another caller is retried here. Never call on the GUI thread.
    static SharedSourceData acquire(const engine::DatasetSpec& spec, const QString& projectDir,
        const engine::LoadMonitor& monitor = {});
    /// The finished data of `spec` if cached, else null. Never blocks on a load.
    static SharedSourceData cached(const engine::DatasetSpec& spec, const QString& projectDir);
    static void clear();
    /// The cache key: the spec's JSON and the folder (empty for generators, which read no file).
    static QString key(const engine::DatasetSpec& spec, const QString& projectDir);
};

} // namespace widgets

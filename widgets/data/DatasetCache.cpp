#include "data/DatasetCache.h"

#include "core/Errors.h"
#include "data/DatasetLoading.h"
#include "data/PathConsent.h"

#include <QFile>

#include <cstdint>
#include <future>
#include <list>
#include <mutex>

namespace widgets {

namespace {

struct CacheEntry {
    QString key;
    std::uint64_t id; ///< tells one load of a key from a later one
    std::shared_future<SharedSourceData> data;
};

std::uint64_t g_nextId = 1;

std::mutex g_cacheMutex;
std::list<CacheEntry> g_cache; ///< newest first

bool isReady(const std::shared_future<SharedSourceData>& f)
{
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

void eraseEntry(std::uint64_t id)
{
    std::lock_guard lock(g_cacheMutex);
    g_cache.remove_if([&](const CacheEntry& e) { return e.id == id; });
}

/// Drops finished entries beyond the capacity; loads in flight stay (someone waits for them).
void trimCache()
{
    std::lock_guard lock(g_cacheMutex);
    int finished = 0;
    for (auto it = g_cache.begin(); it != g_cache.end();) {
        if (isReady(it->data) && ++finished > DatasetCache::kCapacity)
            it = g_cache.erase(it);
        else
            ++it;
    }
}

} // namespace

QString DatasetCache::key(const engine::DatasetSpec& spec, const QString& projectDir)
{
    const QString dir = spec.source == "generator" ? QString() : projectDir;
    return QString::fromStdString(spec.toJson().dump()) + QLatin1Char('\n') + dir;
}

SharedSourceData DatasetCache::cached(const engine::DatasetSpec& spec, const QString& projectDir)
{
    const QString k = key(spec, projectDir);
    std::lock_guard lock(g_cacheMutex);
    for (const CacheEntry& e : g_cache) {
        if (e.key == k && isReady(e.data)) {
            try {
                return e.data.get();
            } catch (...) {
                return nullptr;
            }
        }
    }
    return nullptr;
}

void DatasetCache::clear()
{
    std::lock_guard lock(g_cacheMutex);
    g_cache.clear();
}

SharedSourceData DatasetCache::acquire(
    const engine::DatasetSpec& spec, const QString& projectDir, const engine::LoadMonitor& monitor)
{
    const QString k = key(spec, projectDir);
    while (true) {
        std::shared_future<SharedSourceData> pending;
        std::uint64_t id = 0;
        std::promise<SharedSourceData> promise;
        {
            std::lock_guard lock(g_cacheMutex);
            for (auto it = g_cache.begin(); it != g_cache.end(); ++it) {
                if (it->key == k) {
                    pending = it->data;
                    id = it->id;
                    g_cache.splice(g_cache.begin(), g_cache, it); // most recently used first
                    break;
                }
            }
            if (!pending.valid()) {
                id = g_nextId++;
                g_cache.push_front({k, id, promise.get_future().share()});
            }
        }
        if (pending.valid()) {
            try {
                return pending.get();
            } catch (const engine::LoadCancelled&) {
                // Someone else's load was cancelled; load it ourselves unless we are too.
                eraseEntry(id);
                if (monitor.cancel && monitor.cancel->load())
                    throw;
                continue;
            } catch (...) {
                eraseEntry(id); // a later request tries again (e.g. after installing)
                throw;
            }
        }
        const std::filesystem::path dir(
            projectDir.isEmpty() ? std::string(".") : QFile::encodeName(projectDir).toStdString());
        try {
            auto data = std::make_shared<const engine::SourceData>(
                engine::loadDatasetParts(spec, dir, monitor, PathConsent::policy()));
            promise.set_value(data);
            trimCache();
            return data;
        } catch (...) {
            promise.set_exception(std::current_exception());
            eraseEntry(id);
            throw;
        }
    }
}

} // namespace widgets

#include "data/DatasetLoader.h"

#include "core/Errors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

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
            // The window does not yet ask before reading outside the project's folder (issue
            // 20); until it does, it reads what the project names, as before.
            auto data = std::make_shared<const engine::SourceData>(
                engine::loadDatasetParts(spec, dir, monitor, engine::PathPolicy::unrestricted()));
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

// --- DatasetLoader ------------------------------------------------------------------------------

DatasetLoader::DatasetLoader(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<widgets::LoadedDataset>();
}

DatasetLoader::~DatasetLoader()
{
    ++m_request;
    if (m_cancel)
        m_cancel->store(true); // the thread stops at the engine's next stage
    for (QThread* t : std::as_const(m_threads)) {
        t->disconnect(this);
        t->wait();
        delete t;
    }
}

void DatasetLoader::load(const engine::DatasetSpec& spec, const QString& projectDir)
{
    if (m_active)
        cancel();
    const int request = ++m_request;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_active = true;
    auto cancelFlag = m_cancel;
    // The lambdas below run on the loading thread; `this` outlives it (the destructor joins), and
    // every result is handed to the GUI thread by a queued call that drops stale requests.
    QThread* thread = QThread::create([this, spec, projectDir, request, cancelFlag] {
        engine::LoadMonitor monitor;
        monitor.cancel = cancelFlag.get();
        monitor.progress = [this, request](double fraction, const std::string& stage) {
            const QString text = QString::fromStdString(stage);
            QMetaObject::invokeMethod(
                this,
                [this, request, fraction, text] {
                    if (request == m_request && m_active)
                        emit progress(fraction, text);
                },
                Qt::QueuedConnection);
        };
        try {
            LoadedDataset result;
            result.key = DatasetCache::key(spec, projectDir);
            result.spec = spec;
            result.parts = DatasetCache::acquire(spec, projectDir, monitor);
            QMetaObject::invokeMethod(
                this,
                [this, request, result] {
                    if (request != m_request || !m_active)
                        return;
                    m_active = false;
                    emit loaded(result);
                },
                Qt::QueuedConnection);
        } catch (const engine::LoadCancelled&) {
            // cancel() has already told the GUI.
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            QMetaObject::invokeMethod(
                this,
                [this, request, message] {
                    if (request != m_request || !m_active)
                        return;
                    m_active = false;
                    emit failed(message);
                },
                Qt::QueuedConnection);
        }
    });
    m_threads.push_back(thread);
    connect(thread, &QThread::finished, this, [this, thread] {
        m_threads.removeOne(thread);
        thread->deleteLater();
    });
    emit started();
    thread->start(QThread::LowPriority);
}

void DatasetLoader::cancel()
{
    if (!m_active)
        return;
    m_active = false;
    if (m_cancel)
        m_cancel->store(true);
    ++m_request;
    emit cancelled();
}

QString DatasetLoader::extractExampleData(engine::DatasetSpec& spec, const QString& resourceDir)
{
    if (spec.source != "csv" && spec.source != "idx" && spec.source != "timeseries")
        return {};
    const QString target
        = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/examples";
    const auto extract = [&](std::string& path) -> QString {
        if (path.empty() || QFileInfo(QString::fromStdString(path)).isAbsolute())
            return {};
        const QString name = QString::fromStdString(path);
        const QString source = resourceDir + QLatin1Char('/') + name;
        if (!QFile::exists(source))
            return {};
        if (!QDir().mkpath(target))
            return QObject::tr("%1: cannot create the folder for the example's data").arg(target);
        const QString dest = target + QLatin1Char('/') + name;
        QFile::remove(dest);
        if (!QFile::copy(source, dest))
            return QObject::tr("%1: cannot write the example's data").arg(dest);
        QFile::setPermissions(
            dest, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        path = QFile::encodeName(dest).toStdString();
        return {};
    };
    if (QString e = extract(spec.path); !e.isEmpty())
        return e;
    for (const char* key : {"labels", "testImages", "testLabels"}) {
        auto it = spec.options.find(key);
        if (it == spec.options.end() || !it->is_string())
            continue;
        std::string p = it->get<std::string>();
        if (QString e = extract(p); !e.isEmpty())
            return e;
        *it = p;
    }
    return {};
}

} // namespace widgets

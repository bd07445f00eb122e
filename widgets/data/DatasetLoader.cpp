#include "data/DatasetLoader.h"

#include "core/Errors.h"
#include "core/PathPolicy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

namespace widgets {

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
        } catch (const engine::PathNotAllowed& e) {
            const QString path = QFile::decodeName(e.path().string().c_str());
            const QString message = QString::fromStdString(e.what());
            QMetaObject::invokeMethod(
                this,
                [this, request, path, message] {
                    if (request != m_request || !m_active)
                        return;
                    m_active = false;
                    emit pathNotAllowed(path, message);
                },
                Qt::QueuedConnection);
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

QString DatasetLoader::exampleDataFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
        + QStringLiteral("/examples");
}

QString DatasetLoader::extractExampleData(engine::DatasetSpec& spec, const QString& resourceDir)
{
    if (spec.source != "csv" && spec.source != "idx" && spec.source != "timeseries")
        return {};
    const QString target = exampleDataFolder();
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

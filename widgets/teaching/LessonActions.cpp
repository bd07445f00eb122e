#include "teaching/LessonActions.h"

#include "data/DatasetActions.h"
#include "document/GraphDocument.h"
#include "project/Lesson.h"
#include "teaching/LessonHost.h"
#include "teaching/LessonPanel.h"
#include "teaching/PresentationMode.h"
#include "teaching/SaveLessonDialog.h"
#include "teaching/WelcomePage.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QSaveFile>
#include <QTimer>

#include <algorithm>

namespace widgets {

namespace {

struct ResourceInfo {
    QString title;
    QString description;
};

ResourceInfo readInfo(const QString& path)
{
    ResourceInfo info {QFileInfo(path).completeBaseName(), {}};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return info;
    const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!j.is_object())
        return info;
    if (j.contains("lesson") && j["lesson"].is_object() && j["lesson"].value("title", "") != "")
        info.title = QString::fromStdString(j["lesson"]["title"].get<std::string>());
    else if (j.value("name", "") != "")
        info.title = QString::fromStdString(j["name"].get<std::string>());
    info.description = QString::fromStdString(j.value("description", ""));
    return info;
}

} // namespace

LessonActions::LessonActions(GraphDocument* document, LessonHost* host, QMainWindow* window)
    : QObject(window)
    , m_doc(document)
    , m_host(host)
    , m_window(window)
{
    m_lessonPanel = new LessonPanel;
    m_lessonDock = new QDockWidget(tr("Lesson"), window);
    m_lessonDock->setObjectName(QStringLiteral("LessonDock"));
    m_lessonDock->setWidget(m_lessonPanel);
    connect(m_lessonPanel, &LessonPanel::variantRequested, this, [this](const QString& id) {
        const QString error = openLessonVariant(id);
        if (!error.isEmpty())
            m_host->showError(tr("Cannot open the lesson's network"), error);
    });
    connect(m_doc, &GraphDocument::reset, m_lessonPanel, [this] { applyLocksLater(); });
    createMenu();
    createPresentation();
    createWelcomePage();
}

void LessonActions::createMenu()
{
    m_saveAsLesson = new QAction(tr("Save as &Lesson…"), m_window);
    m_saveAsLesson->setObjectName(QStringLiteral("SaveAsLessonAction"));
    m_saveAsLesson->setStatusTip(
        tr("Save the project as a lesson: text, steps and checks for students"));
    connect(m_saveAsLesson, &QAction::triggered, this, &LessonActions::saveAsLessonInteractive);

    m_lessonsMenu = new QMenu(tr("&Lessons"), m_window);
    m_lessonsMenu->setObjectName(QStringLiteral("LessonsMenu"));
    for (const QString& path : lessonResources()) {
        const ResourceInfo info = readInfo(path);
        QAction* a = m_lessonsMenu->addAction(info.title);
        a->setStatusTip(info.description);
        connect(a, &QAction::triggered, this, [this, path] {
            if (!m_host->maybeSave())
                return;
            const QString error = openLesson(path);
            if (!error.isEmpty())
                m_host->showError(tr("Cannot open lesson"), error);
        });
    }
    m_lessonsMenu->addSeparator();
    m_lessonsMenu->addAction(m_lessonDock->toggleViewAction());
}

void LessonActions::createPresentation()
{
    m_presentation = new PresentationMode(m_window);
    m_presentationAction = new QAction(tr("&Presentation Mode"), m_window);
    m_presentationAction->setObjectName(QStringLiteral("PresentationModeAction"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_presentationAction->setStatusTip(
        tr("Canvas, plots and lesson large for a projector; the other docks tucked away"));
    connect(m_presentationAction, &QAction::toggled, m_presentation, &PresentationMode::setActive);
    // --presentation and tests switch the mode directly; the menu must still show it.
    connect(m_presentation, &PresentationMode::activeChanged, m_presentationAction,
        &QAction::setChecked);
    m_fullScreen = new QAction(tr("&Full Screen"), m_window);
    m_fullScreen->setObjectName(QStringLiteral("FullScreenAction"));
    m_fullScreen->setCheckable(true);
    m_fullScreen->setShortcut(QKeySequence(Qt::Key_F11));
    connect(m_fullScreen, &QAction::toggled, this, [this](bool on) {
        if (on)
            m_window->showFullScreen();
        else
            m_window->showNormal();
    });
}

void LessonActions::createWelcomePage()
{
    m_welcome = new WelcomePage;
    m_welcome->hide();
    connect(m_welcome, &WelcomePage::lessonRequested, this, [this](const QString& p) {
        const QString error = openLesson(p);
        if (!error.isEmpty())
            m_host->showError(tr("Cannot open lesson"), error);
    });
}

void LessonActions::applyLocksLater()
{
    QTimer::singleShot(0, m_lessonPanel, &LessonPanel::applyLocks);
}

QStringList LessonActions::lessonResources()
{
    QStringList paths;
    const QDir dir(QStringLiteral(":/lessons"));
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
        if (engine::isLessonJson(j))
            paths << dir.filePath(name);
    }
    // Lessons are numbered in their titles ("1. The perceptron ..."): list them in that order.
    std::sort(paths.begin(), paths.end(), [](const QString& a, const QString& b) {
        return readInfo(a).title.section(QLatin1Char('.'), 0, 0).toInt()
            < readInfo(b).title.section(QLatin1Char('.'), 0, 0).toInt();
    });
    return paths;
}

void LessonActions::showWelcomePage(const QStringList& examples, const QStringList& recentFiles)
{
    std::vector<WelcomePage::Entry> lessons, exampleEntries;
    for (const QString& p : lessonResources()) {
        const ResourceInfo info = readInfo(p);
        lessons.push_back({p, info.title, info.description});
    }
    for (const QString& p : examples) {
        const ResourceInfo info = readInfo(p);
        exampleEntries.push_back({p, info.title, info.description});
    }
    m_welcome->setLessons(lessons);
    m_welcome->setExamples(exampleEntries);
    m_welcome->setRecentFiles(recentFiles);
    if (QWidget* host = m_welcome->parentWidget())
        m_welcome->setGeometry(host->rect());
    m_welcome->show();
    m_welcome->raise();
}

void LessonActions::hideWelcomePage()
{
    m_welcome->hide();
}

void LessonActions::showLesson(const engine::LessonFile& lesson, const QString& baseDir)
{
    m_lessonPanel->setLesson(lesson, baseDir);
    m_lessonDock->show();
    m_lessonDock->raise();
    hideWelcomePage();
}

QString LessonActions::projectOpened(const engine::Project& project, const QString& baseDir)
{
    if (!project.extra.contains("lesson")) {
        closeLesson();
        return {};
    }
    engine::LessonFile lesson;
    try {
        lesson = engine::LessonFile::fromJson(project.toJson());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    showLesson(lesson, baseDir);
    return {};
}

void LessonActions::closeLesson()
{
    hideWelcomePage();
    if (m_lessonPanel->hasLesson()) {
        m_lessonPanel->clear();
        m_lessonDock->hide();
    }
}

QString LessonActions::openLesson(const QString& path)
{
    if (!path.startsWith(QLatin1Char(':'))) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
            if (j.is_object() && !engine::isLessonJson(j))
                return tr("%1: not a lesson (a lesson file has a \"lesson\" object)")
                    .arg(QDir::toNativeSeparators(path));
        }
        return m_host->openFile(path);
    }
    const QString fileName = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return tr("%1: no such lesson").arg(fileName);
    engine::LessonFile lesson;
    try {
        lesson = engine::LessonFile::fromJson(nlohmann::json::parse(file.readAll().toStdString()));
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(fileName, QString::fromUtf8(e.what()));
    }
    engine::Project project = lesson.project;
    project.extra["lesson"] = lesson.lesson.toJson();
    DatasetActions::prepareExample(project.dataset, QFileInfo(path).path());
    const QString title = QString::fromStdString(lesson.lesson.title);
    m_host->openUntitledProject(std::move(project), path,
        QString::fromStdString(
            lesson.project.name.empty() ? lesson.lesson.title : lesson.project.name),
        title, {});
    showLesson(lesson, QFileInfo(path).path());
    return {};
}

QString LessonActions::openLessonVariant(const QString& id)
{
    if (!m_lessonPanel->hasLesson())
        return tr("No lesson is open.");
    engine::Project project;
    QString error;
    if (!m_lessonPanel->loadVariant(id, project, error))
        return error;
    if (id.isEmpty())
        project.extra["lesson"] = m_lessonPanel->lesson().toJson();
    DatasetActions::prepareExample(project.dataset, m_lessonPanel->baseDir());
    // Another network, even if only its learning rate differs: Train must not continue the
    // interrupted run of the previous one (its weights, its epochs, its variant's checks), and
    // the training panel reloads its live editors only when no trainer runs. The variants of
    // a lesson share the loss plot's runs. A lesson from a folder keeps its folder for relative
    // data paths; the file itself stays unnamed so that Save never overwrites the lesson with a
    // variant.
    const QString title = m_lessonPanel->variantTitle(id);
    const QString dir = m_lessonPanel->baseDir().startsWith(QLatin1Char(':'))
        ? QString()
        : m_lessonPanel->baseDir();
    m_host->openUntitledProject(std::move(project), m_host->projectKey(), title, title, dir);
    m_lessonPanel->setCurrentVariant(id);
    return {};
}

QString LessonActions::saveAsLesson(const QString& path, const engine::Lesson& lesson)
{
    engine::Project project = m_doc->project();
    project.extra["lesson"] = lesson.toJson();
    nlohmann::json j;
    try {
        // Round trip through the parser: what is written is what loads.
        j = engine::LessonFile::fromJson(project.toJson()).toJson();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    const std::string text = j.dump(2) + "\n";
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit())
        return tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return m_host->openFile(path);
}

void LessonActions::saveAsLessonInteractive()
{
    const engine::Lesson initial
        = m_lessonPanel->hasLesson() ? m_lessonPanel->lesson() : engine::Lesson {};
    SaveLessonDialog dialog(m_doc->project(), initial, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString current = m_host->filePath();
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save as Lesson"),
        current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath(),
        tr("NetCanvas lessons (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = saveAsLesson(path, dialog.lesson());
    if (!error.isEmpty())
        m_host->showError(tr("Cannot save lesson"), error);
    else
        emit statusMessage(tr("Saved lesson %1").arg(QFileInfo(path).fileName()), 4000);
}

} // namespace widgets

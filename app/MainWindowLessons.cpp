// MainWindow's lessons, welcome page and presentation mode, apart from the rest of the window so
// that the shared MainWindow.cpp only calls in here.

#include "MainWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "data/DatasetActions.h"
#include "inspector/Inspector.h"
#include "plots/TrainingPanel.h"
#include "project/Lesson.h"
#include "teaching/LessonPanel.h"
#include "teaching/PresentationMode.h"
#include "teaching/SaveLessonDialog.h"
#include "teaching/WelcomePage.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QSaveFile>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

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

QStringList MainWindow::lessonResources()
{
    exampleResources(); // registers the resources
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

void MainWindow::createLessons(QMenu* fileMenu, QMenu* viewMenu)
{
    m_lessonPanel = new widgets::LessonPanel;
    m_lessonPanel->setTrainingController(m_training->controller());
    m_lessonPanel->setInspector(m_inspector);
    m_lessonPanel->setTrainingPanel(m_training);
    m_lessonDock = new QDockWidget(tr("Lesson"), this);
    m_lessonDock->setObjectName(QStringLiteral("LessonDock"));
    m_lessonDock->setWidget(m_lessonPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
    if (m_inspectorDock)
        tabifyDockWidget(m_inspectorDock, m_lessonDock);
    m_lessonDock->hide();
    // Hiding the lesson tab would otherwise leave Step Through in front of the Inspector.
    if (m_inspectorDock)
        m_inspectorDock->raise();
    connect(
        m_lessonPanel, &widgets::LessonPanel::variantRequested, this, [this](const QString& id) {
            const QString error = openLessonVariant(id);
            if (!error.isEmpty())
                showError(tr("Cannot open the lesson's network"), error);
        });
    // The inspector rebuilds its editors when the selection changes: lock them again after it.
    connect(m_scene, &widgets::CanvasScene::selectionChangedIds, m_lessonPanel,
        [this] { QTimer::singleShot(0, m_lessonPanel, &widgets::LessonPanel::applyLocks); });
    connect(m_doc, &widgets::GraphDocument::reset, m_lessonPanel,
        [this] { QTimer::singleShot(0, m_lessonPanel, &widgets::LessonPanel::applyLocks); });

    // File > Save as Lesson…, right after Save As.
    auto* saveLesson = new QAction(tr("Save as &Lesson…"), this);
    saveLesson->setObjectName(QStringLiteral("SaveAsLessonAction"));
    saveLesson->setStatusTip(
        tr("Save the project as a lesson: text, steps and checks for students"));
    connect(saveLesson, &QAction::triggered, this, &MainWindow::saveAsLessonInteractive);
    const QList<QAction*> fileActions = fileMenu->actions();
    const int at = int(fileActions.indexOf(m_saveAsAct));
    fileMenu->insertAction(
        at >= 0 && at + 1 < fileActions.size() ? fileActions[at + 1] : nullptr, saveLesson);

    m_lessonsMenu = menuBar()->addMenu(tr("&Lessons"));
    m_lessonsMenu->setObjectName(QStringLiteral("LessonsMenu"));
    for (const QString& path : lessonResources()) {
        const ResourceInfo info = readInfo(path);
        QAction* a = m_lessonsMenu->addAction(info.title);
        a->setStatusTip(info.description);
        connect(a, &QAction::triggered, this, [this, path] {
            if (!maybeSave())
                return;
            const QString error = openLesson(path);
            if (!error.isEmpty())
                showError(tr("Cannot open lesson"), error);
        });
    }
    m_lessonsMenu->addSeparator();
    m_lessonsMenu->addAction(m_lessonDock->toggleViewAction());

    m_presentation = new widgets::PresentationMode(this);
    m_presentation->setDocks(m_trainingDock, m_lessonDock);
    viewMenu->addSeparator();
    QAction* presentation = viewMenu->addAction(tr("&Presentation Mode"));
    presentation->setObjectName(QStringLiteral("PresentationModeAction"));
    presentation->setCheckable(true);
    presentation->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    presentation->setStatusTip(
        tr("Canvas, plots and lesson large for a projector; the other docks tucked away"));
    connect(presentation, &QAction::toggled, m_presentation, &widgets::PresentationMode::setActive);
    // --presentation and tests switch the mode directly; the menu must still show it.
    connect(m_presentation, &widgets::PresentationMode::activeChanged, presentation,
        &QAction::setChecked);
    QAction* fullScreen = viewMenu->addAction(tr("&Full Screen"));
    fullScreen->setObjectName(QStringLiteral("FullScreenAction"));
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(QKeySequence(Qt::Key_F11));
    connect(fullScreen, &QAction::toggled, this, [this](bool on) {
        if (on)
            showFullScreen();
        else
            showNormal();
    });

    m_welcome = new widgets::WelcomePage;
    m_welcome->attachTo(m_view);
    m_welcome->hide();
    connect(m_welcome, &widgets::WelcomePage::newProjectRequested, this, [this] {
        newDocument();
        hideWelcomePage();
    });
    connect(m_welcome, &widgets::WelcomePage::openRequested, this, &MainWindow::open);
    connect(m_welcome, &widgets::WelcomePage::recentRequested, this, &MainWindow::openRecent);
    connect(m_welcome, &widgets::WelcomePage::exampleRequested, this, [this](const QString& p) {
        const QString error = openExample(p);
        if (!error.isEmpty())
            showError(tr("Cannot open example"), error);
    });
    connect(m_welcome, &widgets::WelcomePage::lessonRequested, this, [this](const QString& p) {
        const QString error = openLesson(p);
        if (!error.isEmpty())
            showError(tr("Cannot open lesson"), error);
    });
}

void MainWindow::showWelcomePage()
{
    std::vector<widgets::WelcomePage::Entry> lessons, examples;
    for (const QString& p : lessonResources()) {
        const ResourceInfo info = readInfo(p);
        lessons.push_back({p, info.title, info.description});
    }
    for (const QString& p : exampleResources()) {
        const ResourceInfo info = readInfo(p);
        examples.push_back({p, info.title, info.description});
    }
    m_welcome->setLessons(lessons);
    m_welcome->setExamples(examples);
    m_welcome->setRecentFiles(recentFiles());
    m_welcome->setGeometry(m_view->rect());
    m_welcome->show();
    m_welcome->raise();
}

void MainWindow::hideWelcomePage()
{
    if (m_welcome)
        m_welcome->hide();
}

QString MainWindow::lessonProjectOpened(const engine::Project& project, const QString& baseDir)
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
    m_lessonPanel->setLesson(lesson, baseDir);
    m_lessonDock->show();
    m_lessonDock->raise();
    hideWelcomePage();
    return {};
}

void MainWindow::closeLesson()
{
    if (!m_lessonPanel)
        return;
    hideWelcomePage();
    if (m_lessonPanel->hasLesson()) {
        m_lessonPanel->clear();
        m_lessonDock->hide();
    }
}

QString MainWindow::openLesson(const QString& path)
{
    if (!path.startsWith(QLatin1Char(':'))) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
            if (j.is_object() && !engine::isLessonJson(j))
                return tr("%1: not a lesson (a lesson file has a \"lesson\" object)")
                    .arg(QDir::toNativeSeparators(path));
        }
        return openFile(path);
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
    widgets::DatasetActions::prepareExample(project.dataset, QFileInfo(path).path());
    openInTrainingPanel(
        path, QString::fromStdString(project.name.empty() ? lesson.lesson.title : project.name));
    m_doc->load(std::move(project));
    m_undo->clear();
    m_untitledName = QString::fromStdString(lesson.lesson.title);
    setCurrentFile({});
    m_lessonPanel->setLesson(lesson, QFileInfo(path).path());
    m_lessonDock->show();
    m_lessonDock->raise();
    hideWelcomePage();
    m_dataActions->projectOpened();
    fitLater();
    return {};
}

QString MainWindow::openLessonVariant(const QString& id)
{
    if (!m_lessonPanel->hasLesson())
        return tr("No lesson is open.");
    engine::Project project;
    QString error;
    if (!m_lessonPanel->loadVariant(id, project, error))
        return error;
    if (id.isEmpty())
        project.extra["lesson"] = m_lessonPanel->lesson().toJson();
    widgets::DatasetActions::prepareExample(project.dataset, m_lessonPanel->baseDir());
    // Another network, even if only its learning rate differs: Train must not continue the
    // interrupted run of the previous one (its weights, its epochs, its variant's checks), and
    // the training panel reloads its live editors only when no trainer runs. The variants of
    // a lesson share the loss plot's runs.
    openInTrainingPanel(m_projectKey, m_lessonPanel->variantTitle(id));
    m_doc->load(std::move(project));
    m_undo->clear();
    m_untitledName = m_lessonPanel->variantTitle(id);
    // A lesson from a folder keeps its folder for relative data paths; the file itself stays
    // unnamed so that Save never overwrites the lesson with a variant.
    setCurrentFile({});
    if (!m_lessonPanel->baseDir().startsWith(QLatin1Char(':')))
        m_training->setProjectDirectory(m_lessonPanel->baseDir());
    m_lessonPanel->setCurrentVariant(id);
    m_dataActions->projectOpened();
    fitLater();
    return {};
}

QString MainWindow::saveAsLesson(const QString& path, const engine::Lesson& lesson)
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
    return openFile(path);
}

void MainWindow::saveAsLessonInteractive()
{
    const engine::Lesson initial
        = m_lessonPanel->hasLesson() ? m_lessonPanel->lesson() : engine::Lesson {};
    widgets::SaveLessonDialog dialog(m_doc->project(), initial, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save as Lesson"),
        m_filePath.isEmpty() ? QDir::homePath() : QFileInfo(m_filePath).absolutePath(),
        tr("NetCanvas lessons (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = saveAsLesson(path, dialog.lesson());
    if (!error.isEmpty())
        showError(tr("Cannot save lesson"), error);
    else
        statusBar()->showMessage(tr("Saved lesson %1").arg(QFileInfo(path).fileName()), 4000);
}

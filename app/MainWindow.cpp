#include "MainWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/CommandPalette.h"
#include "canvas/FindBar.h"
#include "canvas/LayerPalette.h"
#include "canvas/Minimap.h"
#include "canvas/NeuronOverlay.h"
#include "canvas/NodeThumbnails.h"
#include "canvas/UnrolledOverlay.h"
#include "common/FontSizing.h"
#include "core/Errors.h"
#include "core/Parallel.h"
#include "data/DatasetActions.h"
#include "document/Autosave.h"
#include "document/RecoveryStore.h"
#include "export/ExportActions.h"
#include "import/OnnxImport.h"
#include "inspector/Inspector.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/PlotTheme.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "sweep/SweepDialog.h"
#include "teaching/LessonActions.h"
#include "teaching/LessonPanel.h"
#include "teaching/PresentationMode.h"
#include "teaching/StepThroughPanel.h"
#include "teaching/WelcomePage.h"
#include "training/ResourceEstimate.h"
#include "training/TrainingController.h"
#include "training/TrainingProgressWidget.h"

#include <nlohmann/json.hpp>

#include <tuple>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScopedValueRollback>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleHints>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

// Q_INIT_RESOURCE must be used outside any namespace; the resources live in a static library,
// which does not register them by itself.
static void initNetCanvasResources()
{
    Q_INIT_RESOURCE(netcanvas);
}

namespace {

QIcon icon(const char* name)
{
    // The bundled icons, not the desktop theme's: one consistent set, also offscreen.
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

QSettings settings()
{
    return QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas"));
}

QString projectFileFilter()
{
    return QObject::tr("NetCanvas projects and ONNX models (*.json *.onnx);;NetCanvas projects "
                       "(*.json);;ONNX models (*.onnx);;All files (*)");
}

bool isOnnxModel(const QString& path)
{
    return QFileInfo(path).suffix().compare(QStringLiteral("onnx"), Qt::CaseInsensitive) == 0;
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_doc(new widgets::GraphDocument(this))
    , m_undo(new QUndoStack(this))
    , m_scene(new widgets::CanvasScene(m_doc, m_undo, this))
    , m_view(new widgets::CanvasView(m_scene))
{
    initNetCanvasResources();
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(icon("dense"));
    setCentralWidget(m_view);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    createActions();
    createDocks();
    m_export = new widgets::ExportActions(m_doc, m_scene, m_training, this);
    createMenus();

    m_statusSummary = new QLabel;
    m_statusSummary->setObjectName(QStringLiteral("statusSummary"));
    m_statusSummary->setTextFormat(Qt::PlainText);
    // Elided to a width in characters: re-elide when the font changes (presentation mode).
    widgets::followFont(m_statusSummary, [this] { updateStatusSummary(); });
    m_zoomLabel = new QLabel(QStringLiteral("100 %"));
    m_zoomLabel->setToolTip(tr("Zoom (Ctrl+wheel on the canvas)"));
    statusBar()->addPermanentWidget(m_training->createProgressWidget(this));
    statusBar()->addPermanentWidget(m_statusSummary);
    statusBar()->addPermanentWidget(m_zoomLabel);

    connect(
        m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { setWindowModified(!clean); });
    connect(
        m_doc, &widgets::GraphDocument::validationChanged, this, &MainWindow::updateStatusSummary);
    connect(m_doc, &widgets::GraphDocument::reset, this, &MainWindow::updateStatusSummary);
    // Batch size and optimizer change the training memory.
    connect(
        m_doc, &widgets::GraphDocument::settingsChanged, this, &MainWindow::updateStatusSummary);
    connect(m_scene, &widgets::CanvasScene::statusMessage, this,
        [this](const QString& message, int timeoutMs) {
            statusBar()->showMessage(message, timeoutMs);
        });
    connect(m_export, &widgets::ExportActions::statusMessage, this,
        [this](const QString& message, int timeoutMs) {
            statusBar()->showMessage(message, timeoutMs);
        });
    connect(m_scene, &widgets::CanvasScene::selectionChangedIds, m_inspector,
        &widgets::Inspector::setSelection);
    connect(
        m_scene, &widgets::CanvasScene::blockSelected, m_inspector, &widgets::Inspector::showBlock);
    connect(m_view, &widgets::CanvasView::zoomChanged, this, [this](double zoom) {
        m_zoomLabel->setText(QStringLiteral("%1 %").arg(qRound(zoom * 100)));
    });
    connect(m_palette, &widgets::LayerPalette::entryActivated, this,
        [this](const QString& type, const QString& attributes) {
            nlohmann::json attrs = nlohmann::json::parse(attributes.toStdString(), nullptr, false);
            if (!attrs.is_object())
                attrs = nlohmann::json::object();
            if (m_scene->addConnectedAfter(type, attrs) >= 0)
                m_view->setFocus();
        });

    readSettings();
    openStartNetwork();
    createAutosave();
}

MainWindow::~MainWindow()
{
    // QObject deletes children in creation order, which would destroy the document before the
    // scene that observes it.
    m_view->setScene(nullptr);
    delete m_scene;
}

// --- file operations (no dialogs) ------------------------------------------------------------

QString MainWindow::openFile(const QString& path)
{
    if (isOnnxModel(path))
        return importOnnxModel(path);
    engine::Project project;
    try {
        project = engine::loadProject(QFile::encodeName(path).toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    if (const QString error = m_lessons->projectOpened(project, QFileInfo(path).absolutePath());
        !error.isEmpty())
        return QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), error);
    // Another network: Train must start it afresh, not continue a stopped run of the old one,
    // and nothing of the old one stays on screen.
    const QString filePath = QFileInfo(path).absoluteFilePath();
    openInTrainingPanel(filePath,
        project.name.empty() ? QFileInfo(path).completeBaseName()
                             : QString::fromStdString(project.name));
    // Before the load: a trained project's data views load its data on the document's reset,
    // relative to this file's folder (not the previous project's).
    setProjectDirectory(QFileInfo(path).absolutePath());
    m_doc->load(std::move(project));
    m_undo->clear();
    setCurrentFile(QFileInfo(path).absoluteFilePath());
    addRecentFile(m_filePath);
    m_dataActions->projectOpened();
    fitLater();
    return {};
}

QString MainWindow::saveToFile(const QString& path)
{
    // A project without a name (File > New) is named after the file it is first saved as, so
    // that exports and the loss plot call it what the user called it.
    if (m_doc->project().name.empty())
        m_doc->setProjectInfo(QFileInfo(path).completeBaseName(),
            QString::fromStdString(m_doc->project().description));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    // The runs of the timeline go with the document (and their checkpoints when asked for).
    const std::string text
        = engine::projectFileText(m_training->projectToSave(m_saveCheckpointsAct->isChecked()));
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit())
        return tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    m_undo->setClean();
    setCurrentFile(QFileInfo(path).absoluteFilePath());
    addRecentFile(m_filePath);
    return {};
}

QString MainWindow::importOnnxModel(const QString& path)
{
    engine::Project project;
    try {
        project = engine::importOnnx(QFile::encodeName(path).toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    // An untitled project named after the model: Save asks where to write the project rather
    // than writing JSON over the .onnx file.
    const QString name = QFileInfo(path).completeBaseName();
    if (project.name.empty())
        project.name = name.toStdString();
    m_lessons->closeLesson();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // The model's folder: a dataset chosen next by a relative path is found beside it.
    openUntitledProject(std::move(project), absolute, name, name, QFileInfo(path).absolutePath());
    // The canvas's own layout (bands that wrap, lanes for skip connections) rather than the
    // engine's single row, which puts a ResNet's 50 cards side by side; not an undo step.
    m_scene->autoLayout();
    m_undo->clear();
    addRecentFile(absolute);
    return {};
}

QString MainWindow::openExample(const QString& resourcePath)
{
    const QString fileName = QFileInfo(resourcePath).fileName();
    QFile file(resourcePath);
    if (!file.open(QIODevice::ReadOnly))
        return tr("%1: no such example").arg(fileName);
    engine::Project project;
    try {
        project = engine::Project::fromJson(nlohmann::json::parse(file.readAll().toStdString()));
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(fileName, QString::fromStdString(e.what()));
    }
    const QString name = project.name.empty() ? QFileInfo(resourcePath).completeBaseName()
                                              : QString::fromStdString(project.name);
    widgets::DatasetActions::prepareExample(project.dataset, QFileInfo(resourcePath).path());
    m_lessons->closeLesson();
    openUntitledProject(std::move(project), resourcePath, name, name, {});
    return {};
}

void MainWindow::openUntitledProject(engine::Project project, const QString& key,
    const QString& runName, const QString& title, const QString& trainingDir)
{
    openInTrainingPanel(key, runName);
    // Before the load, as openFile() does: a file's saved runs are restored on the document's
    // reset with the folder their data is read from.
    setProjectDirectory(trainingDir);
    m_doc->load(std::move(project));
    m_undo->clear();
    m_untitledName = title;
    setCurrentFile({});
    if (!trainingDir.isEmpty())
        setProjectDirectory(trainingDir);
    m_dataActions->projectOpened();
    fitLater();
}

QStringList MainWindow::exampleResources()
{
    initNetCanvasResources();
    QStringList paths;
    const QDir dir(QStringLiteral(":/examples"));
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        paths << dir.filePath(name);
    return paths;
}

engine::Project MainWindow::startProject()
{
    // Unnamed: whatever the user builds from it is theirs, named after its file once saved.
    engine::Project p;
    auto node = [](engine::NodeId id, const char* type, const char* name, double x,
                    nlohmann::json attrs) {
        engine::NodeRecord r;
        r.id = id;
        r.type = type;
        r.name = name;
        r.x = x;
        r.y = 0;
        r.attributes = std::move(attrs);
        return r;
    };
    p.nodes = {
        node(1, "Input", "input", 0, {{"shape", nlohmann::json::array()}}),
        node(2, "Dense", "hidden", 240, {{"units", 8}, {"activation", "tanh"}}),
        node(3, "Dense", "output", 480, {{"units", 1}, {"activation", "identity"}}),
        node(4, "Loss", "loss", 720, {{"loss", "binary_crossentropy"}}),
    };
    p.edges = {{1, 0, 2, 0}, {2, 0, 3, 0}, {3, 0, 4, 0}};
    p.dataset.source = "generator";
    p.dataset.generator = "xor";
    return p;
}

void MainWindow::newDocument()
{
    openUntitled(engine::Project {});
}

void MainWindow::openStartNetwork()
{
    openUntitled(startProject());
}

void MainWindow::openUntitled(engine::Project project)
{
    if (m_lessons)
        m_lessons->closeLesson();
    openInTrainingPanel(QStringLiteral("new:%1").arg(++m_newDocuments), {});
    m_doc->load(std::move(project));
    m_undo->clear();
    m_untitledName.clear();
    setCurrentFile({});
    fitLater();
}

// --- menu actions (with dialogs) -------------------------------------------------------------

void MainWindow::newFile()
{
    if (maybeSave())
        newDocument();
}

void MainWindow::open()
{
    if (!maybeSave())
        return;
    const QString dir = m_filePath.isEmpty() ? QString() : QFileInfo(m_filePath).absolutePath();
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Open project"), dir, projectFileFilter());
    if (path.isEmpty())
        return;
    const QString error = openFile(path);
    if (!error.isEmpty())
        showError(tr("Cannot open project"), error);
}

void MainWindow::importOnnxDialog()
{
    if (!maybeSave())
        return;
    const QString dir = m_filePath.isEmpty() ? QString() : QFileInfo(m_filePath).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import ONNX model"), dir, tr("ONNX models (*.onnx);;All files (*)"));
    if (path.isEmpty())
        return;
    const QString error = importOnnxModel(path);
    if (!error.isEmpty())
        showError(tr("Cannot import the model"), error);
}

void MainWindow::openRecent(const QString& path)
{
    if (!maybeSave())
        return;
    const QString error = openFile(path);
    if (error.isEmpty())
        return;
    if (!QFileInfo::exists(path)) {
        QSettings s = settings();
        QStringList files = s.value(QStringLiteral("recentFiles")).toStringList();
        files.removeAll(path);
        s.setValue(QStringLiteral("recentFiles"), files);
        updateRecentMenu();
    }
    showError(tr("Cannot open project"), error);
}

bool MainWindow::save()
{
    if (m_filePath.isEmpty())
        return saveAs();
    const QString error = saveToFile(m_filePath);
    if (!error.isEmpty()) {
        showError(tr("Cannot save project"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_filePath)), 3000);
    return true;
}

bool MainWindow::saveAs()
{
    const QString path = askSaveFileName();
    if (path.isEmpty())
        return false;
    const QString error = saveToFile(path);
    if (!error.isEmpty()) {
        showError(tr("Cannot save project"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_filePath)), 3000);
    return true;
}

QString MainWindow::askSaveFileName()
{
    QString suggestion = m_filePath;
    if (suggestion.isEmpty()) {
        QString base = m_untitledName.isEmpty() ? tr("untitled") : m_untitledName;
        base.replace(QLatin1Char(' '), QLatin1Char('_'));
        suggestion = QDir::home().filePath(base.toLower() + QStringLiteral(".json"));
    }
    QString path
        = QFileDialog::getSaveFileName(this, tr("Save project"), suggestion, projectFileFilter());
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    return path;
}

bool MainWindow::maybeSave()
{
    if (m_undo->isClean())
        return true;
    switch (askToSaveChanges()) {
    case QMessageBox::Save:
        // A run stops first (keeping its session: Train continues it), so that the trained
        // weights are in the document that is saved.
        m_training->controller()->stop();
        return save();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

QMessageBox::StandardButton MainWindow::askToSaveChanges()
{
    const QString name = m_filePath.isEmpty()
        ? (m_untitledName.isEmpty() ? tr("Untitled") : m_untitledName)
        : QFileInfo(m_filePath).fileName();
    return QMessageBox::warning(this, tr("Unsaved changes"),
        tr("“%1” has unsaved changes. Save them before closing?").arg(name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    QMessageBox box(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About NetCanvas"),
        tr("<h3>NetCanvas %1</h3>"
           "<p>A visual neural-network designer: draw a network, train it, watch it learn.</p>"
           "<p><b>Compute back end:</b> %2</p>"
           "<p>Built with Qt %3, Eigen and OpenMP.</p>")
            .arg(QStringLiteral(NETCANVAS_VERSION),
                QString::fromStdString(engine::computeBackendDescription()).toHtmlEscaped(),
                QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Ask while a run goes on (or stays paused): Cancel must leave it as it was. Save stops it
    // first (maybeSave), so that the file gets the trained weights; quitting stops it here.
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_training->controller()->stop();
    writeSettings();
    m_autosave->discard(); // a clean close: nothing to recover next time
    event->accept();
}

// --- autosave and crash recovery (widgets::Autosave, widgets::RecoveryStore) ---------------

void MainWindow::createAutosave()
{
    m_autosave = new widgets::Autosave(m_doc, m_undo, this);
    m_autosave->setProjectSource([this] { return m_training->projectToSave(false).toJson(); });
    m_autosave->setProjectPath(m_filePath);
    // A run's weights are worth keeping the moment it stops.
    widgets::TrainingController* controller = m_training->controller();
    connect(controller, &widgets::TrainingController::weightsWritten, m_autosave,
        &widgets::Autosave::saveNow);
    connect(controller, &widgets::TrainingController::finished, m_autosave,
        &widgets::Autosave::saveNow);
}

bool MainWindow::offerRecovery()
{
    const std::vector<widgets::RecoveryEntry> orphans = widgets::RecoveryStore::orphans();
    if (orphans.empty())
        return false;
    const widgets::RecoveryEntry& entry = orphans.front();
    // Scripts and tests answer with NETCANVAS_RECOVERY=restore|discard.
    const QString answer = qEnvironmentVariable("NETCANVAS_RECOVERY");
    QMessageBox::StandardButton choice = QMessageBox::NoButton;
    if (answer == QLatin1String("restore"))
        choice = QMessageBox::Yes;
    else if (answer == QLatin1String("discard"))
        choice = QMessageBox::Discard;
    if (choice == QMessageBox::NoButton) {
        const QString name = entry.projectName.isEmpty() ? tr("Untitled") : entry.projectName;
        QMessageBox box(QMessageBox::Question, tr("Restore unsaved work"),
            tr("NetCanvas was not closed properly. An autosaved copy of “%1” from %2 was found.")
                .arg(name, QLocale().toString(entry.savedAt, QLocale::ShortFormat)),
            QMessageBox::NoButton, this);
        box.setInformativeText(entry.originalPath.isEmpty()
                ? tr("Restore it? It opens as an unsaved project.")
                : tr("Restore it? It opens unsaved; Save writes it to %1.")
                      .arg(QDir::toNativeSeparators(entry.originalPath)));
        box.addButton(tr("&Restore"), QMessageBox::YesRole);
        QPushButton* discard = box.addButton(tr("&Discard"), QMessageBox::DestructiveRole);
        QPushButton* later = box.addButton(tr("&Later"), QMessageBox::RejectRole);
        box.exec();
        choice = box.clickedButton() == discard ? QMessageBox::Discard
            : box.clickedButton() == later      ? QMessageBox::Cancel
                                                : QMessageBox::Yes;
    }
    if (choice == QMessageBox::Discard)
        QFile::remove(entry.file);
    if (choice != QMessageBox::Yes)
        return false;
    const QString error = restoreRecovery(entry);
    if (!error.isEmpty()) {
        showError(tr("Cannot restore project"), error);
        return false;
    }
    return true;
}

QString MainWindow::restoreRecovery(const widgets::RecoveryEntry& entry)
{
    engine::Project project;
    try {
        project = engine::Project::fromJson(entry.project);
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(
            QDir::toNativeSeparators(entry.file), QString::fromStdString(e.what()));
    }
    const QString name = entry.projectName.isEmpty() ? tr("Recovered") : entry.projectName;
    const QString key = entry.originalPath.isEmpty()
        ? QStringLiteral("recovered:%1").arg(entry.file)
        : entry.originalPath;
    // The recovered project reads its data from beside the file it came from.
    openUntitledProject(std::move(project), key, name, name,
        entry.originalPath.isEmpty() ? QString() : QFileInfo(entry.originalPath).absolutePath());
    if (!entry.originalPath.isEmpty())
        setCurrentFile(entry.originalPath);
    // Not on disk yet: the window is modified (closing asks), and this process keeps its own
    // copy before the crashed one's is removed, so a second crash loses nothing either.
    m_undo->resetClean();
    m_autosave->markChanged();
    m_autosave->saveNow();
    if (!m_autosave->hasUnsavedChanges())
        QFile::remove(entry.file);
    return {};
}

// --- state shown in the window ---------------------------------------------------------------

void MainWindow::openInTrainingPanel(const QString& key, const QString& name)
{
    m_projectKey = key;
    m_sweep->clearForProject();
    m_training->openProject({key, name});
}

void MainWindow::setProjectDirectory(const QString& dir)
{
    // Everything that reads the project's data resolves its paths against the same folder and
    // asks the user for the same folders (a lesson's data beside the lesson file included).
    m_training->setProjectDirectory(dir);
    m_sweep->setProjectDirectory(dir);
    m_stepPanel->setProjectDirectory(dir);
    m_dataActions->setProjectDirectory(dir);
    m_scene->neuronOverlay()->setProjectDirectory(dir);
}

void MainWindow::setCurrentFile(const QString& path)
{
    // Opened or saved: what is in the window is on disk, no copy to recover.
    if (m_autosave)
        m_autosave->discard();
    if (m_autosave)
        m_autosave->setProjectPath(path);
    m_filePath = path;
    m_export->setProjectFile(path);
    setProjectDirectory(path.isEmpty() ? QString() : QFileInfo(path).absolutePath());
    updateTitle();
    setWindowModified(!m_undo->isClean());
}

void MainWindow::updateTitle()
{
    QString name;
    if (!m_filePath.isEmpty())
        name = QFileInfo(m_filePath).fileName();
    else if (!m_untitledName.isEmpty())
        name = m_untitledName;
    else
        name = tr("Untitled");
    setWindowTitle(tr("%1[*] — NetCanvas").arg(name));
    setWindowFilePath(m_filePath);
}

QString MainWindow::costSummary(QString& details) const
{
    // What the design costs before it trains: sums of the engine's per-node costs.
    const engine::GraphCheck& check = m_doc->check();
    const engine::TrainingConfig& training = m_doc->trainingConfig();
    double forwardFlops = 0, trainingFlops = 0, parameterBytes = 0, activationBytes = 0;
    for (const auto& [id, cost] : engine::nodeCosts(check, training.optimizer.type)) {
        forwardFlops += cost.forwardFlops;
        trainingFlops += cost.trainingFlops;
        parameterBytes += cost.parameterBytes;
        activationBytes += cost.activationBytesPerSample;
    }
    const long batch = training.batchSize;
    const double memory
        = engine::estimateTrainingMemory(check, batch, training.optimizer.type).bytes;
    const auto flops = [](double f) { return QString::fromStdString(engine::formatFlops(f)); };
    const auto bytes = [](double b) { return QString::fromStdString(engine::formatBytes(b)); };
    const QString params = QLocale().toString(qlonglong(m_doc->totalParams()));
    details = tr("%1 parameters\n%2 per sample forward, %3 to train (forward and backward)\n"
                 "Training memory at batch %4 with %5: %6\n"
                 "  parameters, gradients and optimizer state: %7\n"
                 "  activations and their gradients: %8 (%9 per sample)")
                  .arg(params, flops(forwardFlops), flops(trainingFlops))
                  .arg(batch)
                  .arg(QString::fromStdString(training.optimizer.type), bytes(memory),
                      bytes(parameterBytes), bytes(activationBytes * double(batch)),
                      bytes(activationBytes));
    return tr("%1 parameters · %2/sample · %3 to train at batch %4")
        .arg(params, flops(forwardFlops), bytes(memory))
        .arg(batch);
}

void MainWindow::updateStatusSummary()
{
    const engine::GraphCheck& check = m_doc->check();
    QString text;
    QString tooltip;
    if (m_doc->nodeCount() == 0) {
        text = tr("Empty network: drag layers from the palette");
    } else if (check.ok()) {
        text = costSummary(tooltip);
        if (m_doc->isReadyToTrain())
            text += m_doc->datasetSpec().hasData() ? tr(" · ready to train")
                                                   : tr(" · choose data to train (Import Dataset)");
    } else {
        QString first = QString::fromStdString(check.errors.front().message);
        if (check.errors.front().node >= 0 && m_doc->hasNode(check.errors.front().node))
            first = QStringLiteral("%1: %2").arg(m_doc->nodeName(check.errors.front().node), first);
        const int n = static_cast<int>(check.errors.size());
        text = (n == 1 ? tr("1 problem: %1") : tr("%1 problems: %2").arg(n)).arg(first);
        tooltip = QString::fromStdString(check.summary());
    }
    // Long engine messages would push the zoom label off the bar: elide, full text on hover.
    const QFontMetrics fm(m_statusSummary->font());
    m_statusSummary->setText(
        fm.elidedText(text, Qt::ElideRight, widgets::charsWidth(m_statusSummary, 90)));
    m_statusSummary->setToolTip(tooltip.isEmpty() ? text : tooltip);
    const bool bad = !check.ok() && m_doc->nodeCount() > 0;
    m_statusSummary->setStyleSheet(bad ? QStringLiteral("QLabel { color: #b3261e; }") : QString());
}

void MainWindow::fitLater()
{
    // The view has its final size only once the window is laid out.
    QTimer::singleShot(0, m_view, &widgets::CanvasView::zoomToFit);
}

// --- construction ----------------------------------------------------------------------------

void MainWindow::createActions()
{
    m_newAct = new QAction(icon("document-new"), tr("&New"), this);
    m_newAct->setShortcut(QKeySequence::New);
    m_newAct->setStatusTip(tr("Start a new network"));
    connect(m_newAct, &QAction::triggered, this, &MainWindow::newFile);

    m_openAct = new QAction(icon("document-open"), tr("&Open…"), this);
    m_openAct->setShortcut(QKeySequence::Open);
    m_openAct->setStatusTip(tr("Open a project file"));
    connect(m_openAct, &QAction::triggered, this, &MainWindow::open);

    m_saveAct = new QAction(icon("document-save"), tr("&Save"), this);
    m_saveAct->setShortcut(QKeySequence::Save);
    m_saveAct->setStatusTip(tr("Save the project"));
    connect(m_saveAct, &QAction::triggered, this, &MainWindow::save);

    m_saveAsAct = new QAction(tr("Save &As…"), this);
    m_saveAsAct->setShortcut(QKeySequence::SaveAs);
    connect(m_saveAsAct, &QAction::triggered, this, &MainWindow::saveAs);

    // An option of every save rather than a checkbox in the file dialog: Save (Ctrl+S) shows no
    // dialog, and the desktop's native file dialogs take no extra widgets.
    m_saveCheckpointsAct = new QAction(tr("Save with &Checkpoints"), this);
    m_saveCheckpointsAct->setCheckable(true);
    m_saveCheckpointsAct->setStatusTip(
        tr("Saving also keeps every run's checkpoints, so that the epoch marker scrubs through "
           "them after reopening (the file grows by up to 270 MB; without: curves only)"));
    m_saveCheckpointsAct->setChecked(
        settings().value(QStringLiteral("files/saveCheckpoints"), false).toBool());
    connect(m_saveCheckpointsAct, &QAction::toggled, this,
        [](bool on) { settings().setValue(QStringLiteral("files/saveCheckpoints"), on); });

    m_quitAct = new QAction(tr("&Quit"), this);
    m_quitAct->setShortcut(QKeySequence::Quit);
    m_quitAct->setMenuRole(QAction::QuitRole);
    connect(m_quitAct, &QAction::triggered, this, &QWidget::close);

    m_undoAct = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAct->setIcon(icon("edit-undo"));
    m_undoAct->setShortcut(QKeySequence::Undo);
    m_redoAct = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAct->setIcon(icon("edit-redo"));
    m_redoAct->setShortcut(QKeySequence::Redo);

    // Canvas editing shortcuts belong to the canvas: in the inspector's text fields Ctrl+C or
    // Delete must edit the text, not the network.
    auto canvasAction = [this](const QString& text, QKeySequence::StandardKey key,
                            void (widgets::CanvasScene::*slot)()) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(a);
        connect(a, &QAction::triggered, m_scene, slot);
        return a;
    };
    m_cutAct = canvasAction(tr("Cu&t"), QKeySequence::Cut, &widgets::CanvasScene::cutSelection);
    m_copyAct = canvasAction(tr("&Copy"), QKeySequence::Copy, &widgets::CanvasScene::copySelection);
    m_pasteAct = canvasAction(tr("&Paste"), QKeySequence::Paste, &widgets::CanvasScene::paste);
    m_deleteAct
        = canvasAction(tr("&Delete"), QKeySequence::Delete, &widgets::CanvasScene::deleteSelection);
    m_deleteAct->setIcon(icon("edit-delete"));
    m_deleteAct->setStatusTip(tr("Delete the selected layers and connections"));
    m_selectAllAct = canvasAction(
        tr("Select &All"), QKeySequence::SelectAll, &widgets::CanvasScene::selectAll);

    m_zoomInAct = new QAction(icon("zoom-in"), tr("Zoom &In"), this);
    m_zoomInAct->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomInAct, &QAction::triggered, m_view, &widgets::CanvasView::zoomIn);
    m_zoomOutAct = new QAction(icon("zoom-out"), tr("Zoom &Out"), this);
    m_zoomOutAct->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAct, &QAction::triggered, m_view, &widgets::CanvasView::zoomOut);
    m_zoomFitAct = new QAction(icon("zoom-fit"), tr("Zoom to &Fit"), this);
    m_zoomFitAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(m_zoomFitAct, &QAction::triggered, m_view, &widgets::CanvasView::zoomToFit);
    m_zoomResetAct = new QAction(icon("zoom-original"), tr("&Actual Size"), this);
    m_zoomResetAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_zoomResetAct, &QAction::triggered, m_view, &widgets::CanvasView::resetZoom);
    m_layoutAct = new QAction(icon("auto-layout"), tr("Auto-&Layout"), this);
    m_layoutAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_layoutAct->setStatusTip(
        tr("Arrange the layers in the direction View > Layout Direction names"));
    connect(m_layoutAct, &QAction::triggered, m_scene, &widgets::CanvasScene::autoLayout);

    m_aboutAct = new QAction(tr("&About NetCanvas"), this);
    m_aboutAct->setMenuRole(QAction::AboutRole);
    connect(m_aboutAct, &QAction::triggered, this, &MainWindow::about);
}

void MainWindow::createStepThrough(QMenu* trainingMenu)
{
    // Teaching mode: one training step on one sample, walked layer by layer.
    m_stepPanel = new widgets::StepThroughPanel;
    m_stepPanel->setObjectName(QStringLiteral("StepThroughPanel"));
    m_stepPanel->setDocument(m_doc);
    m_stepPanel->setController(m_training->controller());
    m_stepDock = new QDockWidget(tr("Step Through"), this);
    m_stepDock->setObjectName(QStringLiteral("StepThroughDock"));
    m_stepDock->setWidget(m_stepPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_stepDock);
    tabifyDockWidget(m_inspectorDock, m_stepDock);
    m_inspectorDock->raise();
    QAction* show = trainingMenu->addAction(tr("Step &Through One Sample"));
    show->setObjectName(QStringLiteral("StepThroughAction"));
    show->setStatusTip(
        tr("Follow one training step on one sample: forward, loss, backward, update"));
    connect(show, &QAction::triggered, this, [this] {
        m_stepDock->show();
        m_stepDock->raise();
    });
    connect(m_training->boundary(), &widgets::DecisionBoundaryView::sampleClicked, m_stepPanel,
        &widgets::StepThroughPanel::setSample);
    connect(m_training, &widgets::TrainingPanel::shownCheckpointChanged, m_stepPanel,
        &widgets::StepThroughPanel::showCheckpoint);
    connect(m_stepPanel, &widgets::StepThroughPanel::sampleSelected, m_training->boundary(),
        &widgets::DecisionBoundaryView::setMarkedSample);
    connect(m_stepPanel, &widgets::StepThroughPanel::currentNodeChanged, this,
        [this](engine::NodeId id) {
            if (id >= 0 && m_doc->nodeIndex(id) >= 0)
                m_scene->selectNodes({id});
        });
}

void MainWindow::createDocks()
{
    m_palette = new widgets::LayerPalette;
    // As wide as the longest layer name at the current font (it grows in presentation mode);
    // the tree gets its new font before the palette hears of it.
    widgets::followFont(m_palette, [this] {
        QTreeWidget* tree = m_palette->tree();
        const QMargins margins = m_palette->layout()->contentsMargins();
        // (QTreeView hides the public QAbstractItemView::sizeHintForColumn.)
        const int names = static_cast<const QAbstractItemView*>(tree)->sizeHintForColumn(0);
        m_palette->setMinimumWidth(names + 2 * tree->frameWidth()
            + tree->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, tree) + margins.left()
            + margins.right());
    });
    m_paletteDock = new QDockWidget(tr("Layers"), this);
    m_paletteDock->setObjectName(QStringLiteral("PaletteDock"));
    m_paletteDock->setWidget(m_palette);
    addDockWidget(Qt::LeftDockWidgetArea, m_paletteDock);

    m_inspector = new widgets::Inspector(m_doc, m_undo);
    // In characters, not pixels: at a presentation font its editors need proportionally more.
    widgets::setMinimumWidthInChars(m_inspector, 47);
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("InspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);

    m_training = new widgets::TrainingPanel;
    m_training->setObjectName(QStringLiteral("TrainingPanel"));
    m_training->setDocument(m_doc);
    m_training->setUndoStack(m_undo);
    m_trainingDock = new QDockWidget(tr("Training"), this);
    m_trainingDock->setObjectName(QStringLiteral("TrainingDock"));
    m_trainingDock->setWidget(m_training);
    addDockWidget(Qt::BottomDockWidgetArea, m_trainingDock);
    m_sweep = new widgets::SweepDialog(m_doc, m_undo, m_training, this);

    m_dataActions = new widgets::DatasetActions(m_doc, m_undo, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_dataActions->dock());
    tabifyDockWidget(m_trainingDock, m_dataActions->dock());
    m_trainingDock->raise();

    // Side docks take the full height; the training area spans only the canvas.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({m_paletteDock, m_inspectorDock}, {210, 320}, Qt::Horizontal);
    resizeDocks({m_trainingDock}, {340}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAct);
    file->addAction(m_openAct);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_examplesMenu = file->addMenu(tr("&Examples"));
    QMenu* import = m_dataActions->importMenu();
    import->addSeparator();
    QAction* onnx = import->addAction(tr("ONNX &Model..."));
    onnx->setObjectName(QStringLiteral("ImportOnnxAction"));
    onnx->setStatusTip(tr(
        "Open a model exported from PyTorch, Keras or NetCanvas as an editable, trained project"));
    connect(onnx, &QAction::triggered, this, &MainWindow::importOnnxDialog);
    file->addMenu(import);
    file->addSeparator();
    file->addAction(m_saveAct);
    file->addAction(m_saveAsAct);
    file->addAction(m_saveCheckpointsAct);
    file->addMenu(m_export->exportMenu());
    file->addSeparator();
    file->addAction(m_quitAct);
    updateRecentMenu();
    populateExamplesMenu();

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAct);
    edit->addAction(m_redoAct);
    edit->addSeparator();
    edit->addAction(m_cutAct);
    edit->addAction(m_copyAct);
    edit->addAction(m_pasteAct);
    edit->addAction(m_deleteAct);
    edit->addSeparator();
    edit->addAction(m_selectAllAct);
    createGroupActions(edit);
    createFindActions(edit);
    createCommandPalette(edit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_zoomInAct);
    view->addAction(m_zoomOutAct);
    view->addAction(m_zoomFitAct);
    view->addAction(m_zoomResetAct);
    view->addSeparator();
    view->addAction(m_layoutAct);
    widgets::NeuronOverlay* neuronOverlay = m_scene->neuronOverlay();
    neuronOverlay->setTrainingController(m_training->controller());
    m_scene->unrolledOverlay()->setTrainingController(m_training->controller());
    m_inspector->setUnrolledOverlay(m_scene->unrolledOverlay());
    QAction* neurons = view->addAction(tr("&Neurons View"));
    neurons->setObjectName(QStringLiteral("NeuronsViewAction"));
    neurons->setCheckable(true);
    neurons->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    neurons->setStatusTip(tr("Draw Dense layers of up to 16 units neuron by neuron"));
    connect(neurons, &QAction::toggled, neuronOverlay, &widgets::NeuronOverlay::setAllShown);
    connect(neuronOverlay, &widgets::NeuronOverlay::allShownChanged, neurons, &QAction::setChecked);
    view->addSeparator();
    m_thumbnails = new widgets::NodeThumbnails(m_scene, this);
    m_thumbnails->setController(m_training->controller());
    QAction* thumbnails = view->addAction(tr("&Weight Thumbnails on Nodes"));
    thumbnails->setObjectName(QStringLiteral("WeightThumbnailsAction"));
    thumbnails->setCheckable(true);
    thumbnails->setChecked(true);
    thumbnails->setStatusTip(tr("Show a live heatmap of the weights on Dense and Conv2D cards"));
    connect(thumbnails, &QAction::toggled, m_thumbnails, &widgets::NodeThumbnails::setEnabled);
    createCanvasViewActions(view);
    view->addSeparator();
    view->addAction(m_paletteDock->toggleViewAction());
    view->addAction(m_inspectorDock->toggleViewAction());
    view->addAction(m_trainingDock->toggleViewAction());
    view->addAction(m_dataActions->dock()->toggleViewAction());

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addActions(m_training->trainingActions());
    training->addSeparator();
    QAction* sweep = training->addAction(tr("S&weep…"));
    sweep->setStatusTip(tr("Train the project for every combination of one or two settings"));
    connect(sweep, &QAction::triggered, m_sweep, [this] {
        m_sweep->show();
        m_sweep->raise();
        m_sweep->activateWindow();
    });
    training->addAction(m_export->predictAction());
    createStepThrough(training);

    createLessons(file, view);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAct);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("MainToolBar"));
    bar->setIconSize(QSize(22, 22));
    bar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    bar->addAction(m_newAct);
    bar->addAction(m_openAct);
    bar->addAction(m_saveAct);
    bar->addSeparator();
    bar->addAction(m_undoAct);
    bar->addAction(m_redoAct);
    bar->addAction(m_deleteAct);
    bar->addSeparator();
    bar->addAction(m_zoomInAct);
    bar->addAction(m_zoomOutAct);
    bar->addAction(m_zoomFitAct);
    bar->addAction(m_layoutAct);
    bar->addSeparator();
    for (QAction* a : {m_training->trainAction(), m_training->pauseAction(),
             m_training->stepAction(), m_training->stopAction()})
        bar->addAction(a);
    // The neuron view's sample, shown while some layer is drawn as neurons.
    QAction* sample = bar->addWidget(neuronOverlay->createSampleControl(bar));
    sample->setVisible(neuronOverlay->anyShown());
    connect(neuronOverlay, &widgets::NeuronOverlay::anyShownChanged, sample, &QAction::setVisible);
    view->addSeparator();
    view->addAction(bar->toggleViewAction());

    // Tool buttons show the shortcut too, which the plain action text does not.
    for (QAction* a : bar->actions()) {
        if (!a->shortcut().isEmpty() && !a->isSeparator())
            a->setToolTip(QStringLiteral("%1 (%2)").arg(
                a->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                a->shortcut().toString(QKeySequence::NativeText)));
    }
}

void MainWindow::populateExamplesMenu()
{
    m_examplesMenu->clear();
    for (const QString& path : exampleResources()) {
        QString title = QFileInfo(path).completeBaseName();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const auto j = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
            if (j.is_object() && j.contains("name") && j["name"].is_string()
                && !j["name"].get<std::string>().empty())
                title = QString::fromStdString(j["name"].get<std::string>());
        }
        QAction* a = m_examplesMenu->addAction(title);
        a->setStatusTip(QFileInfo(path).fileName());
        connect(a, &QAction::triggered, this, [this, path] {
            if (!maybeSave())
                return;
            const QString error = openExample(path);
            if (!error.isEmpty())
                showError(tr("Cannot open example"), error);
        });
    }
    m_examplesMenu->setEnabled(!m_examplesMenu->isEmpty());
}

void MainWindow::createGroupActions(QMenu* edit)
{
    edit->addSeparator();
    // Canvas shortcuts, like Delete: F2 in an inspector field must not rename a group.
    auto add = [this, edit](const QString& text, const QKeySequence& key, const QString& tip,
                   const QString& objectName) {
        QAction* a = edit->addAction(text);
        a->setObjectName(objectName);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setStatusTip(tip);
        m_view->addAction(a);
        return a;
    };
    QAction* group = add(tr("&Group"), QKeySequence(Qt::CTRL | Qt::Key_G),
        tr("Draw the selected layers as one collapsible block"), QStringLiteral("GroupAction"));
    connect(group, &QAction::triggered, m_scene, [this] { m_scene->groupSelection(); });
    QAction* ungroup = add(tr("U&ngroup"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G),
        tr("Dissolve the selected group; its layers stay"), QStringLiteral("UngroupAction"));
    connect(ungroup, &QAction::triggered, m_scene, &widgets::CanvasScene::ungroupSelection);
    QAction* rename = add(tr("&Rename Group…"), QKeySequence(Qt::Key_F2),
        tr("Rename the selected group"), QStringLiteral("RenameGroupAction"));
    connect(rename, &QAction::triggered, m_scene, [this] { m_scene->renameSelectedGroup(); });
}

void MainWindow::createFindActions(QMenu* edit)
{
    m_findBar = new widgets::FindBar(m_view);
    QAction* find = edit->addAction(tr("&Find Layer…"));
    find->setObjectName(QStringLiteral("FindLayerAction"));
    find->setShortcut(QKeySequence::Find);
    find->setStatusTip(tr("Find layers by name or type; Enter goes from one to the next"));
    connect(find, &QAction::triggered, m_findBar, &widgets::FindBar::open);
    connect(
        m_inspector, &widgets::Inspector::nodeActivated, m_view, &widgets::CanvasView::revealNode);
}

void MainWindow::createCommandPalette(QMenu* edit)
{
    m_commandPalette = new widgets::CommandPalette(menuBar(), this);
    QAction* palette = edit->addAction(tr("&Command Palette…"));
    palette->setObjectName(QStringLiteral("CommandPaletteAction"));
    palette->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    palette->setStatusTip(tr("Run any menu command by name, or type a layer such as "
                             "“dense 64 relu” to insert it after the selection"));
    connect(palette, &QAction::triggered, m_commandPalette, &widgets::CommandPalette::open);
    connect(m_commandPalette, &widgets::CommandPalette::insertLayer, this,
        [this](const QString& type, const QString& attributes) {
            nlohmann::json attrs = nlohmann::json::parse(attributes.toStdString(), nullptr, false);
            if (!attrs.is_object())
                attrs = nlohmann::json::object();
            if (m_scene->insertAfterSelection(type, attrs) >= 0)
                m_view->setFocus();
        });
}

void MainWindow::createCanvasViewActions(QMenu* view)
{
    // Remembered across runs: a reader of shapes wants them every time.
    QAction* shapes = view->addAction(tr("Tensor &Shapes on Edges"));
    shapes->setObjectName(QStringLiteral("EdgeShapesAction"));
    shapes->setCheckable(true);
    shapes->setStatusTip(tr("Label every connection with the shape of the tensor it carries"));
    connect(shapes, &QAction::toggled, this, [this](bool on) {
        m_scene->setShowEdgeShapes(on);
        settings().setValue(QStringLiteral("view/edgeShapes"), on);
    });
    shapes->setChecked(settings().value(QStringLiteral("view/edgeShapes"), true).toBool());
    m_scene->setShowEdgeShapes(shapes->isChecked());

    // An overview of large networks in the canvas's corner.
    auto* minimap = new widgets::Minimap(m_view);
    QAction* map = view->addAction(tr("&Minimap"));
    map->setObjectName(QStringLiteral("MinimapAction"));
    map->setCheckable(true);
    map->setStatusTip(tr("While the network does not fit the canvas, show all of it small in "
                         "the canvas's corner"));
    connect(map, &QAction::toggled, this, [minimap](bool on) {
        minimap->setWanted(on);
        settings().setValue(QStringLiteral("view/minimap"), on);
    });
    map->setChecked(settings().value(QStringLiteral("view/minimap"), true).toBool());
    minimap->setWanted(map->isChecked());

    // Canvas, plot and window colours: the desktop's scheme, or forced light or dark (remembered).
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* group = new QActionGroup(theme);
    const QString current = settings().value(QStringLiteral("view/theme"), "system").toString();
    const std::pair<QString, QString> modes[] = {{QStringLiteral("system"), tr("Follow &System")},
        {QStringLiteral("light"), tr("&Light")}, {QStringLiteral("dark"), tr("&Dark")}};
    for (const auto& [mode, text] : modes) {
        QAction* a = theme->addAction(text);
        a->setObjectName(QStringLiteral("Theme_") + mode);
        a->setCheckable(true);
        a->setChecked(mode == current);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, mode] {
            settings().setValue(QStringLiteral("view/theme"), mode);
            applyCanvasTheme();
        });
    }
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(QGuiApplication::styleHints(), &QStyleHints::colorSchemeChanged, this,
        &MainWindow::applyCanvasTheme);
#endif
    applyCanvasTheme();

    // Which way Auto-Layout lays data flow (remembered); choosing does not move any card.
    QMenu* direction = view->addMenu(tr("Layout &Direction"));
    auto* directions = new QActionGroup(direction);
    using widgets::LayoutDirection;
    const bool down
        = settings().value(QStringLiteral("view/layoutDirection")).toString() == "topToBottom";
    m_scene->setLayoutDirection(down ? LayoutDirection::TopToBottom : LayoutDirection::LeftToRight);
    const std::tuple<QString, QString, LayoutDirection> choices[]
        = {{QStringLiteral("leftToRight"), tr("&Left to Right"), LayoutDirection::LeftToRight},
            {QStringLiteral("topToBottom"), tr("&Top to Bottom"), LayoutDirection::TopToBottom}};
    for (const auto& [key, text, value] : choices) {
        QAction* a = direction->addAction(text);
        a->setObjectName(QStringLiteral("LayoutDirection_") + key);
        a->setCheckable(true);
        a->setChecked(value == m_scene->layoutDirection());
        a->setStatusTip(tr("Auto-Layout (Ctrl+L) arranges the layers %1")
                            .arg(value == LayoutDirection::TopToBottom ? tr("top to bottom")
                                                                       : tr("left to right")));
        directions->addAction(a);
        const QString settingKey = key;
        const LayoutDirection chosen = value;
        connect(a, &QAction::triggered, this, [this, settingKey, chosen] {
            settings().setValue(QStringLiteral("view/layoutDirection"), settingKey);
            m_scene->setLayoutDirection(chosen);
            statusBar()->showMessage(
                tr("Auto-Layout (Ctrl+L) now arranges the layers %1")
                    .arg(chosen == LayoutDirection::TopToBottom ? tr("top to bottom")
                                                                : tr("left to right")),
                5000);
        });
    }
}

bool MainWindow::desktopPrefersDark() const
{
    // While we force a palette, the application palette is ours: the desktop's was read before.
    if (m_paletteForced)
        return m_desktopDark;
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    const Qt::ColorScheme scheme = QGuiApplication::styleHints()->colorScheme();
    if (scheme != Qt::ColorScheme::Unknown)
        return scheme == Qt::ColorScheme::Dark;
#endif
    // Before Qt 6.5 (and when the platform does not say): the desktop's palette tells.
    const QPalette palette = QGuiApplication::palette();
    return palette.color(QPalette::Window).lightness()
        < palette.color(QPalette::WindowText).lightness();
}

void MainWindow::applyCanvasTheme()
{
    if (m_applyingTheme)
        return; // our own palette change, coming back as a PaletteChange event
    const QScopedValueRollback guard(m_applyingTheme, true);
    const QString mode = settings().value(QStringLiteral("view/theme"), "system").toString();
    const bool desktopDark = desktopPrefersDark();
    if (!m_paletteForced)
        m_desktopDark = desktopDark;
    const bool dark
        = mode == QLatin1String("dark") || (mode != QLatin1String("light") && desktopDark);
    const widgets::PlotTheme plotTheme
        = dark ? widgets::PlotTheme::dark() : widgets::PlotTheme::light();
    // Forced against the desktop: the whole window (docks, tables, hand-painted views) takes
    // the theme's palette, not only the canvas and the plots; otherwise the desktop's palette.
    const bool force = dark != desktopDark;
    if (force != m_paletteForced || (force && dark != m_forcedDark)) {
        m_paletteForced = force;
        m_forcedDark = dark;
        QApplication::setPalette(force ? plotTheme.palette() : QPalette());
    }
    if (m_scene->theme().isDark != dark)
        m_scene->setTheme(dark ? widgets::CanvasTheme::dark() : widgets::CanvasTheme::light());
    widgets::PlotTheme::setCurrent(plotTheme);
}

void MainWindow::changeEvent(QEvent* event)
{
    // The desktop switched between light and dark (seen as a new application palette).
    if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::PaletteChange)
        applyCanvasTheme();
    QMainWindow::changeEvent(event);
}

QStringList MainWindow::recentFiles() const
{
    return settings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::addRecentFile(const QString& path)
{
    QSettings s = settings();
    QStringList files = s.value(QStringLiteral("recentFiles")).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    s.setValue(QStringLiteral("recentFiles"), files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString& path = files[i];
        QAction* a = m_recentMenu->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()));
        a->setStatusTip(QDir::toNativeSeparators(path));
        connect(a, &QAction::triggered, this, [this, path] { openRecent(path); });
    }
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            settings().remove(QStringLiteral("recentFiles"));
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::readSettings()
{
    const QSettings s = settings();
    const QByteArray geometry = s.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1400, 900);
        resize(std::min(1400, avail.width() - 40), std::min(900, avail.height() - 40));
    }
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::writeSettings()
{
    QSettings s = settings();
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
}

// --- lessons, welcome page and presentation mode (widgets::LessonActions) --------------------

void MainWindow::createLessons(QMenu* fileMenu, QMenu* viewMenu)
{
    m_lessons = new widgets::LessonActions(m_doc, this, this);
    widgets::LessonPanel* panel = m_lessons->panel();
    panel->setTrainingController(m_training->controller());
    panel->setInspector(m_inspector);
    panel->setTrainingPanel(m_training);
    QDockWidget* dock = m_lessons->dock();
    addDockWidget(Qt::RightDockWidgetArea, dock);
    if (m_inspectorDock)
        tabifyDockWidget(m_inspectorDock, dock);
    dock->hide();
    // Hiding the lesson tab would otherwise leave Step Through in front of the Inspector.
    if (m_inspectorDock)
        m_inspectorDock->raise();
    connect(m_scene, &widgets::CanvasScene::selectionChangedIds, m_lessons,
        &widgets::LessonActions::applyLocksLater);
    connect(m_lessons, &widgets::LessonActions::statusMessage, this,
        [this](const QString& message, int timeoutMs) {
            statusBar()->showMessage(message, timeoutMs);
        });

    // File > Save as Lesson…, right after Save As.
    const QList<QAction*> fileActions = fileMenu->actions();
    const int at = int(fileActions.indexOf(m_saveAsAct));
    fileMenu->insertAction(at >= 0 && at + 1 < fileActions.size() ? fileActions[at + 1] : nullptr,
        m_lessons->saveAsLessonAction());
    menuBar()->addMenu(m_lessons->lessonsMenu());

    m_lessons->presentationMode()->setDocks(m_trainingDock, dock);
    viewMenu->addSeparator();
    viewMenu->addAction(m_lessons->presentationAction());
    viewMenu->addAction(m_lessons->fullScreenAction());

    widgets::WelcomePage* welcome = m_lessons->welcomePage();
    welcome->attachTo(m_view);
    welcome->hide();
    connect(welcome, &widgets::WelcomePage::newProjectRequested, this, [this] {
        newDocument();
        hideWelcomePage();
    });
    connect(welcome, &widgets::WelcomePage::openRequested, this, &MainWindow::open);
    connect(welcome, &widgets::WelcomePage::recentRequested, this, &MainWindow::openRecent);
    connect(welcome, &widgets::WelcomePage::exampleRequested, this, [this](const QString& p) {
        const QString error = openExample(p);
        if (!error.isEmpty())
            showError(tr("Cannot open example"), error);
    });
}

widgets::LessonPanel* MainWindow::lessonPanel() const
{
    return m_lessons->panel();
}

QDockWidget* MainWindow::lessonDock() const
{
    return m_lessons->dock();
}

widgets::WelcomePage* MainWindow::welcomePage() const
{
    return m_lessons->welcomePage();
}

widgets::PresentationMode* MainWindow::presentationMode() const
{
    return m_lessons->presentationMode();
}

QMenu* MainWindow::lessonsMenu() const
{
    return m_lessons->lessonsMenu();
}

QStringList MainWindow::lessonResources()
{
    exampleResources(); // registers the resources
    return widgets::LessonActions::lessonResources();
}

QString MainWindow::openLesson(const QString& path)
{
    return m_lessons->openLesson(path);
}

QString MainWindow::openLessonVariant(const QString& id)
{
    return m_lessons->openLessonVariant(id);
}

QString MainWindow::saveAsLesson(const QString& path, const engine::Lesson& lesson)
{
    return m_lessons->saveAsLesson(path, lesson);
}

void MainWindow::showWelcomePage()
{
    m_lessons->showWelcomePage(exampleResources(), recentFiles());
}

void MainWindow::hideWelcomePage()
{
    if (m_lessons)
        m_lessons->hideWelcomePage();
}

#include "export/ExportActions.h"

#include "canvas/CanvasScene.h"
#include "data/PathConsent.h"
#include "document/GraphDocument.h"
#include "export/DiagramExport.h"
#include "export/PredictDialog.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/GradientFlowPlot.h"
#include "plots/LossPlot.h"
#include "plots/PlotExport.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHeatmap.h"
#include "plots/WeightHistogramView.h"
#include "training/TrainingController.h"

#include "core/Errors.h"
#include "data/DatasetSpec.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "export/PyTorchExport.h"
#include "export/PyTorchTrainingExport.h"
#include "export/WeightsExport.h"

#include <qcustomplot.h>

#include <QAction>
#include <QBuffer>
#include <QContextMenuEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
#include <QTabWidget>

#include <cmath>

namespace widgets {

namespace {

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

QString native(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

} // namespace

ExportActions::ExportActions(
    GraphDocument* document, CanvasScene* scene, TrainingPanel* training, QWidget* window)
    : QObject(window)
    , m_doc(document)
    , m_scene(scene)
    , m_training(training)
    , m_window(window)
    , m_choosers(FileChoosers::defaults(window))
{
    createActions();
    connect(m_doc, &GraphDocument::validationChanged, this, &ExportActions::updateActions);
    connect(m_doc, &GraphDocument::weightsChanged, this, &ExportActions::updateActions);
    connect(m_doc, &GraphDocument::reset, this, &ExportActions::updateActions);
    connect(m_doc, &GraphDocument::nodeAdded, this, &ExportActions::updateActions);
    connect(m_doc, &GraphDocument::nodeRemoved, this, &ExportActions::updateActions);
    if (m_training) {
        connect(m_training->controller(), &TrainingController::stateChanged, this,
            &ExportActions::updateActions);
        registerPlot(m_training->lossPlot(), QStringLiteral("loss"));
        registerPlot(m_training->boundary(), QStringLiteral("decision-boundary"));
        registerPlot(m_training->heatmap(), QStringLiteral("weight-heatmap"));
        registerPlot(m_training->histogram(), QStringLiteral("weight-histogram"));
        registerPlot(m_training->gradientFlow(), QStringLiteral("gradient-flow"));
        registerPlot(m_training->confusion(), QStringLiteral("confusion-matrix"));
    }
    updateActions();
}

ExportActions::~ExportActions() = default;

void ExportActions::setChoosers(FileChoosers choosers)
{
    m_choosers = std::move(choosers);
}

void ExportActions::setProjectFile(const QString& path)
{
    m_projectFile = path;
}

QString ExportActions::projectDir() const
{
    return m_projectFile.isEmpty() ? QString() : QFileInfo(m_projectFile).absolutePath();
}

QString ExportActions::projectTitle() const
{
    const std::string& name = m_doc->project().name;
    if (!name.empty())
        return fromStd(name);
    return m_projectFile.isEmpty() ? tr("network") : QFileInfo(m_projectFile).completeBaseName();
}

QString ExportActions::suggestion(const QString& baseName, const QString& suffix) const
{
    QString stem = baseName;
    if (stem.isEmpty()) {
        stem = m_projectFile.isEmpty() ? projectTitle().toLower()
                                       : QFileInfo(m_projectFile).completeBaseName();
        stem.replace(QLatin1Char(' '), QLatin1Char('_'));
    }
    const QDir dir(m_projectFile.isEmpty() ? QDir::homePath() : projectDir());
    return dir.filePath(suffix.isEmpty() ? stem : stem + QLatin1Char('.') + suffix);
}

void ExportActions::createActions()
{
    m_menu = new QMenu(tr("&Export"), m_window);
    m_menu->setObjectName(QStringLiteral("ExportMenu"));
    m_menu->setToolTipsVisible(true);

    auto add = [this](const QString& text, const QString& statusTip) {
        auto* a = new QAction(text, this);
        a->setStatusTip(statusTip);
        m_menu->addAction(a);
        return a;
    };
    m_onnx = add(tr("&ONNX Model…"), tr("The trained network for ONNX Runtime and other tools"));
    m_pytorch = add(tr("&PyTorch Script…"), tr("A runnable Python script with the weights"));
    m_pytorchTraining = add(tr("PyTorch &Training Project…"),
        tr("A folder that trains the network under PyTorch: python3 train.py or torchrun"));
    m_trainedJson
        = add(tr("Trained Project (&JSON)…"), tr("The project with its current trained weights"));
    m_menu->addSeparator();
    m_weightsCsv = add(tr("Weights as &CSV…"), tr("Every weight in one table"));
    m_weightsNpy = add(tr("Weights as &NumPy (.npy)…"),
        tr("A folder with one .npy file per parameter and a README.txt"));
    m_menu->addSeparator();
    m_svg = add(tr("Diagram as &SVG…"), tr("The canvas as a vector drawing"));
    m_png = add(tr("Diagram as P&NG…"), tr("The canvas as an image at twice its size"));
    m_menu->addSeparator();
    m_currentPlot = add(
        tr("Current P&lot…"), tr("The plot clicked last (or the visible tab) as PNG, PDF or CSV"));
    m_currentPlot->setToolTip(m_currentPlot->statusTip());
    // Pictures stay light (paper, slides) whatever the screen shows, unless asked.
    m_darkPictures = add(tr("Pictures in Dar&k Theme"),
        tr("Export diagrams and plots in the dark theme instead of light"));
    m_darkPictures->setObjectName(QStringLiteral("ExportDarkPictures"));
    m_darkPictures->setCheckable(true);
    m_darkPictures->setChecked(QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas"))
                                   .value(QStringLiteral("export/darkPictures"), false)
                                   .toBool());
    connect(m_darkPictures, &QAction::toggled, this, [](bool on) {
        QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas"))
            .setValue(QStringLiteral("export/darkPictures"), on);
    });

    m_predict = new QAction(tr("&Predict from CSV…"), this);
    m_predict->setStatusTip(tr("Predictions of a trained network for the rows of a CSV file"));

    connect(m_onnx, &QAction::triggered, this, [this] {
        runExport(tr("Export ONNX model"), tr("ONNX model"),
            m_choosers.saveFile(tr("Export ONNX model"),
                suggestion(QString(), QStringLiteral("onnx")), tr("ONNX models (*.onnx)")),
            [this](const QString& f) { return exportOnnx(f); });
    });
    connect(m_pytorch, &QAction::triggered, this, [this] {
        runExport(tr("Export PyTorch script"), tr("PyTorch script"),
            m_choosers.saveFile(tr("Export PyTorch script"),
                suggestion(QString(), QStringLiteral("py")), tr("Python scripts (*.py)")),
            [this](const QString& f) { return exportPyTorch(f); });
    });
    connect(m_pytorchTraining, &QAction::triggered, this, [this] {
        const QString dir = m_choosers.directory(tr("Folder for the PyTorch training project"),
            suggestion(QString(), QString()) + QStringLiteral("_pytorch"), QString());
        if (dir.isEmpty())
            return;
        const QString error = exportPyTorchTraining(dir);
        if (!error.isEmpty()) {
            m_choosers.error(tr("Export PyTorch training project"), error);
            return;
        }
        emit statusMessage(
            tr("Exported the PyTorch training project to %1").arg(native(dir)), 5000);
    });
    connect(m_trainedJson, &QAction::triggered, this, [this] {
        runExport(tr("Export trained project"), tr("trained project"),
            m_choosers.saveFile(tr("Export trained project"),
                suggestion(QString(), QString()) + QStringLiteral("_trained.json"),
                tr("NetCanvas projects (*.json)")),
            [this](const QString& f) { return exportTrainedProject(f); });
    });
    connect(m_weightsCsv, &QAction::triggered, this, [this] {
        runExport(tr("Export weights as CSV"), tr("weights"),
            m_choosers.saveFile(tr("Export weights as CSV"),
                suggestion(QString(), QString()) + QStringLiteral("_weights.csv"),
                tr("CSV files (*.csv)")),
            [this](const QString& f) { return exportWeightsCsv(f); });
    });
    connect(m_weightsNpy, &QAction::triggered, this, [this] {
        const QString dir = m_choosers.directory(
            tr("Folder for the .npy files"), suggestion(QString(), QString()), QString());
        if (dir.isEmpty())
            return;
        const QString error = exportWeightsNpy(dir);
        if (!error.isEmpty()) {
            m_choosers.error(tr("Export weights as NumPy"), error);
            return;
        }
        emit statusMessage(tr("Exported the weights as .npy files to %1").arg(native(dir)), 5000);
    });
    connect(m_svg, &QAction::triggered, this, [this] {
        runExport(tr("Export diagram as SVG"), tr("diagram"),
            m_choosers.saveFile(tr("Export diagram as SVG"),
                suggestion(QString(), QStringLiteral("svg")), tr("SVG drawings (*.svg)")),
            [this](const QString& f) { return exportDiagramSvg(f); });
    });
    connect(m_png, &QAction::triggered, this, [this] {
        runExport(tr("Export diagram as PNG"), tr("diagram"),
            m_choosers.saveFile(tr("Export diagram as PNG"),
                suggestion(QString(), QStringLiteral("png")), tr("PNG images (*.png)")),
            [this](const QString& f) { return exportDiagramPng(f); });
    });
    connect(m_currentPlot, &QAction::triggered, this, [this] {
        if (QWidget* view = currentPlot())
            exportPlotInteractively(view, QString());
    });
    connect(m_predict, &QAction::triggered, this, &ExportActions::showPredictDialog);
}

void ExportActions::runExport(const QString& title, const QString& what, const QString& chosen,
    const std::function<QString(const QString&)>& work)
{
    if (chosen.isEmpty())
        return;
    const QString error = work(chosen);
    if (!error.isEmpty()) {
        m_choosers.error(title, error);
        return;
    }
    emit statusMessage(tr("Exported the %1 to %2").arg(what, native(chosen)), 5000);
}

// --- what makes sense when -------------------------------------------------------------------

QString ExportActions::modelProblem() const
{
    if (const QString problem = networkProblem(); !problem.isEmpty())
        return problem;
    if (m_doc->weights().empty())
        return tr("Train the network first: it has no trained weights yet.");
    return {};
}

QString ExportActions::networkProblem() const
{
    if (m_training && m_training->controller()->isRunning())
        return tr("Stop training first: the weights change with every step.");
    const engine::GraphCheck& check = m_doc->check();
    if (m_doc->nodeCount() == 0)
        return tr("The canvas is empty.");
    if (!check.ok()) {
        const engine::GraphIssue& first = check.errors.front();
        QString text = fromStd(first.message);
        if (first.node >= 0 && m_doc->hasNode(first.node))
            text = QStringLiteral("%1: %2").arg(m_doc->nodeName(first.node), text);
        return tr("The network does not validate (%1).").arg(text);
    }
    if (check.inputNode < 0)
        return tr("The network needs an Input and a Loss layer.");
    return {};
}

void ExportActions::updateActions()
{
    const QString model = modelProblem();
    const bool running = m_training && m_training->controller()->isRunning();
    QString weights;
    if (running)
        weights = model;
    else if (m_doc->weights().empty())
        weights = tr("Train the network first: it has no trained weights yet.");

    auto set = [](QAction* a, const QString& problem, const QString& tip) {
        a->setEnabled(problem.isEmpty());
        a->setToolTip(problem.isEmpty() ? tip : problem);
    };
    QString onnx = model;
    if (onnx.isEmpty() && !engine::onnxAvailable())
        onnx = tr("This build of NetCanvas has no ONNX support (built without libonnx).");
    set(m_onnx, onnx, m_onnx->statusTip());
    set(m_pytorch, model, m_pytorch->statusTip());
    set(m_pytorchTraining, networkProblem(), m_pytorchTraining->statusTip());
    set(m_trainedJson, weights, m_trainedJson->statusTip());
    set(m_weightsCsv, weights, m_weightsCsv->statusTip());
    set(m_weightsNpy, weights, m_weightsNpy->statusTip());
    const QString diagram = m_doc->nodeCount() == 0 ? tr("The canvas is empty.") : QString();
    set(m_svg, diagram, m_svg->statusTip());
    set(m_png, diagram, m_png->statusTip());
    if (m_predictDialog)
        m_predictDialog->setOpenProject(
            [this] { return trainedModel(); }, projectTitle(), modelProblem());
}

// --- trained model exports -------------------------------------------------------------------

engine::TrainedModel ExportActions::trainedModel() const
{
    engine::Project project = m_doc->project();
    const std::filesystem::path dir
        = QFile::encodeName(projectDir().isEmpty() ? QDir::currentPath() : projectDir())
              .toStdString();
    // The document knows the shapes unless the data lives in a file; the data's scaling is
    // needed only when the project does not store it.
    engine::FeatureScaling dataScaling;
    const bool needScaling = engine::scalingMethod(project.dataset) != "none"
        && engine::storedScaling(project.dataset).isIdentity();
    engine::GraphContext context;
    std::vector<std::string> classNames;
    if (m_doc->context() && !needScaling) {
        context = *m_doc->context();
        // Class names: from the dataset spec where it names them (built-in image sets, a
        // "classNames" list), so that Fashion-MNIST is not read again just for its ten names;
        // otherwise only the data has them, and without them predictions show class numbers.
        const std::vector<std::string> named = engine::sourceClassNames(project.dataset);
        if (!named.empty()) {
            classNames = engine::meaningfulClassNames(named, context.numClasses);
        } else if (context.numClasses > 0) {
            try {
                engine::projectContext(project, dir, nullptr, &classNames);
            } catch (const engine::InputError&) { }
        }
    } else {
        context = engine::projectContext(project, dir, &dataScaling, &classNames);
    }
    engine::TrainedModel model = engine::prepareModel(std::move(project), context, dataScaling);
    model.classNames = std::move(classNames);
    return model;
}

namespace {

/// Runs `make` and writes its bytes; engine errors become "<file>: <where>: <message>".
QString writeFrom(const QString& file, const std::function<std::string()>& make)
{
    std::string bytes;
    try {
        bytes = make();
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(native(file), fromStd(e.what()));
    }
    return plotexport::writeFileAtomically(file, QByteArray::fromStdString(bytes));
}

} // namespace

QString ExportActions::exportOnnx(const QString& file)
{
    return writeFrom(file, [this] {
        const engine::TrainedModel m = trainedModel();
        return engine::onnxModelBytes(m);
    });
}

QString ExportActions::exportPyTorch(const QString& file)
{
    return writeFrom(file, [this] {
        const engine::TrainedModel m = trainedModel();
        return engine::pytorchScript(m);
    });
}

QString ExportActions::exportPyTorchTraining(const QString& dir)
{
    const std::filesystem::path projectFolder
        = QFile::encodeName(projectDir().isEmpty() ? QDir::currentPath() : projectDir())
              .toStdString();
    // As netcanvas-train export: what is wrong with the project (its data, a layer PyTorch has
    // no module for) names the project; a failed write names the file, and leaves DIR as it was.
    std::vector<engine::FolderFile> files;
    try {
        files
            = engine::pytorchTrainingFiles(m_doc->project(), projectFolder, PathConsent::policy());
    } catch (const std::exception& e) {
        const QString project = m_projectFile.isEmpty() ? projectTitle() : native(m_projectFile);
        return QStringLiteral("%1: %2").arg(project, fromStd(e.what()));
    }
    try {
        engine::writeFolderAtomically(QFile::encodeName(dir).toStdString(), files);
    } catch (const std::exception& e) {
        return fromStd(e.what());
    }
    return {};
}

QString ExportActions::exportTrainedProject(const QString& file)
{
    return writeFrom(file, [this] {
        if (m_doc->weights().empty())
            throw engine::InputError(
                "weights", "the project has no trained weights (train it first)");
        // The timeline's runs (curves only), not those the document loaded: these may
        // hold checkpoints of layers since changed, and every one of them again.
        engine::Project project = m_training ? m_training->projectToSave(false) : m_doc->project();
        if (!m_training)
            project.runs.clear();
        return project.toJson().dump(2) + "\n";
    });
}

QString ExportActions::exportWeightsCsv(const QString& file)
{
    return writeFrom(file, [this] { return engine::weightsCsv(m_doc->project()); });
}

QString ExportActions::exportWeightsNpy(const QString& dir)
{
    const engine::Project& project = m_doc->project();
    std::vector<engine::WeightArray> arrays;
    try {
        arrays = engine::weightArrays(project);
    } catch (const std::exception& e) {
        return QStringLiteral("%1: %2").arg(native(dir), fromStd(e.what()));
    }
    if (!QDir().mkpath(dir))
        return tr("%1: cannot create the folder").arg(native(dir));
    const QDir folder(dir);
    for (const engine::WeightArray& a : arrays) {
        const QString error = plotexport::writeFileAtomically(folder.filePath(fromStd(a.fileName)),
            QByteArray::fromStdString(engine::npyBytes(*a.value)));
        if (!error.isEmpty())
            return error;
    }
    return plotexport::writeFileAtomically(folder.filePath(QStringLiteral("README.txt")),
        QByteArray::fromStdString(engine::npyReadme(project, arrays)));
}

// --- diagram ---------------------------------------------------------------------------------

bool ExportActions::darkPictures() const
{
    return m_darkPictures->isChecked();
}

diagramexport::Theme ExportActions::diagramTheme() const
{
    return darkPictures() ? diagramexport::Theme::Dark : diagramexport::Theme::Light;
}

QString ExportActions::exportDiagramSvg(const QString& file)
{
    const QByteArray svg = diagramexport::svg(m_scene, projectTitle(), diagramTheme());
    if (svg.isEmpty())
        return tr("%1: the canvas is empty").arg(native(file));
    return plotexport::writeFileAtomically(file, svg);
}

QString ExportActions::exportDiagramPng(const QString& file)
{
    const QImage image = diagramexport::image(m_scene, 2.0, diagramTheme());
    if (image.isNull())
        return tr("%1: the canvas is empty").arg(native(file));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        return tr("%1: cannot encode the image").arg(native(file));
    return plotexport::writeFileAtomically(file, bytes);
}

// --- plots -----------------------------------------------------------------------------------

void ExportActions::registerPlot(QWidget* view, const QString& baseName)
{
    if (!view)
        return;
    m_plots.push_back({view, baseName});
    auto showMenu = [this, view](QWidget* source, const QPoint& pos) {
        m_lastPlot = view;
        QMenu* menu = createPlotMenu(view, view);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(source->mapToGlobal(pos));
    };
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this,
        [view, showMenu](const QPoint& pos) { showMenu(view, pos); });
    // QCustomPlot keeps mouse events (and so the context-menu request) to itself.
    for (QCustomPlot* plot : view->findChildren<QCustomPlot*>()) {
        plot->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(plot, &QWidget::customContextMenuRequested, this,
            [plot, showMenu](const QPoint& pos) { showMenu(plot, pos); });
    }
    // A click anywhere in the view (its plots are children) makes it the current plot.
    view->installEventFilter(this);
    for (QWidget* child : view->findChildren<QWidget*>())
        child->installEventFilter(this);
}

bool ExportActions::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::MouseButtonPress) {
        for (QObject* o = watched; o; o = o->parent()) {
            if (entryFor(qobject_cast<QWidget*>(o))) {
                m_lastPlot = static_cast<QWidget*>(o);
                break;
            }
        }
    }
    return QObject::eventFilter(watched, event);
}

const ExportActions::PlotEntry* ExportActions::entryFor(const QWidget* view) const
{
    if (!view)
        return nullptr;
    for (const PlotEntry& e : m_plots) {
        if (e.view == view)
            return &e;
    }
    return nullptr;
}

QWidget* ExportActions::currentPlot() const
{
    if (m_lastPlot)
        return m_lastPlot;
    if (m_training) {
        if (QWidget* tab = m_training->tabs()->currentWidget(); entryFor(tab))
            return tab;
        return m_training->lossPlot();
    }
    return m_plots.empty() ? nullptr : m_plots.front().view.data();
}

QMenu* ExportActions::createPlotMenu(QWidget* view, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("PlotExportMenu"));
    menu->addAction(tr("Save Image as &PNG…"), this,
        [this, view] { exportPlotInteractively(view, QStringLiteral("png")); });
    menu->addAction(tr("Save Image as P&DF…"), this,
        [this, view] { exportPlotInteractively(view, QStringLiteral("pdf")); });
    menu->addAction(tr("Save &Data as CSV…"), this,
        [this, view] { exportPlotInteractively(view, QStringLiteral("csv")); });
    return menu;
}

QString ExportActions::exportPlot(QWidget* view, const QString& file)
{
    if (!view)
        return tr("%1: there is no plot to export").arg(native(file));
    return plotexport::save(view, file, darkPictures() ? PlotTheme::dark() : PlotTheme::light());
}

void ExportActions::exportPlotInteractively(QWidget* view, const QString& suffix)
{
    const PlotEntry* entry = entryFor(view);
    const QString base = entry ? entry->baseName : QStringLiteral("plot");
    QString filter;
    if (suffix == QLatin1String("png"))
        filter = tr("PNG images (*.png)");
    else if (suffix == QLatin1String("pdf"))
        filter = tr("PDF documents (*.pdf)");
    else if (suffix == QLatin1String("csv"))
        filter = tr("CSV files (*.csv)");
    else
        filter = tr("PNG images (*.png);;PDF documents (*.pdf);;CSV data (*.csv)");
    QString file = m_choosers.saveFile(tr("Export plot"),
        suggestion(base, suffix.isEmpty() ? QStringLiteral("png") : suffix), filter);
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().isEmpty())
        file += QLatin1Char('.') + (suffix.isEmpty() ? QStringLiteral("png") : suffix);
    const QString error = exportPlot(view, file);
    if (!error.isEmpty()) {
        m_choosers.error(tr("Export plot"), error);
        return;
    }
    emit statusMessage(tr("Exported the %1 plot to %2").arg(base, native(file)), 5000);
}

// --- predict ---------------------------------------------------------------------------------

PredictDialog* ExportActions::predictDialog() const
{
    return m_predictDialog;
}

void ExportActions::showPredictDialog()
{
    if (!m_predictDialog) {
        // The dialog asks through this object's choosers as they are when it asks (tests
        // replace them).
        FileChoosers forward;
        forward.saveFile = [this](const QString& t, const QString& s, const QString& f) {
            return m_choosers.saveFile(t, s, f);
        };
        forward.openFile = [this](const QString& t, const QString& s, const QString& f) {
            return m_choosers.openFile(t, s, f);
        };
        forward.directory = [this](const QString& t, const QString& s, const QString& f) {
            return m_choosers.directory(t, s, f);
        };
        forward.error = [this](const QString& t, const QString& m) { m_choosers.error(t, m); };
        m_predictDialog = new PredictDialog(std::move(forward), m_window);
        m_predictDialog->setAttribute(Qt::WA_DeleteOnClose, false);
    }
    m_predictDialog->setOpenProject(
        [this] { return trainedModel(); }, projectTitle(), modelProblem());
    if (modelProblem().isEmpty())
        m_predictDialog->useOpenProject();
    m_predictDialog->show();
    m_predictDialog->raise();
    m_predictDialog->activateWindow();
}

} // namespace widgets

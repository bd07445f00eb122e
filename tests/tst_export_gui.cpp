// File > Export, the plots' export menus and the Predict dialog, driven through the real actions
// of the main window with the file choosers answered by the test (offscreen).
#include "MainWindow.h"
#include "canvas/CanvasScene.h"
#include "document/GraphDocument.h"
#include "export/DiagramExport.h"
#include "export/ExportActions.h"
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

#include "data/DatasetSpec.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "project/Project.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QContextMenuEvent>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QXmlStreamReader>

#include <nlohmann/json.hpp>

#include <cstring>
#include <memory>

using widgets::ExportActions;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QStringList lines(const QByteArray& text)
{
    return QString::fromUtf8(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

/// A grid of points over the XOR plane (2 x 49).
engine::Matrix gridPoints()
{
    engine::Matrix x(2, 49);
    for (int i = 0; i < 7; ++i)
        for (int j = 0; j < 7; ++j) {
            x(0, i * 7 + j) = engine::Scalar(-6 + 2 * i);
            x(1, i * 7 + j) = engine::Scalar(-5.5 + 2 * j);
        }
    return x;
}

/// Counts pixels that are not (nearly) white.
int inkPixels(const QImage& image)
{
    int ink = 0;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = 0; x < rgb.width(); ++x)
            if (qGray(rgb.pixel(x, y)) < 200)
                ++ink;
    return ink;
}

} // namespace

class TestExportGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void modelExportsNeedTrainedWeights();
    void trainsThroughThePanel();
    void onnxExportEmbedsTheProject();
    void onnxErrorNamesTheFile();
    void trainedProjectRoundTripsPredictions();
    void pytorchScript();
    void pytorchTrainingProject();
    void pytorchTrainingProjectWriteFailureLeavesNothing();
    void weightsAsNpy();
    void weightsAsCsv();
    void diagramSvg();
    void diagramPng();
    void plotContextMenuExportsCsv();
    void everyPlotExports_data();
    void everyPlotExports();
    void currentPlotFollowsTheVisibleTab();
    void predictDialogWritesPredictions();
    void predictDialogUsesOnnxFile();
    void predictDialogReportsMalformedCsv_data();
    void predictDialogReportsMalformedCsv();
    void predictDialogShowsClassNamesReadably();
    void predictDialogEnterDoesNotBrowse();
    void invalidNetworkDisablesModelExports();

private:
    QString path(const QString& name) const { return m_dir->filePath(name); }
    ExportActions* exporter() const { return m_window->exportActions(); }
    /// The open project's predictions for `x`, as the GUI computes them.
    engine::Predictions guiPredictions(const engine::Matrix& x) const
    {
        engine::TrainedModel m = exporter()->trainedModel();
        return engine::predict(m, x);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    QString m_nextFile; ///< what the next save / open / folder chooser answers
    QStringList m_errors; ///< (title: message) of every error dialog
    QStringList m_asked; ///< titles of the choosers asked
};

void TestExportGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas")).clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // NETCANVAS_KEEP_TEST_FILES=1 keeps the exported files for a look.
    m_dir->setAutoRemove(qEnvironmentVariableIsEmpty("NETCANVAS_KEEP_TEST_FILES"));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(m_window->openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());

    widgets::FileChoosers c;
    auto answer = [this](const QString& title, const QString&, const QString&) {
        m_asked << title;
        return m_nextFile;
    };
    c.saveFile = answer;
    c.openFile = answer;
    c.directory = answer;
    c.error = [this](const QString& title, const QString& message) {
        m_errors << title + QStringLiteral(": ") + message;
    };
    exporter()->setChoosers(c);
}

void TestExportGui::cleanupTestCase()
{
    if (m_window)
        m_window->trainingPanel()->controller()->stop();
    m_window.reset();
}

void TestExportGui::modelExportsNeedTrainedWeights()
{
    QVERIFY(m_window->document()->weights().empty());
    for (QAction* a :
        {exporter()->onnxAction(), exporter()->pytorchAction(), exporter()->trainedProjectAction(),
            exporter()->weightsCsvAction(), exporter()->weightsNpyAction()}) {
        QVERIFY2(!a->isEnabled(), qPrintable(a->text()));
        QVERIFY2(a->toolTip().contains(QLatin1String("Train the network first")),
            qPrintable(a->toolTip()));
    }
    // The PyTorch training project starts from NetCanvas's initialization when untrained.
    QVERIFY2(exporter()->pytorchTrainingAction()->isEnabled(),
        qPrintable(exporter()->pytorchTrainingAction()->toolTip()));
    QVERIFY(exporter()->exportMenu()->actions().contains(exporter()->pytorchTrainingAction()));
    // The diagram needs no training.
    QVERIFY(exporter()->diagramSvgAction()->isEnabled());
    QVERIFY(exporter()->diagramPngAction()->isEnabled());
    // The actions are in File > Export.
    const QList<QAction*> menu = exporter()->exportMenu()->actions();
    QVERIFY(menu.contains(exporter()->onnxAction()));
    QVERIFY(menu.contains(exporter()->currentPlotAction()));
    QVERIFY(exporter()->exportMenu()->toolTipsVisible());
}

void TestExportGui::trainsThroughThePanel()
{
    widgets::TrainingPanel* panel = m_window->trainingPanel();
    widgets::TrainingController* c = panel->controller();
    QSignalSpy finished(c, &widgets::TrainingController::finished);
    panel->trainAction()->trigger();
    QVERIFY(c->isRunning());
    QVERIFY2(!exporter()->onnxAction()->isEnabled(), "no model export while training");
    QVERIFY(exporter()->onnxAction()->toolTip().contains(QLatin1String("Stop training")));
    QVERIFY(finished.wait(120000));
    QVERIFY(!m_window->document()->weights().empty());
    QCOMPARE(exporter()->modelProblem(), QString());
    QCOMPARE(exporter()->onnxAction()->isEnabled(), engine::onnxAvailable());
    QVERIFY(exporter()->pytorchAction()->isEnabled());
    QVERIFY(exporter()->weightsNpyAction()->isEnabled());
}

void TestExportGui::onnxExportEmbedsTheProject()
{
    if (!engine::onnxAvailable())
        QSKIP("built without ONNX");
    m_nextFile = path(QStringLiteral("xor.onnx"));
    exporter()->onnxAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    QVERIFY(QFile::exists(m_nextFile));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("xor.onnx")));

    const engine::OnnxNetCanvasModel read
        = engine::readNetCanvasOnnx(QFile::encodeName(m_nextFile).toStdString());
    QCOMPARE(read.project.nodes.size(), m_window->document()->project().nodes.size());
    QCOMPARE(read.inputFeatures, 2L);
    const engine::WeightMap& weights = m_window->document()->weights();
    QCOMPARE(read.project.weights.size(), weights.size());
    for (const auto& [id, params] : weights)
        for (const auto& [name, value] : params)
            QVERIFY(read.project.weights.at(id).at(name) == value);

    engine::TrainedModel onnx
        = engine::loadTrainedModel(QFile::encodeName(m_nextFile).toStdString());
    const engine::Matrix x = gridPoints();
    QVERIFY(engine::predict(onnx, x).values == guiPredictions(x).values);
}

void TestExportGui::onnxErrorNamesTheFile()
{
    // A folder that does not exist: the dialog names the file and the reason.
    m_nextFile = path(QStringLiteral("missing/folder/model.py"));
    exporter()->pytorchAction()->trigger();
    QCOMPARE(m_errors.size(), 1);
    QVERIFY2(m_errors.front().contains(QLatin1String("missing/folder/model.py")),
        qPrintable(m_errors.front()));
    QVERIFY2(
        m_errors.front().contains(QLatin1String("cannot write")), qPrintable(m_errors.front()));
    QVERIFY(!QFile::exists(m_nextFile));
    m_errors.clear();
}

void TestExportGui::trainedProjectRoundTripsPredictions()
{
    m_nextFile = path(QStringLiteral("xor_trained.json"));
    exporter()->trainedProjectAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const engine::Project saved = engine::loadProject(QFile::encodeName(m_nextFile).toStdString());
    QCOMPARE(saved.weights.size(), m_window->document()->weights().size());
    engine::TrainedModel model
        = engine::loadTrainedModel(QFile::encodeName(m_nextFile).toStdString());
    const engine::Matrix x = gridPoints();
    const engine::Predictions fromFile = engine::predict(model, x);
    const engine::Predictions fromGui = guiPredictions(x);
    QVERIFY(fromFile.values == fromGui.values); // identical, not close
    QVERIFY(fromFile.labels == fromGui.labels);
    QCOMPARE(fromFile.columns, (std::vector<std::string> {"p1", "label"}));
    // Trained: XOR's quadrants come out right.
    QCOMPARE(fromFile.labels[0], 1); // (-6, -5.5): same signs
    QCOMPARE(fromFile.labels[6], 0); // (-6, 6.5)
}

void TestExportGui::pytorchScript()
{
    m_nextFile = path(QStringLiteral("xor.py"));
    exporter()->pytorchAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const QByteArray script = readAll(m_nextFile);
    QVERIFY(script.contains("class Net("));
    QVERIFY(script.contains("import torch"));
}

void TestExportGui::pytorchTrainingProject()
{
    m_nextFile = path(QStringLiteral("xor_pytorch"));
    m_asked.clear();
    exporter()->pytorchTrainingAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    QCOMPARE(m_asked, QStringList {QStringLiteral("Folder for the PyTorch training project")});
    const QDir dir(m_nextFile);
    for (const char* name : {"train.py", "model.py", "netcanvas_project.json", "README.txt"})
        QVERIFY2(dir.exists(QLatin1String(name)), name);
    QVERIFY(readAll(dir.filePath(QStringLiteral("model.py"))).contains("import torch"));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("xor_pytorch")));

    // It starts from the document's trained weights (model.py holds them), not from a fresh
    // initialization.
    QVERIFY(!m_window->document()->weights().empty());
    const QByteArray meta = readAll(dir.filePath(QStringLiteral("netcanvas_export.json")));
    const nlohmann::json metaJson = nlohmann::json::parse(meta.toStdString(), nullptr, false);
    QVERIFY2(metaJson.is_object(), meta.left(300).constData());
    QCOMPARE(metaJson.value("startingWeights", std::string()), std::string("trained"));
}

void TestExportGui::pytorchTrainingProjectWriteFailureLeavesNothing()
{
    // The folder's parent is a file: nothing can be written, and the dialog says where.
    writeAll(path(QStringLiteral("not_a_folder")), "x");
    m_nextFile = path(QStringLiteral("not_a_folder/xor_pytorch"));
    const QStringList before = QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden);
    exporter()->pytorchTrainingAction()->trigger();
    QCOMPARE(m_errors.size(), 1);
    QVERIFY2(m_errors.front().startsWith(QLatin1String("Export PyTorch training project: ")),
        qPrintable(m_errors.front()));
    QVERIFY2(m_errors.front().contains(QLatin1String("not_a_folder/xor_pytorch")),
        qPrintable(m_errors.front()));
    QVERIFY2(m_errors.front().contains(QLatin1String("cannot")), qPrintable(m_errors.front()));
    // No temporary folder or partial export is left behind.
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden), before);
    QCOMPARE(readAll(path(QStringLiteral("not_a_folder"))), QByteArray("x"));
    m_errors.clear();
}

void TestExportGui::weightsAsNpy()
{
    m_nextFile = path(QStringLiteral("npy"));
    exporter()->weightsNpyAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const QDir dir(m_nextFile);
    QStringList expected = {QStringLiteral("README.txt"), QStringLiteral("hidden.W.npy"),
        QStringLiteral("hidden.b.npy"), QStringLiteral("output.W.npy"),
        QStringLiteral("output.b.npy")};
    QCOMPARE(dir.entryList(QDir::Files, QDir::Name), expected);

    const engine::Matrix& w = m_window->document()->weights().at(2).at("W"); // hidden: 8 x 2
    QCOMPARE(w.rows(), 8);
    QCOMPARE(w.cols(), 2);
    const QByteArray bytes = readAll(dir.filePath(QStringLiteral("hidden.W.npy")));
    QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)));
    const int headerLength = uchar(bytes[8]) | (uchar(bytes[9]) << 8);
    QCOMPARE((10 + headerLength) % 64, 0);
    const QByteArray header = bytes.mid(10, headerLength);
    QVERIFY2(header.contains("'descr': '<f4'"), header.constData());
    QVERIFY2(header.contains("'shape': (8, 2)"), header.constData());
    QCOMPARE(bytes.size(), 10 + headerLength + 16 * 4);
    float v = 0;
    std::memcpy(&v, bytes.constData() + 10 + headerLength + 4 * (3 * 2 + 1), 4); // row 3, col 1
    QVERIFY(v == float(w(3, 1)));
    const QByteArray bias = readAll(dir.filePath(QStringLiteral("hidden.b.npy")));
    QVERIFY2(bias.contains("'shape': (8,)"), bias.constData());

    const QByteArray readme = readAll(dir.filePath(QStringLiteral("README.txt")));
    QVERIFY(readme.contains("hidden.W.npy  (8, 2)"));
    QVERIFY(readme.contains("output.b.npy  (1,)"));
    QVERIFY(readme.contains("numpy.load"));
}

void TestExportGui::weightsAsCsv()
{
    m_nextFile = path(QStringLiteral("weights.csv"));
    exporter()->weightsCsvAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const QStringList rows = lines(readAll(m_nextFile));
    QCOMPARE(rows.front(), QStringLiteral("node,type,parameter,row,column,value"));
    QCOMPARE(rows.size(), 1 + 8 * 2 + 8 + 1 * 8 + 1); // hidden W, b; output W, b
    const engine::Matrix& w = m_window->document()->weights().at(2).at("W");
    const QString prefix = QStringLiteral("hidden,Dense,W,3,1,");
    bool found = false;
    for (const QString& r : rows) {
        if (r.startsWith(prefix)) {
            found = true;
            QCOMPARE(r.mid(prefix.size()).toFloat(), float(w(3, 1)));
        }
    }
    QVERIFY(found);
}

void TestExportGui::diagramSvg()
{
    widgets::CanvasScene* scene = m_window->scene();
    scene->selectNodes({2});
    m_nextFile = path(QStringLiteral("xor.svg"));
    exporter()->diagramSvgAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const QByteArray svg = readAll(m_nextFile);
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QXmlStreamReader xml(svg);
    QStringList texts;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    for (const char* label : {"hidden", "output", "Dense", "Input", "Loss"})
        QVERIFY2(texts.contains(QLatin1String(label)), qPrintable(texts.join('|')));
    const QRectF rect = widgets::diagramexport::rect(scene);
    QCOMPARE(renderer.viewBoxF().size(), rect.size());
    // The selection is back, untouched by the export.
    QCOMPARE(scene->selectedNodeIds(), (std::vector<engine::NodeId> {2}));
}

void TestExportGui::diagramPng()
{
    widgets::CanvasScene* scene = m_window->scene();
    m_nextFile = path(QStringLiteral("xor.png"));
    exporter()->diagramPngAction()->trigger();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    QImage image(m_nextFile);
    QVERIFY(!image.isNull());
    const QRectF rect = widgets::diagramexport::rect(scene);
    QCOMPARE(image.size(), (rect.size() * 2).toSize());
    // Four cards side by side: wider than tall, margins white, lots of ink.
    QVERIFY(image.width() > 2 * image.height());
    QCOMPARE(QColor(image.pixel(2, 2)), QColor(Qt::white));
    QCOMPARE(QColor(image.pixel(image.width() - 3, image.height() - 3)), QColor(Qt::white));
    QVERIFY(inkPixels(image) > image.width() * image.height() / 50);
    // The selected card (hidden) is drawn like the others: its accent outline is not exported.
    const QImage again = widgets::diagramexport::image(scene, 2.0);
    scene->selectNodes({});
    const QImage unselected = widgets::diagramexport::image(scene, 2.0);
    QVERIFY(again == unselected);
    scene->selectNodes({2});
    QCOMPARE(scene->selectedNodeIds(), (std::vector<engine::NodeId> {2}));
}

void TestExportGui::plotContextMenuExportsCsv()
{
    widgets::LossPlot* loss = m_window->trainingPanel()->lossPlot();
    QCustomPlot* plot = loss->plot();
    // Right-click on the plot itself: the event reaches the view's menu.
    QContextMenuEvent event(
        QContextMenuEvent::Mouse, QPoint(40, 40), plot->mapToGlobal(QPoint(40, 40)));
    QApplication::sendEvent(plot, &event);
    QMenu* menu = loss->findChild<QMenu*>(QStringLiteral("PlotExportMenu"));
    QVERIFY(menu);
    QAction* csv = nullptr;
    for (QAction* a : menu->actions())
        if (a->text().contains(QLatin1String("CSV")))
            csv = a;
    QVERIFY(csv);
    m_nextFile = path(QStringLiteral("loss.csv"));
    csv->trigger();
    menu->close();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    const QStringList rows = lines(readAll(m_nextFile));
    QCOMPARE(rows.front(), QStringLiteral("run,label,series,x,value"));
    int trainLoss = 0;
    for (const QString& r : rows)
        if (r.contains(QLatin1String(",train_loss,")))
            ++trainLoss;
    QCOMPARE(trainLoss, loss->epochPointCount());
    QCOMPARE(trainLoss, 150);
    QCOMPARE(exporter()->currentPlot(), static_cast<QWidget*>(loss));
}

void TestExportGui::everyPlotExports_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("header");
    QTest::addColumn<int>("minRows");
    QTest::newRow("loss") << "loss"
                          << "run,label,series,x,value" << 150;
    QTest::newRow("gradient flow") << "gradient-flow"
                                   << "layer,epoch,mean_gradient_norm" << 2;
    QTest::newRow("weight histogram") << "weight-histogram"
                                      << "tensor,series,x,value" << 9;
    QTest::newRow("weight heatmap") << "weight-heatmap"
                                    << "tensor,row,column,value" << 2;
    QTest::newRow("decision boundary") << "decision-boundary"
                                       << "x1,x2,prediction" << 100;
    QTest::newRow("confusion matrix") << "confusion-matrix"
                                      << "actual,predicted,actual_name,predicted_name,count" << 4;
}

void TestExportGui::everyPlotExports()
{
    QFETCH(QString, name);
    QFETCH(QString, header);
    QFETCH(int, minRows);
    widgets::TrainingPanel* panel = m_window->trainingPanel();
    const std::map<QString, QWidget*> views
        = {{"loss", panel->lossPlot()}, {"gradient-flow", panel->gradientFlow()},
            {"weight-histogram", panel->histogram()}, {"weight-heatmap", panel->heatmap()},
            {"decision-boundary", panel->boundary()}, {"confusion-matrix", panel->confusion()}};
    QWidget* view = views.at(name);
    // Each view is exportable from its own right-click menu.
    QCOMPARE(view->contextMenuPolicy(), Qt::CustomContextMenu);
    if (int tab = panel->tabs()->indexOf(view); tab >= 0)
        panel->tabs()->setCurrentIndex(tab);

    const QString csv = path(name + QStringLiteral(".csv"));
    QCOMPARE(exporter()->exportPlot(view, csv), QString());
    const QStringList rows = lines(readAll(csv));
    QCOMPARE(rows.front(), header);
    QVERIFY2(rows.size() - 1 >= minRows, qPrintable(QString::number(rows.size())));
    if (name == QLatin1String("confusion-matrix")) {
        // 2 classes: 4 cells whose counts add up to the validation set (20 % of 200).
        QCOMPARE(rows.size(), 5);
        long total = 0;
        for (int i = 1; i < rows.size(); ++i)
            total += rows[i].section(QLatin1Char(','), 4, 4).toLong();
        QCOMPARE(total, 40L);
    }
    if (name == QLatin1String("weight-heatmap")) {
        const auto* heatmap = static_cast<widgets::WeightHeatmap*>(view);
        const QStringList cells = rows[1].split(QLatin1Char(','));
        QCOMPARE(cells.size(), 4);
        QCOMPARE(float(cells[3].toDouble()),
            float(*heatmap->cellValue(cells[1].toInt(), cells[2].toInt())));
    }

    const QString png = path(name + QStringLiteral(".png"));
    QCOMPARE(exporter()->exportPlot(view, png), QString());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 2 * 150 && image.height() >= 2 * 100);
    QVERIFY(inkPixels(image) > 200);

    const QString pdf = path(name + QStringLiteral(".pdf"));
    QCOMPARE(exporter()->exportPlot(view, pdf), QString());
    QVERIFY(readAll(pdf).startsWith("%PDF"));

    QVERIFY(exporter()
                ->exportPlot(view, path(name + QStringLiteral(".bmp")))
                .contains(QLatin1String("unknown format")));
}

void TestExportGui::currentPlotFollowsTheVisibleTab()
{
    widgets::TrainingPanel* panel = m_window->trainingPanel();
    panel->tabs()->setCurrentWidget(panel->confusion());
    QTest::mouseClick(panel->confusion(), Qt::LeftButton);
    QCOMPARE(exporter()->currentPlot(), static_cast<QWidget*>(panel->confusion()));
    m_nextFile = path(QStringLiteral("current.csv"));
    m_asked.clear();
    exporter()->currentPlotAction()->trigger();
    QCOMPARE(m_asked, QStringList {QStringLiteral("Export plot")});
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    QCOMPARE(lines(readAll(m_nextFile)).front(),
        QStringLiteral("actual,predicted,actual_name,predicted_name,count"));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("current.csv")));
}

void TestExportGui::predictDialogWritesPredictions()
{
    const QString input = path(QStringLiteral("points.csv"));
    writeAll(input, "x1,x2\n3,4\n-2.5,3\n 4 , -1.5\n\n-3,-3.5\n");
    exporter()->predictAction()->trigger();
    widgets::PredictDialog* dialog = exporter()->predictDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->setInputFile(input));
    QVERIFY2(!dialog->hasError(), qPrintable(dialog->message()));
    const engine::Predictions* p = dialog->predictions();
    QVERIFY(p);
    QCOMPARE(p->samples(), 4L);
    QCOMPARE(p->labels, (std::vector<int> {1, 0, 0, 1}));

    engine::Matrix x(2, 4);
    x << 3, -2.5, 4, -3, 4, 3, -1.5, -3.5;
    const engine::Predictions expected = guiPredictions(x);
    QVERIFY(p->values == expected.values);

    // The preview shows the inputs under their header names and the predictions.
    QTableWidget* table = dialog->preview();
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->columnCount(), 4);
    QCOMPARE(table->horizontalHeaderItem(0)->text(), QStringLiteral("x1"));
    QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("p1"));
    QCOMPARE(table->horizontalHeaderItem(3)->text(), QStringLiteral("label"));
    QCOMPARE(table->item(1, 3)->text(), QStringLiteral("0"));

    m_nextFile = path(QStringLiteral("points_predictions.csv"));
    QVERIFY(dialog->saveButton()->isEnabled());
    dialog->saveButton()->click();
    QVERIFY2(m_errors.isEmpty(), qPrintable(m_errors.join('\n')));
    QCOMPARE(readAll(m_nextFile), QByteArray::fromStdString(engine::predictionsCsv(expected)));
    QCOMPARE(lines(readAll(m_nextFile)).front(), QStringLiteral("p1,label"));
    dialog->grab().save(QDir::temp().filePath(QStringLiteral("exportgui-predict.png")));
}

void TestExportGui::predictDialogUsesOnnxFile()
{
    if (!engine::onnxAvailable())
        QSKIP("built without ONNX");
    widgets::PredictDialog* dialog = exporter()->predictDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->setModelFile(path(QStringLiteral("xor.onnx"))));
    QVERIFY2(!dialog->hasError(), qPrintable(dialog->message()));
    QVERIFY(dialog->predictions());
    QCOMPARE(dialog->predictions()->labels, (std::vector<int> {1, 0, 0, 1}));
    // A file that is no model: the message names it.
    QVERIFY(!dialog->setModelFile(path(QStringLiteral("points.csv"))));
    QVERIFY(dialog->hasError());
    QVERIFY2(
        dialog->message().contains(QLatin1String("points.csv")), qPrintable(dialog->message()));
    QVERIFY(!dialog->saveButton()->isEnabled());
    QVERIFY(dialog->useOpenProject());
}

void TestExportGui::predictDialogReportsMalformedCsv_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("not a number") << QByteArray("a,b\n1,2\n3,abc\n") << "row 3, column 2";
    QTest::newRow("too many columns") << QByteArray("1,2\n1,2,3\n") << "row 2";
    QTest::newRow("too few columns") << QByteArray("1\n") << "row 1";
    QTest::newRow("no rows") << QByteArray("x,y\n") << "no data rows";
}

void TestExportGui::predictDialogReportsMalformedCsv()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, where);
    widgets::PredictDialog* dialog = exporter()->predictDialog();
    QVERIFY(dialog);
    const QString input = path(QStringLiteral("bad.csv"));
    writeAll(input, csv);
    QVERIFY(!dialog->setInputFile(input));
    QVERIFY(dialog->hasError());
    QVERIFY2(dialog->message().startsWith(input + QStringLiteral(": ") + where),
        qPrintable(dialog->message()));
    QVERIFY(!dialog->predictions());
    QVERIFY(!dialog->saveButton()->isEnabled());
    QCOMPARE(dialog->preview()->rowCount(), 0);
    if (QTest::currentDataTag() == QByteArray("not a number"))
        dialog->grab().save(QDir::temp().filePath(QStringLiteral("exportgui-predict-error.png")));
}

/// An Iris model (initial weights scaled up, so some probabilities are tiny):
/// the preview names each predicted species, and small probabilities read as numbers, not
/// elided to "1....".
void TestExportGui::predictDialogShowsClassNamesReadably()
{
    for (const char* name : {"iris.json", "iris.csv"})
        QVERIFY(QFile::copy(QStringLiteral(":/examples/") + QLatin1String(name),
            path(QStringLiteral("names_") + QLatin1String(name))));
    engine::Project iris
        = engine::loadProject(path(QStringLiteral("names_iris.json")).toStdString());
    iris.dataset.path = path(QStringLiteral("names_iris.csv")).toStdString();
    engine::FeatureScaling scaling;
    const engine::GraphContext context
        = engine::projectContext(iris, m_dir->path().toStdString(), &scaling);
    iris.dataset.options["scalingStats"] = engine::scalingToJson(scaling);
    engine::Graph g = iris.buildGraph();
    g.compile(context, 1);
    iris.weights = g.weights();
    for (auto& [id, params] : iris.weights)
        for (auto& [param, value] : params)
            value *= 8; // large logits: some probabilities far below 1e-4
    const QString model = path(QStringLiteral("names_iris_trained.json"));
    engine::saveProject(iris, model.toStdString());
    const QString input = path(QStringLiteral("names_rows.csv"));
    writeAll(input,
        "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.4,3.2,4.5,1.5\n"
        "7.7,3.0,6.1,2.3\n4.9,3.0,1.4,0.2\n");

    exporter()->predictAction()->trigger();
    widgets::PredictDialog* dialog = exporter()->predictDialog();
    QVERIFY(dialog);
    dialog->setModelFile(model); // predicts the earlier input, which has XOR's 2 columns
    QVERIFY2(dialog->setInputFile(input), qPrintable(dialog->message()));
    const engine::Predictions* p = dialog->predictions();
    QVERIFY(p);
    QTableWidget* table = dialog->preview();
    QCOMPARE(table->columnCount(), 4 + 3 + 2);
    QCOMPARE(table->horizontalHeaderItem(7)->text(), QStringLiteral("label"));
    QCOMPARE(table->horizontalHeaderItem(8)->text(), QStringLiteral("label_name"));
    const QStringList species {"setosa", "versicolor", "virginica"};
    double smallest = 1;
    for (int r = 0; r < table->rowCount(); ++r) {
        const int label = p->labels[std::size_t(r)];
        QCOMPARE(table->item(r, 7)->text(), QString::number(label));
        QVERIFY2(table->item(r, 8), "no label_name cell");
        QCOMPARE(table->item(r, 8)->text(), species[label]);
        QVERIFY(table->item(r, 8)->font().bold());
        // The name is in view, whole, without scrolling.
        QFont bold = table->font();
        bold.setBold(true);
        QVERIFY(table->columnWidth(8) >= QFontMetrics(bold).horizontalAdvance(species[label]));
        QVERIFY(
            table->columnViewportPosition(8) + table->columnWidth(8) <= table->viewport()->width());
        for (int k = 0; k < 3; ++k) {
            const double v = double(p->values(k, r));
            smallest = std::min(smallest, v);
            const QString text = table->item(r, 4 + k)->text();
            // Three significant digits: reads back within 0.5 % of the value.
            bool ok = false;
            QVERIFY2(std::abs(text.toDouble(&ok) - v) <= 5e-3 * v && ok, qPrintable(text));
            // Wide enough for the whole text: no eliding.
            const int needed = table->fontMetrics().horizontalAdvance(text);
            QVERIFY2(table->columnWidth(4 + k) >= needed,
                qPrintable(QStringLiteral("%1 in %2 px").arg(text).arg(table->columnWidth(4 + k))));
        }
    }
    QVERIFY2(smallest < 1e-4, qPrintable(QString::number(smallest))); // the case of the issue
    QCOMPARE(widgets::PredictDialog::previewText(2.4567e-05), QStringLiteral("2.46e-05"));
    QCOMPARE(widgets::PredictDialog::previewText(0.98234), QStringLiteral("0.982"));
    dialog->grab().save(QDir::temp().filePath(QStringLiteral("exportgui-predict-names.png")));
    QVERIFY(dialog->useOpenProject() || dialog->hasError()); // back to XOR, for the next test
}

/// Enter in the input field takes the typed path; it does not open the model's Browse dialog.
void TestExportGui::predictDialogEnterDoesNotBrowse()
{
    widgets::PredictDialog* dialog = exporter()->predictDialog();
    QVERIFY(dialog);
    dialog->show();
    dialog->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(dialog));
    const QString input = path(QStringLiteral("enter.csv"));
    writeAll(input, "3,4\n-3,-3.5\n");
    m_asked.clear();
    m_nextFile.clear();
    QLineEdit* edit = dialog->inputEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, input);
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY2(m_asked.isEmpty(), qPrintable(m_asked.join(", ")));
    QVERIFY(dialog->isVisible());
    QVERIFY2(!dialog->hasError(), qPrintable(dialog->message()));
    QVERIFY(dialog->predictions());
    QCOMPARE(dialog->predictions()->samples(), 2L);
}

void TestExportGui::invalidNetworkDisablesModelExports()
{
    widgets::GraphDocument* doc = m_window->document();
    doc->removeEdge(engine::Edge {2, 0, 3, 0});
    QVERIFY(!doc->check().ok());
    QVERIFY(!exporter()->onnxAction()->isEnabled());
    QVERIFY(!exporter()->pytorchAction()->isEnabled());
    QVERIFY2(exporter()->pytorchAction()->toolTip().contains(QLatin1String("does not validate")),
        qPrintable(exporter()->pytorchAction()->toolTip()));
    // The weights themselves can still be saved.
    QVERIFY(exporter()->weightsCsvAction()->isEnabled());
    doc->addEdge(engine::Edge {2, 0, 3, 0});
    QVERIFY(doc->check().ok());
    QCOMPARE(exporter()->pytorchAction()->isEnabled(), true);
}

QTEST_MAIN(TestExportGui)
#include "tst_export_gui.moc"

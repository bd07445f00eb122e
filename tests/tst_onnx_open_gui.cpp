// An ONNX model opened in the window (File > Open of a .onnx, File > Import > ONNX Model): an
// ordinary untitled project on the canvas, trained, that fine-tunes once data is chosen and is
// saved as a project, never over the model; a model that does not map changes nothing.
#include "QuietWindow.h"
#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerNodeItem.h"
#include "data/DatasetSpec.h"
#include "document/GraphDocument.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "graph/Graph.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#ifdef NETCANVAS_ONNX_GRAPH_WRITER
#include "OnnxGraphWriter.h"
#endif

namespace {

engine::Project example(const QString& name)
{
    const QString dir = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/";
    return engine::loadProject((dir + name).toStdString());
}

/// The XOR example with weights as a first compile draws them, exported by NetCanvas.
QString exportXor(const QTemporaryDir& dir)
{
    engine::Project project = example(QStringLiteral("mlp_xor.json"));
    const engine::GraphContext context = engine::projectContext(project, {});
    engine::Graph graph = project.buildGraph();
    graph.compile(context, 3);
    project.weights = graph.weights();
    const QString file = dir.filePath(QStringLiteral("xor_model.onnx"));
    engine::exportOnnx(project, context, file.toStdString());
    return file;
}

} // namespace

class TestOnnxOpenGui : public QObject {
    Q_OBJECT
private slots:
    void openedModelIsAnUntitledTrainedProject();
    void modelThatDoesNotMapChangesNothing();
    void residualNetworkFitsTheViewWithoutOverlaps();
};

void TestOnnxOpenGui::openedModelIsAnUntitledTrainedProject()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString model = exportXor(dir);
    guitest::QuietWindow w;
    w.show();
    QCOMPARE(w.openFile(model), QString());

    const engine::Project& project = w.document()->project();
    QVERIFY(!project.weights.empty());
    // Every layer a card, named as in the ONNX graph, none on top of another.
    QVERIFY(project.nodes.size() >= 3);
    std::vector<QRectF> cards;
    for (const engine::NodeRecord& node : project.nodes) {
        QVERIFY2(!node.name.empty(), node.type.c_str());
        QVERIFY(w.scene()->nodeItem(node.id));
        cards.push_back(w.scene()->nodeItem(node.id)->sceneBoundingRect());
    }
    for (std::size_t i = 0; i < cards.size(); ++i)
        for (std::size_t j = i + 1; j < cards.size(); ++j)
            QVERIFY(!cards[i].intersects(cards[j]));
    // Trained, untitled (named after the model), and Save does not write over the .onnx.
    widgets::TrainingPanel* panel = w.trainingPanel();
    QVERIFY2(panel->controller()->idleSummary().startsWith(QStringLiteral("Trained")),
        qPrintable(panel->controller()->idleSummary()));
    QVERIFY2(w.windowTitle().contains(QStringLiteral("xor_model")), qPrintable(w.windowTitle()));
    QVERIFY(w.filePath().isEmpty());
    const QString saved = dir.filePath(QStringLiteral("xor_model.json"));
    QCOMPARE(w.saveToFile(saved), QString());
    QCOMPARE(engine::loadProject(saved.toStdString()).weights.size(), project.weights.size());

    // No data yet: nothing may claim the model is ready to train or that it reads a CSV file,
    // and Train says what to do instead of starting a run that cannot load.
    const QString summary = w.statusSummary()->text();
    QVERIFY2(!summary.contains(QStringLiteral("ready to train")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("choose data")), qPrintable(summary));
    auto* from = w.findChild<QLabel*>(QStringLiteral("datasetSourceLabel"));
    QVERIFY(from);
    QVERIFY2(!from->text().contains(QStringLiteral("CSV")), qPrintable(from->text()));
    QVERIFY2(from->text().contains(QStringLiteral("Import Dataset")), qPrintable(from->text()));
    QSignalSpy started(panel->controller(), &widgets::TrainingController::stateChanged);
    panel->trainAction()->trigger();
    QCoreApplication::processEvents();
    QCOMPARE(started.size(), 0);
    QVERIFY2(panel->statusText().contains(QStringLiteral("Import Dataset")),
        qPrintable(panel->statusText()));

    // Fine-tuning: data chosen, Train continues from the imported weights.
    engine::DatasetSpec data = example(QStringLiteral("mlp_xor.json")).dataset;
    w.document()->setDatasetSpec(data);
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = 3;
    w.document()->setTrainingConfig(config);
    QSignalSpy finished(panel->controller(), &widgets::TrainingController::finished);
    QSignalSpy failed(panel->controller(), &widgets::TrainingController::failed);
    panel->trainAction()->trigger();
    QVERIFY(finished.wait(60000));
    QCOMPARE(failed.size(), 0);
    QVERIFY2(
        panel->statusText().startsWith(QStringLiteral("Done")), qPrintable(panel->statusText()));
}

void TestOnnxOpenGui::modelThatDoesNotMapChangesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    guitest::QuietWindow w;
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    const std::size_t nodes = w.document()->project().nodes.size();
    const QString name = QString::fromStdString(w.document()->project().name);

    const QString broken = dir.filePath(QStringLiteral("broken.onnx"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a protobuf model");
    file.close();
    const QString error = w.openFile(broken);
    QVERIFY2(error.startsWith(broken), qPrintable(error));
    QCOMPARE(w.document()->project().nodes.size(), nodes);
    QCOMPARE(QString::fromStdString(w.document()->project().name), name);
}

void TestOnnxOpenGui::residualNetworkFitsTheViewWithoutOverlaps()
{
#ifndef NETCANVAS_ONNX_GRAPH_WRITER
    QSKIP("built without ONNX support");
#else
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString model = dir.filePath(QStringLiteral("residual_network.onnx"));
    onnxtest::GraphWriter g(64);
    g.save(model, onnxtest::residualNetwork(g));
    guitest::QuietWindow w;
    w.resize(1366, 768);
    w.show();
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(w.openFile(model), QString());
    qInfo("opened in %lld ms", clock.elapsed());

    const engine::Project& project = w.document()->project();
    QVERIFY2(project.nodes.size() >= 50, qPrintable(QString::number(project.nodes.size())));
    w.view()->zoomToFit(); // View > Zoom to Fit
    // NETCANVAS_SHOT_DIR: where to save a picture of the fitted window, to look at.
    const QString shot = qEnvironmentVariable("NETCANVAS_SHOT_DIR");
    if (!shot.isEmpty())
        w.grab().save(shot + "/onnx_residual_network.png");
    qInfo("cards span %g x %g; the viewport %d x %d", w.scene()->nodesBoundingRect().width(),
        w.scene()->nodesBoundingRect().height(), w.view()->viewport()->width(),
        w.view()->viewport()->height());
    const QRectF visible = w.view()->mapToScene(w.view()->viewport()->rect()).boundingRect();
    std::vector<QRectF> cards;
    for (const engine::NodeRecord& node : project.nodes) {
        QVERIFY(w.scene()->nodeItem(node.id));
        const QRectF card = w.scene()->nodeItem(node.id)->sceneBoundingRect();
        QVERIFY2(visible.contains(card),
            qPrintable(QString("%1 at (%2, %3) outside the fitted view %4 x %5 at (%6, %7)")
                           .arg(QString::fromStdString(node.name))
                           .arg(card.x())
                           .arg(card.y())
                           .arg(visible.width())
                           .arg(visible.height())
                           .arg(visible.x())
                           .arg(visible.y())));
        cards.push_back(card);
    }
    for (std::size_t i = 0; i < cards.size(); ++i)
        for (std::size_t j = i + 1; j < cards.size(); ++j)
            QVERIFY2(!cards[i].intersects(cards[j]),
                qPrintable(QString::fromStdString(
                    project.nodes[i].name + " overlaps " + project.nodes[j].name)));
    // Smooth to pan and zoom: the time of a zoom step and a pan step with their repaint, for
    // the record (a benchmark, not an assert; the view caches its background).
    QElapsedTimer frames;
    frames.start();
    constexpr int kSteps = 20;
    for (int i = 0; i < kSteps; ++i) {
        w.view()->zoomBy(i < kSteps / 2 ? 1.1 : 1 / 1.1, w.view()->viewport()->rect().center());
        w.view()->viewport()->grab();
    }
    const double zoomMs = double(frames.restart()) / kSteps;
    for (int i = 0; i < kSteps; ++i) {
        w.view()->horizontalScrollBar()->setValue(w.view()->horizontalScrollBar()->value() + 20);
        w.view()->viewport()->grab();
    }
    qInfo("zoom step %.1f ms, pan step %.1f ms (with repaint)", zoomMs,
        double(frames.elapsed()) / kSteps);
#endif
}

QTEST_MAIN(TestOnnxOpenGui)
#include "tst_onnx_open_gui.moc"

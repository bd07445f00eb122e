// An ONNX model opened in the window (File > Open of a .onnx, File > Import > ONNX Model): an
// ordinary untitled project on the canvas, trained, that fine-tunes once data is chosen and is
// saved as a project, never over the model; a model that does not map changes nothing.
#include "QuietWindow.h"
#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "data/DatasetSpec.h"
#include "document/GraphDocument.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "graph/Graph.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

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
    QVERIFY2(
        panel->statusText().startsWith(QStringLiteral("Trained")), qPrintable(panel->statusText()));
    QVERIFY2(w.windowTitle().contains(QStringLiteral("xor_model")), qPrintable(w.windowTitle()));
    QVERIFY(w.filePath().isEmpty());
    const QString saved = dir.filePath(QStringLiteral("xor_model.json"));
    QCOMPARE(w.saveToFile(saved), QString());
    QCOMPARE(engine::loadProject(saved.toStdString()).weights.size(), project.weights.size());

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

QTEST_MAIN(TestOnnxOpenGui)
#include "tst_onnx_open_gui.moc"

// The canvas's neuron view (NeuronOverlay): neurons and weighted edges of mlp_xor, their colours
// and widths against the engine's weights, hover values against the engine's forward pass,
// hand-edited weights (undoable, reaching the training session), live updates while training
// and resets that keep the seed. Offscreen; grabs go to $NETCANVAS_GRAB_DIR (default /tmp).
#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/NeuronEdgeItem.h"
#include "canvas/NeuronInfoItem.h"
#include "canvas/NeuronItem.h"
#include "canvas/NeuronOverlay.h"
#include "data/DatasetLoading.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <memory>

using widgets::NeuronEdgeItem;
using widgets::NeuronItem;
using widgets::NeuronOverlay;
using widgets::TrainingController;
using State = widgets::TrainingController::State;

namespace {

constexpr engine::NodeId kInput = 1;
constexpr engine::NodeId kHidden = 2;
constexpr engine::NodeId kOutput = 3;

engine::Project xorProject(int epochs = 150)
{
    const QByteArray root = qgetenv("NETCANVAS_SOURCE_DIR");
    const std::string dir = root.isEmpty() ? std::string(".") : root.toStdString();
    engine::Project p = engine::loadProject(dir + "/resources/examples/mlp_xor.json");
    p.training.epochs = epochs;
    return p;
}

QString grabPath(const char* name)
{
    const QByteArray dir = qgetenv("NETCANVAS_GRAB_DIR");
    return QStringLiteral("%1/%2").arg(
        dir.isEmpty() ? QStringLiteral("/tmp") : QString(dir), QString::fromLatin1(name));
}

/// A document on a canvas in a shown view, as in the main window.
struct Canvas {
    widgets::GraphDocument doc;
    QUndoStack undo;
    widgets::CanvasScene scene {&doc, &undo};
    QGraphicsView view {&scene};
    NeuronOverlay* overlay = scene.neuronOverlay();

    explicit Canvas(const engine::Project& p = xorProject())
    {
        doc.load(p);
        view.resize(1000, 640);
        view.setRenderHint(QPainter::Antialiasing);
        view.show();
        view.centerOn(QPointF(400, 330));
    }
};

/// The engine's own graph for the project, compiled like a new training session.
engine::Graph engineGraph(const engine::Project& p, const widgets::GraphDocument& doc)
{
    engine::Graph g = p.buildGraph();
    g.compile(*doc.context(), p.training.seed);
    return g;
}

engine::Matrix weightOf(engine::Graph& g, engine::NodeId id, const char* name)
{
    return g.weights().at(id).at(name);
}

bool waitForState(TrainingController& c, State state, int ms = 20000)
{
    QElapsedTimer t;
    t.start();
    QSignalSpy spy(&c, &TrainingController::stateChanged);
    while (c.state() != state && t.elapsed() < ms)
        spy.wait(200);
    return c.state() == state;
}

} // namespace

class TestNeuronView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void neuronAndEdgeCountsMatchTheNetwork();
    void perLayerToggleAndLargeLayerNote();
    void edgesShowSignAndMagnitudeOfEngineWeights();
    void hoverShowsEngineForwardValues();
    void handEditIsUndoableAndReachesTheSession();
    void doubleClickOpensTheWeightEditor();
    void handEditWithoutSessionStartsTheNextSession();
    void trainingUpdatesEdgeWidths();
    void resetKeepsOrChangesTheSeed();
};

void TestNeuronView::neuronAndEdgeCountsMatchTheNetwork()
{
    Canvas c;
    QVERIFY(!c.overlay->anyShown());
    QCOMPARE(c.overlay->neuronItemCount(), 0);
    QSignalSpy any(c.overlay, &NeuronOverlay::anyShownChanged);
    c.overlay->setAllShown(true);
    QCOMPARE(any.count(), 1);
    QVERIFY(any.at(0).at(0).toBool());

    // Units and weights from the document's own validation: 2 inputs, 8 hidden, 1 output.
    const auto& shapes = c.doc.check().shapes;
    const long in = shapes.at(kInput).size(), hidden = shapes.at(kHidden).size(),
               out = shapes.at(kOutput).size();
    QCOMPARE(in, 2L);
    QCOMPARE(c.overlay->neuronItemCount(), int(in + hidden + out));
    QCOMPARE(c.overlay->edgeItemCount(), int(in * hidden + hidden * out));
    QVERIFY(c.overlay->neuronItem(kHidden, hidden - 1));
    QVERIFY(!c.overlay->neuronItem(kHidden, hidden));
    QVERIFY(c.overlay->edgeItem(kOutput, 0, hidden - 1));
    QVERIFY(!c.overlay->noteItem(kHidden));

    // Each column hangs below its card; edges run from a neuron's right to the next one's left.
    const QRectF card = c.scene.nodeItem(kHidden)->sceneBoundingRect();
    const QPointF n0 = c.overlay->neuronItem(kHidden, 0)->scenePos();
    QVERIFY(n0.y() > card.bottom());
    QVERIFY(std::abs(n0.x() - card.center().x()) < 1.0);
    const QLineF line = c.overlay->edgeItem(kHidden, 0, 1)->line();
    QVERIFY(line.p1().x() < line.p2().x());
    QVERIFY(std::abs(line.p2().x() - (n0.x() - NeuronItem::kRadius)) < 1e-6);

    // Moving a card moves its neurons and their edges.
    c.scene.nodeItem(kHidden)->moveBy(40, 20);
    QCOMPARE(c.overlay->neuronItem(kHidden, 0)->scenePos(), n0 + QPointF(40, 20));
    QVERIFY(
        std::abs(c.overlay->edgeItem(kHidden, 0, 1)->line().p2().x() - line.p2().x() - 40) < 1e-6);
    c.scene.nodeItem(kHidden)->moveBy(-40, -20);

    QTest::qWait(0);
    QVERIFY(c.view.grab().save(grabPath("neuron_view_xor.png")));

    c.overlay->setAllShown(false);
    QCOMPARE(c.overlay->neuronItemCount(), 0);
    QCOMPARE(c.overlay->edgeItemCount(), 0);
    QCOMPARE(any.count(), 2);
}

void TestNeuronView::perLayerToggleAndLargeLayerNote()
{
    Canvas c;
    c.overlay->setShown(kHidden, true);
    QCOMPARE(c.overlay->neuronItemCount(), 8);
    QCOMPARE(c.overlay->edgeItemCount(), 0); // its input is still a card
    c.overlay->setShown(kInput, true);
    QCOMPARE(c.overlay->neuronItemCount(), 10);
    QCOMPARE(c.overlay->edgeItemCount(), 16);

    // The context menu's action switches the layer; the loss cannot be shown.
    QMenu menu;
    c.overlay->addNodeActions(&menu, kOutput);
    QCOMPARE(menu.actions().size(), 1);
    QAction* show = menu.actions().first();
    QVERIFY(show->isEnabled() && show->isCheckable() && !show->isChecked());
    show->trigger();
    QVERIFY(c.overlay->isShown(kOutput));
    QCOMPARE(c.overlay->edgeItemCount(), 24);
    QMenu lossMenu;
    c.overlay->addNodeActions(&lossMenu, 4);
    QVERIFY(!lossMenu.actions().first()->isEnabled());

    // A layer over the limit stays a card with a note, and edges through it disappear.
    c.undo.push(new widgets::SetAttributeCommand(&c.doc, kHidden, "units", 32));
    QCOMPARE(c.overlay->neuronItemCount(), 3);
    QCOMPARE(c.overlay->edgeItemCount(), 0);
    QGraphicsSimpleTextItem* note = c.overlay->noteItem(kHidden);
    QVERIFY(note);
    QVERIFY(note->text().contains(QStringLiteral("32 units")));
    QVERIFY(note->sceneBoundingRect().top() > c.scene.nodeItem(kHidden)->sceneBoundingRect().top());
    c.undo.undo();
    QVERIFY(!c.overlay->noteItem(kHidden));
    QCOMPARE(c.overlay->edgeItemCount(), 24);
}

void TestNeuronView::edgesShowSignAndMagnitudeOfEngineWeights()
{
    Canvas c;
    c.overlay->setAllShown(true);
    // Before any training the edges show the seeded weights a new session starts from.
    engine::Graph g = engineGraph(xorProject(), c.doc);
    const engine::Matrix w = weightOf(g, kHidden, "W");
    double maxAbs = 0;
    for (const auto& [id, params] : g.weights())
        if (params.count("W"))
            maxAbs = std::max(maxAbs, double(params.at("W").cwiseAbs().maxCoeff()));
    const double scale = std::max(1.0, maxAbs);
    long strongest = 0, weakest = 0;
    for (long u = 0; u < w.rows(); ++u) {
        for (long i = 0; i < w.cols(); ++i) {
            const NeuronEdgeItem* e = c.overlay->edgeItem(kHidden, u, i);
            QVERIFY(e);
            QCOMPARE(float(e->weight()), float(w(u, i)));
            QCOMPARE(e->pen().color().rgb(), NeuronEdgeItem::colorFor(w(u, i)).rgb());
            QCOMPARE(e->pen().widthF(), NeuronEdgeItem::widthFor(w(u, i), scale));
            if (std::abs(w(u, i)) > std::abs(w.data()[strongest]))
                strongest = i * w.rows() + u;
            if (std::abs(w(u, i)) < std::abs(w.data()[weakest]))
                weakest = i * w.rows() + u;
        }
    }
    const auto edgeAt
        = [&](long k) { return c.overlay->edgeItem(kHidden, k % w.rows(), k / w.rows()); };
    QVERIFY(edgeAt(strongest)->pen().widthF() > edgeAt(weakest)->pen().widthF() + 0.5);

    // Stored weights of both signs: orange for negative, blue for positive, wider when larger.
    engine::WeightMap stored = g.weights();
    stored[kHidden]["W"](0, 0) = -2.0f;
    stored[kHidden]["W"](1, 0) = 0.25f;
    stored[kHidden]["W"](2, 0) = 2.0f;
    c.doc.setWeights(stored);
    const NeuronEdgeItem* neg = c.overlay->edgeItem(kHidden, 0, 0);
    const NeuronEdgeItem* small = c.overlay->edgeItem(kHidden, 1, 0);
    const NeuronEdgeItem* pos = c.overlay->edgeItem(kHidden, 2, 0);
    QCOMPARE(neg->weight(), -2.0);
    QCOMPARE(pos->weight(), 2.0);
    QVERIFY(neg->pen().color().red() > neg->pen().color().blue()); // orange
    QVERIFY(pos->pen().color().blue() > pos->pen().color().red()); // blue
    QCOMPARE(neg->pen().widthF(), pos->pen().widthF());
    QVERIFY(small->pen().widthF() < pos->pen().widthF());
    QVERIFY(neg->pen().color().alphaF() > small->pen().color().alphaF());
}

void TestNeuronView::hoverShowsEngineForwardValues()
{
    Canvas c;
    QVERIFY(QTest::qWaitForWindowExposed(&c.view));
    c.overlay->setAllShown(true);
    QVERIFY(c.overlay->sampleCount() > 100);
    c.overlay->setSampleIndex(7);
    QCOMPARE(c.overlay->sampleIndex(), 7);

    // The engine's own forward pass on training sample 7 (the worker's split).
    const engine::Project p = xorProject();
    engine::Graph g = engineGraph(p, c.doc);
    const engine::DatasetSplits splits = engine::splitDataset(engine::loadDataset(p.dataset, "."),
        p.training.validationSplit, p.training.testSplit, p.training.seed);
    const engine::Matrix x = splits.train.x.col(7);
    g.forward(x, engine::Mode::Inference);
    const engine::Matrix hidden = g.output(kHidden);
    const engine::Matrix output = g.output(kOutput);
    const engine::Matrix z = weightOf(g, kHidden, "W") * x + weightOf(g, kHidden, "b");
    for (long u = 0; u < 8; ++u) {
        const auto v = c.overlay->neuronValue(kHidden, u);
        QVERIFY(v);
        QVERIFY(std::abs(v->act - double(hidden(u, 0))) < 1e-6);
        QVERIFY(std::abs(v->pre - double(z(u, 0))) < 1e-5);
        QVERIFY(std::abs(v->act - std::tanh(v->pre)) < 1e-5);
    }
    QVERIFY(std::abs(c.overlay->neuronValue(kOutput, 0)->act - double(output(0, 0))) < 1e-6);
    QCOMPARE(c.overlay->neuronValue(kInput, 1)->act, double(x(1, 0)));

    // A real hover over hidden[3] brings up the panel with those numbers and the output map.
    NeuronItem* n3 = c.overlay->neuronItem(kHidden, 3);
    c.view.ensureVisible(n3, 200, 200);
    QTest::mouseMove(c.view.viewport(), c.view.mapFromScene(n3->scenePos()));
    QTRY_VERIFY(c.overlay->infoItem() && c.overlay->infoItem()->isVisible());
    const QString text = c.overlay->infoItem()->lines().join(QLatin1Char('\n'));
    QVERIFY2(text.contains(QString::number(hidden(3, 0), 'f', 4)), qPrintable(text));
    QVERIFY2(text.contains(QString::number(z(3, 0), 'f', 4)), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("tanh")));
    QCOMPARE(c.overlay->infoItem()->map().width(), widgets::NeuronNetwork::kMapSize);
    // The map is the neuron's output: its top-left pixel is the neuron at the plane's corner.
    const widgets::GridImage map = c.overlay->network().outputMap(kHidden, 3);
    engine::Matrix corner(2, 1);
    corner << engine::Scalar(map.xMin + 0.5 * (map.xMax - map.xMin) / map.size),
        engine::Scalar(map.yMin + (map.size - 0.5) * (map.yMax - map.yMin) / map.size);
    g.forward(corner, engine::Mode::Inference);
    QVERIFY(std::abs(map.values[(map.size - 1) * map.size] - g.output(kHidden)(3, 0)) < 1e-5);
    QVERIFY(c.view.grab().save(grabPath("neuron_view_hover.png")));

    // Hovering an edge shows its weight.
    const NeuronEdgeItem* e = c.overlay->edgeItem(kOutput, 0, 5);
    QTest::mouseMove(c.view.viewport(), c.view.mapFromScene(e->line().pointAt(0.5)));
    QTRY_VERIFY(c.overlay->infoItem()->lines().value(0).startsWith(QStringLiteral("w = ")));
    QVERIFY(c.overlay->infoItem()->lines().value(0).contains(
        QString::number(weightOf(g, kOutput, "W")(0, 5), 'f', 4)));
    QVERIFY(c.view.grab().save(grabPath("neuron_view_edge_hover.png")));

    // Another sample, other values.
    c.overlay->setSampleIndex(8);
    QVERIFY(c.overlay->neuronValue(kInput, 0)->act != double(x(0, 0)));
}

void TestNeuronView::handEditIsUndoableAndReachesTheSession()
{
    Canvas c;
    TrainingController controller;
    controller.setDocument(&c.doc);
    c.overlay->setTrainingController(&controller);
    c.overlay->setAllShown(true);

    // A short run: afterwards the session is Ready and the document holds its weights.
    QSignalSpy finished(&controller, &TrainingController::finished);
    controller.train(xorProject(5));
    QVERIFY(finished.wait(30000));
    QCOMPARE(controller.state(), State::Ready);
    const float before = c.doc.weights().at(kHidden).at("W")(2, 1);
    QCOMPARE(float(c.overlay->edgeItem(kHidden, 2, 1)->weight()), before);

    QSignalSpy snapshots(&controller, &TrainingController::snapshotReady);
    QVERIFY(c.overlay->setWeightByHand(kHidden, 2, 1, 1.5));
    QCOMPARE(c.undo.count(), 1);
    QCOMPARE(c.doc.weights().at(kHidden).at("W")(2, 1), 1.5f);
    QCOMPARE(c.overlay->edgeItem(kHidden, 2, 1)->weight(), 1.5);
    // The session's network (the worker's copy) got it: its next snapshot carries it.
    QVERIFY(snapshots.wait(10000));
    auto engineValue = [&] {
        const auto s = snapshots.last().at(0).value<widgets::TrainingSnapshot>();
        for (const auto& p : s.params)
            if (p.node == kHidden && p.param == QStringLiteral("W"))
                return p.value(2, 1);
        return engine::Scalar(-999);
    };
    QCOMPARE(engineValue(), 1.5f);

    c.undo.undo();
    QCOMPARE(c.doc.weights().at(kHidden).at("W")(2, 1), before);
    QCOMPARE(float(c.overlay->edgeItem(kHidden, 2, 1)->weight()), before);
    QVERIFY(snapshots.wait(10000));
    QCOMPARE(engineValue(), before);

    // Continuing the session trains from the edited weight.
    c.undo.redo();
    QVERIFY(snapshots.wait(10000));
    QCOMPARE(engineValue(), 1.5f);

    // While running, an edit is refused and changes nothing.
    controller.train(xorProject(1'000'000));
    QCOMPARE(controller.state(), State::Running);
    QVERIFY(!c.overlay->setWeightByHand(kHidden, 2, 1, -3.0));
    QCOMPARE(c.undo.count(), 1);
    // Paused: the edit stops the run (the session is kept) and applies.
    controller.pause();
    QVERIFY(waitForState(controller, State::Paused));
    QVERIFY(c.overlay->setWeightByHand(kHidden, 2, 1, -3.0));
    QCOMPARE(controller.state(), State::Ready);
    QVERIFY(controller.canResume());
    QCOMPARE(c.doc.weights().at(kHidden).at("W")(2, 1), -3.0f);
    QTRY_COMPARE_WITH_TIMEOUT(engineValue(), -3.0f, 10000);
}

void TestNeuronView::doubleClickOpensTheWeightEditor()
{
    Canvas c;
    c.overlay->setAllShown(true);
    QVERIFY(QTest::qWaitForWindowExposed(&c.view));
    const NeuronEdgeItem* e = c.overlay->edgeItem(kOutput, 0, 4);
    const QPoint at = c.view.mapFromScene(e->line().pointAt(0.5));
    QTest::mouseDClick(c.view.viewport(), Qt::LeftButton, {}, at);
    QDoubleSpinBox* editor = c.overlay->weightEditor();
    QVERIFY(editor);
    QCOMPARE(float(editor->value()), float(e->weight()));
    QVERIFY(c.view.grab().save(grabPath("neuron_view_edit.png")));
    // Escape cancels.
    QTest::keyClick(editor, Qt::Key_Escape);
    QTRY_VERIFY(!c.overlay->weightEditor());
    QCOMPARE(c.undo.count(), 0);

    QTest::mouseDClick(c.view.viewport(), Qt::LeftButton, {}, at);
    editor = c.overlay->weightEditor();
    QVERIFY(editor);
    editor->setValue(-0.625);
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_VERIFY(!c.overlay->weightEditor());
    QCOMPARE(c.undo.count(), 1);
    QCOMPARE(c.doc.weights().at(kOutput).at("W")(0, 4), -0.625f);
    QCOMPARE(c.overlay->edgeItem(kOutput, 0, 4)->weight(), -0.625);
    // The document had no weights: the edit stored the seeded ones, and undo removes them.
    QCOMPARE(c.doc.weights().at(kHidden).at("W").rows(), 8L);
    c.undo.undo();
    QVERIFY(c.doc.weights().empty());
    engine::Graph g = engineGraph(xorProject(), c.doc);
    QCOMPARE(float(c.overlay->edgeItem(kOutput, 0, 4)->weight()),
        float(weightOf(g, kOutput, "W")(0, 4)));
}

void TestNeuronView::handEditWithoutSessionStartsTheNextSession()
{
    Canvas c;
    TrainingController controller;
    controller.setDocument(&c.doc);
    c.overlay->setTrainingController(&controller);
    c.overlay->setAllShown(true);
    QVERIFY(c.overlay->setWeightByHand(kHidden, 0, 0, 0.875));

    // The first mini-batch starts from the hand-set weight: the pause snapshot after one step
    // differs from it by one Adam step at most (lr 0.03).
    QSignalSpy snapshots(&controller, &TrainingController::snapshotReady);
    engine::Project p = c.doc.project();
    controller.startStepping(p);
    QVERIFY(waitForState(controller, State::Paused));
    QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 10000);
    bool sawReset = false;
    for (const auto& args : snapshots) {
        const auto s = args.at(0).value<widgets::TrainingSnapshot>();
        for (const auto& prm : s.params)
            if (s.trigger == widgets::SnapshotTrigger::Reset && prm.node == kHidden
                && prm.param == QStringLiteral("W") && prm.value(0, 0) == 0.875f)
                sawReset = true;
    }
    QVERIFY(sawReset);
    QVERIFY(std::abs(c.overlay->edgeItem(kHidden, 0, 0)->weight() - 0.875) < 0.05);
    controller.stop();
}

void TestNeuronView::trainingUpdatesEdgeWidths()
{
    Canvas c;
    TrainingController controller;
    controller.setDocument(&c.doc);
    c.overlay->setTrainingController(&controller);
    c.overlay->setAllShown(true);
    std::vector<double> widths, weights;
    for (long u = 0; u < 8; ++u) {
        widths.push_back(c.overlay->edgeItem(kOutput, 0, u)->pen().widthF());
        weights.push_back(c.overlay->edgeItem(kOutput, 0, u)->weight());
    }
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy snapshots(&controller, &TrainingController::snapshotReady);
    controller.train(xorProject(60));
    // Updates arrive while training, not only at the end.
    QVERIFY(snapshots.wait(20000));
    QVERIFY(!finished.isEmpty() || finished.wait(60000));
    int changed = 0;
    const engine::Matrix& trained = c.doc.weights().at(kOutput).at("W");
    for (long u = 0; u < 8; ++u) {
        const NeuronEdgeItem* e = c.overlay->edgeItem(kOutput, 0, u);
        QCOMPARE(float(e->weight()), trained(0, u));
        if (std::abs(e->pen().widthF() - widths[std::size_t(u)]) > 0.05)
            ++changed;
    }
    QVERIFY2(changed >= 4, qPrintable(QString::number(changed)));
    QVERIFY(c.view.grab().save(grabPath("neuron_view_trained.png")));
}

void TestNeuronView::resetKeepsOrChangesTheSeed()
{
    Canvas c;
    TrainingController controller;
    controller.setDocument(&c.doc);
    c.overlay->setTrainingController(&controller);
    c.overlay->setAllShown(true);
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy written(&controller, &TrainingController::weightsWritten);
    controller.train(xorProject(3));
    QVERIFY(finished.wait(30000));
    const engine::WeightMap trained = c.doc.weights();

    auto reset = [&](bool newSeed) {
        const int before = written.count();
        const std::uint64_t seed = controller.resetWeights(newSeed);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(written.count() > before, 10000); }();
        return std::make_pair(seed, c.doc.weights());
    };
    const auto [seedA, a] = reset(false);
    QCOMPARE(seedA, std::uint64_t(1));
    QVERIFY(a.at(kHidden).at("W") != trained.at(kHidden).at("W"));
    // Same seed: the very weights a fresh session starts from.
    engine::Graph g = engineGraph(xorProject(), c.doc);
    QVERIFY(a.at(kHidden).at("W") == weightOf(g, kHidden, "W"));
    QCOMPARE(float(c.overlay->edgeItem(kHidden, 1, 1)->weight()), a.at(kHidden).at("W")(1, 1));

    // Train again, reset again with the same seed: identical weights.
    controller.train(xorProject(3));
    QVERIFY(finished.wait(30000));
    QVERIFY(c.doc.weights().at(kHidden).at("W") != a.at(kHidden).at("W"));
    const auto [seedB, b] = reset(false);
    QCOMPARE(seedB, seedA);
    for (const auto& [id, params] : a)
        for (const auto& [name, m] : params)
            QVERIFY(b.at(id).at(name) == m);

    // A new seed gives other weights.
    const auto [seedC, d] = reset(true);
    QVERIFY(seedC != seedA);
    QVERIFY(d.at(kHidden).at("W") != a.at(kHidden).at("W"));
    QCOMPARE(float(c.overlay->edgeItem(kHidden, 1, 1)->weight()), d.at(kHidden).at("W")(1, 1));
}

QTEST_MAIN(TestNeuronView)
#include "tst_neuron_view.moc"

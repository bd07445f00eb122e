// Training end to end on the Playground datasets: the textbook results (XOR needs a hidden layer,
// the spiral needs depth), residual DAGs, divergence, early stopping, reproducibility and the
// cooperative stop / pause / step control a GUI thread uses.

#include "core/Parallel.h"
#include "data/DatasetGenerators.h"
#include "graph/Graph.h"
#include "layers/LayerRegistry.h"
#include "project/TrainerStateJson.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <thread>

using engine::Graph;
using engine::NodeId;
using nlohmann::json;

namespace {

NodeId add(Graph& g, const std::string& type, const json& attrs = json::object())
{
    auto layer = engine::LayerRegistry::create(type);
    layer->setAttributes(attrs);
    return g.addNode(std::move(layer));
}

/// Input -> Dense(hidden[i], activation)... -> Dense(outputs) -> Loss(loss)
Graph mlp(const std::vector<int>& hidden, const std::string& activation, int outputs,
    const std::string& loss)
{
    Graph g;
    NodeId prev = add(g, "Input");
    for (int units : hidden) {
        const NodeId d = add(g, "Dense", {{"units", units}, {"activation", activation}});
        g.connect({prev, 0, d, 0});
        prev = d;
    }
    const NodeId out = add(g, "Dense", {{"units", outputs}});
    const NodeId l = add(g, "Loss", {{"loss", loss}});
    g.connect({prev, 0, out, 0});
    g.connect({out, 0, l, 0});
    return g;
}

engine::TrainingConfig config(int epochs, int batch, const std::string& optimizer, double lr)
{
    engine::TrainingConfig c;
    c.epochs = epochs;
    c.batchSize = batch;
    c.optimizer.type = optimizer;
    c.optimizer.learningRate = lr;
    c.validationSplit = 0.2;
    c.seed = 1;
    return c;
}

engine::DatasetSplits data(
    const std::string& generator, int samples, double noise, double validation = 0.2)
{
    return engine::splitDataset(
        engine::generateDataset(generator, samples, noise, 1), validation, 0.0, 1);
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { engine::setThreadCount(2); }
    void hiddenLayerSolvesXor();
    void oneEpochIsCountedInTheSingular();
    void perceptronCannotSolveXor();
    void perceptronLearnsAndOr_data();
    void perceptronLearnsAndOr();
    void deeperNetworkFitsTheSpiral();
    void residualNetworkTrains();
    void divergenceStopsWithAReason();
    void earlyStoppingRestoresTheBestEpoch();
    void sameSeedSameWeights();
    void stopFromAnotherThread();
    void pauseAndStepAdvanceExactlyOneBatchEach();
    void liveSettingsApplyAtTheNextBatch();
    void aRunContinuedFromACapturedStateEqualsTheWholeRun();
};

void TestTraining::oneEpochIsCountedInTheSingular()
{
    // The window's status shows this message: "trained for 1 epochs" was seen there.
    Graph g = mlp({4}, "tanh", 1, "binary_crossentropy");
    engine::Trainer one(g, data("xor", 64, 0.0), config(1, 16, "adam", 0.03));
    QCOMPARE(QString::fromStdString(one.run({}).message), QStringLiteral("trained for 1 epoch"));
    Graph h = mlp({4}, "tanh", 1, "binary_crossentropy");
    engine::Trainer two(h, data("xor", 64, 0.0), config(2, 16, "adam", 0.03));
    QCOMPARE(QString::fromStdString(two.run({}).message), QStringLiteral("trained for 2 epochs"));
}

void TestTraining::hiddenLayerSolvesXor()
{
    Graph g = mlp({8}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("xor", 400, 0.0), config(150, 16, "adam", 0.03));
    std::vector<double> losses;
    const auto r
        = t.run({nullptr, [&](const engine::EpochStats& e) { losses.push_back(e.train.loss); }});
    QCOMPARE(r.reason, engine::StopReason::Completed);
    QCOMPARE(r.epochs, 150);
    QCOMPARE(int(losses.size()), 150);
    QVERIFY(losses.back() < losses.front() / 5);
    QCOMPARE(*t.evaluate(t.data().train).accuracy, 1.0);
    QVERIFY2(*r.last->validation->accuracy >= 0.95,
        qPrintable(QString::number(*r.last->validation->accuracy)));
}

void TestTraining::perceptronCannotSolveXor()
{
    Graph g = mlp({}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("xor", 400, 0.0), config(150, 16, "adam", 0.03));
    t.run();
    // One linear boundary separates at most 3 of XOR's 4 quadrants.
    const double acc = *t.evaluate(t.data().train).accuracy;
    QVERIFY2(acc < 0.8, qPrintable(QString::number(acc)));
}

void TestTraining::perceptronLearnsAndOr_data()
{
    QTest::addColumn<QString>("generator");
    QTest::newRow("and") << "and";
    QTest::newRow("or") << "or";
}

void TestTraining::perceptronLearnsAndOr()
{
    QFETCH(QString, generator);
    Graph g = mlp({}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data(generator.toStdString(), 40, 0.0, 0.0), config(100, 4, "adam", 0.1));
    t.run();
    QCOMPARE(*t.evaluate(t.data().train).accuracy, 1.0);
}

void TestTraining::deeperNetworkFitsTheSpiral()
{
    Graph g = mlp({32, 32}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("spiral", 500, 0.0), config(300, 16, "adam", 0.01));
    t.run();
    const double acc = *t.evaluate(t.data().train).accuracy;
    QVERIFY2(acc >= 0.95, qPrintable(QString::number(acc)));
}

void TestTraining::residualNetworkTrains()
{
    // input -> d1(relu) -> d2 -> add(d1, d2) -> out -> loss: a skip connection around d2.
    Graph g;
    const NodeId in = add(g, "Input");
    const NodeId d1 = add(g, "Dense", {{"units", 16}, {"activation", "relu"}});
    const NodeId d2 = add(g, "Dense", {{"units", 16}, {"activation", "relu"}});
    const NodeId sum = add(g, "Add");
    const NodeId out = add(g, "Dense", {{"units", 1}});
    const NodeId loss = add(g, "Loss", {{"loss", "mse"}});
    for (auto [a, b, port] : {std::tuple {in, d1, 0}, {d1, d2, 0}, {d1, sum, 0}, {d2, sum, 1},
             {sum, out, 0}, {out, loss, 0}})
        g.connect({a, 0, b, port});
    engine::Trainer t(g, data("multi_gaussian", 400, 0.0), config(100, 16, "adam", 0.01));
    const double before = t.evaluate(t.data().train).loss;
    const auto r = t.run();
    QCOMPARE(r.reason, engine::StopReason::Completed);
    const double after = t.evaluate(t.data().train).loss;
    QVERIFY2(after < before / 10, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
    QVERIFY(g.outputGradient(d1) != nullptr); // both paths reached d1
}

void TestTraining::divergenceStopsWithAReason()
{
    Graph g = mlp({16}, "relu", 1, "mse");
    engine::Trainer t(g, data("plane", 200, 0.0), config(50, 8, "sgd", 1e4));
    const auto r = t.run();
    QCOMPARE(r.reason, engine::StopReason::Diverged);
    QVERIFY(t.diverged());
    QVERIFY2(QString::fromStdString(r.message).contains("learning rate"), r.message.c_str());
    QVERIFY(r.epochs < 50);
    QCOMPARE(engine::stopReasonName(r.reason), std::string("diverged"));
}

void TestTraining::earlyStoppingRestoresTheBestEpoch()
{
    // A big network on few noisy points overfits: validation loss turns up and training stops.
    Graph g = mlp({64, 64}, "relu", 1, "binary_crossentropy");
    auto c = config(2000, 8, "adam", 0.01);
    c.earlyStoppingPatience = 10;
    c.validationSplit = 0.5;
    engine::Trainer t(g, data("gaussians", 60, 0.9, 0.5), c);
    double bestValidation = 1e9;
    const auto r = t.run({nullptr, [&](const engine::EpochStats& e) {
                              bestValidation = std::min(bestValidation, e.validation->loss);
                          }});
    QCOMPARE(r.reason, engine::StopReason::EarlyStop);
    QVERIFY(r.epochs < 2000);
    // The restored weights are the best epoch's, not the last one's.
    QVERIFY(std::abs(t.evaluate(t.data().validation).loss - bestValidation) < 1e-6);
}

void TestTraining::sameSeedSameWeights()
{
    auto train = [] {
        Graph g = mlp({8, 8}, "relu", 1, "binary_crossentropy");
        auto c = config(5, 8, "adam", 0.01);
        engine::Trainer t(g, data("circle", 300, 0.2), c);
        t.run();
        return g.weights();
    };
    const auto a = train();
    const auto b = train();
    QVERIFY(a == b);
}

void TestTraining::stopFromAnotherThread()
{
    Graph g = mlp({16}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("circle", 400, 0.0), config(100000, 4, "sgd", 0.01));
    engine::TrainerControl control;
    std::atomic<long> batches {0};
    engine::TrainResult r;
    std::thread worker([&] {
        r = t.run({[&](const engine::BatchStats&) { ++batches; }, nullptr}, &control);
    });
    while (batches < 20)
        std::this_thread::yield();
    control.requestStop();
    worker.join();
    QCOMPARE(r.reason, engine::StopReason::Interrupted);
    QVERIFY(r.epochs < 100000);
}

void TestTraining::pauseAndStepAdvanceExactlyOneBatchEach()
{
    Graph g = mlp({4}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("xor", 200, 0.0), config(1000, 10, "sgd", 0.1));
    engine::TrainerControl control;
    control.setPaused(true);
    std::atomic<long> batches {0};
    engine::TrainResult r;
    std::thread worker([&] {
        r = t.run({[&](const engine::BatchStats&) { ++batches; }, nullptr}, &control);
    });
    control.stepWhilePaused(3);
    while (batches < 3)
        std::this_thread::yield();
    // Paused with no step budget left: the worker must be blocked, so the count stays at 3
    // however long we look; stop then wakes it.
    const auto weights = g.weights();
    control.requestStop();
    worker.join();
    QCOMPARE(batches.load(), 3L);
    QCOMPARE(t.stepsDone(), 3L);
    QVERIFY(g.weights() == weights);
    QCOMPARE(r.reason, engine::StopReason::Interrupted);
}

void TestTraining::liveSettingsApplyAtTheNextBatch()
{
    Graph g = mlp({4}, "tanh", 1, "binary_crossentropy");
    engine::Trainer t(g, data("xor", 200, 0.0), config(1, 10, "sgd", 0.1));
    engine::TrainerControl control;
    control.setLiveSettings({0.5, 0.0, 0.001, 20});
    std::vector<double> rates;
    long batches = 0;
    t.run({[&](const engine::BatchStats& s) {
               rates.push_back(s.learningRate);
               ++batches;
           },
              nullptr},
        &control);
    QCOMPARE(rates.front(), 0.5);
    QCOMPARE(batches, 8L); // 160 training samples in batches of 20
    QCOMPARE(t.config().optimizer.l2, 0.001);
}

// A run stopped inside its second epoch (the window's Stop, a timeline checkpoint) and continued
// by another trainer on another graph from the captured state, passed through the project
// file's JSON form, ends with the weights and the metrics of the run that never stopped: the
// shuffled order, the dropout masks, Adam's moments and step count and the epoch's running
// sums all carry over.
void TestTraining::aRunContinuedFromACapturedStateEqualsTheWholeRun()
{
    const auto network = [] {
        Graph g;
        const NodeId in = add(g, "Input");
        const NodeId hidden = add(g, "Dense", {{"units", 16}, {"activation", "relu"}});
        const NodeId drop = add(g, "Dropout", {{"rate", 0.25}});
        const NodeId out = add(g, "Dense", {{"units", 1}});
        const NodeId loss = add(g, "Loss", {{"loss", "binary_crossentropy"}});
        g.connect({in, 0, hidden, 0});
        g.connect({hidden, 0, drop, 0});
        g.connect({drop, 0, out, 0});
        g.connect({out, 0, loss, 0});
        return g;
    };
    const auto c = config(4, 16, "adam", 0.01);
    const auto splits = data("circle", 300, 0.2);

    Graph whole = network();
    engine::Trainer uninterrupted(whole, splits, c);
    const engine::TrainResult expected = uninterrupted.run();

    Graph first = network();
    engine::Trainer stopped(first, splits, c);
    const long batchesPerEpoch = (splits.train.size() + 15) / 16;
    engine::TrainerControl control;
    int epochsSeen = 0;
    engine::TrainerCallbacks stopInside;
    stopInside.onBatchEnd = [&](const engine::BatchStats& b) {
        if (b.epoch == 2 && b.batch == 5)
            control.requestStop();
    };
    stopInside.onEpochEnd = [&](const engine::EpochStats&) { ++epochsSeen; };
    QCOMPARE(stopped.run(stopInside, &control).reason, engine::StopReason::Interrupted);
    QCOMPARE(epochsSeen, 1);
    QVERIFY(batchesPerEpoch > 5);
    const engine::TrainerState state
        = engine::trainerStateFromJson(engine::trainerStateToJson(stopped.captureState()));
    QCOMPARE(state.epochsDone, 1);
    QCOMPARE(state.epochProgress.batch, 5L);
    QCOMPARE(state.optimizerType, std::string("adam"));
    QCOMPARE(state.optimizerSlots.size(), std::size_t(2));
    QCOMPARE(state.layerRandom.size(), std::size_t(1));

    // Configured for what is left: the continued run trains that many epochs more.
    Graph second = network();
    engine::Trainer continued(second, splits, config(4 - state.epochsDone, 16, "adam", 0.01));
    second.setWeights(first.weights(), true);
    continued.restoreState(state);
    const engine::TrainResult result = continued.run();
    QCOMPARE(result.epochs, 4);
    QVERIFY(second.weights() == whole.weights());
    QCOMPARE(result.last->train.loss, expected.last->train.loss);
    QCOMPARE(result.last->validation->loss, expected.last->validation->loss);

    // A state that is not one NetCanvas wrote changes nothing and says where it is wrong.
    engine::TrainerState broken = state;
    broken.shuffleRandom = "12 apples";
    QVERIFY_THROWS_EXCEPTION(engine::InputError, continued.restoreState(broken));
    QCOMPARE(continued.epochsDone(), 4);
}

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"

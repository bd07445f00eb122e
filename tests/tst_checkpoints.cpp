// The run's timeline (engine/training/CheckpointStore): checkpoints taken at the end of epochs
// reproduce what the views showed at that epoch, a fork from one with unchanged settings equals
// the run that never stopped, and memory stays under the budget by thinning evenly.

#include "core/Parallel.h"
#include "data/DatasetGenerators.h"
#include "graph/Graph.h"
#include "layers/LayerRegistry.h"
#include "project/Project.h"
#include "training/CheckpointStore.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <functional>
#include <limits>

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

/// Input -> Dense 16 relu -> Dropout 0.2 -> Dense 1 -> binary cross-entropy.
Graph network()
{
    Graph g;
    const NodeId in = add(g, "Input");
    const NodeId hidden = add(g, "Dense", {{"units", 16}, {"activation", "relu"}});
    const NodeId drop = add(g, "Dropout", {{"rate", 0.2}});
    const NodeId out = add(g, "Dense", {{"units", 1}});
    const NodeId loss = add(g, "Loss", {{"loss", "binary_crossentropy"}});
    g.connect({in, 0, hidden, 0});
    g.connect({hidden, 0, drop, 0});
    g.connect({drop, 0, out, 0});
    g.connect({out, 0, loss, 0});
    return g;
}

engine::TrainingConfig config(int epochs)
{
    engine::TrainingConfig c;
    c.epochs = epochs;
    c.batchSize = 16;
    c.optimizer.type = "adam";
    c.optimizer.learningRate = 0.01;
    c.validationSplit = 0.2;
    c.earlyStoppingPatience = 100; // its memory is part of what a checkpoint keeps
    c.seed = 4;
    return c;
}

engine::DatasetSplits data()
{
    return engine::splitDataset(engine::generateDataset("circle", 300, 0.2, 1), 0.2, 0.0, 4);
}

/// A checkpoint of `weightCount` floats in one tensor.
engine::Checkpoint sized(int epoch, long weightCount)
{
    engine::Checkpoint c;
    c.epoch = epoch;
    c.weights[1]["W"] = engine::Matrix::Zero(weightCount, 1);
    return c;
}

double largestDifference(const engine::WeightMap& a, const engine::WeightMap& b)
{
    double largest = 0;
    for (const auto& [id, params] : a)
        for (const auto& [name, value] : params)
            largest = std::max(largest, double((value - b.at(id).at(name)).cwiseAbs().maxCoeff()));
    return largest;
}

} // namespace

class TestCheckpoints : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { engine::setThreadCount(2); }
    void aCheckpointReproducesItsEpochsNumbers();
    void aForkWithUnchangedSettingsEqualsTheWholeRun();
    void memoryStaysUnderTheBudgetWithEvenSpacing();
    void addingAnEarlierEpochDropsTheLaterOnes();
    void savedRunsRoundTripThroughTheProjectFile();
    void malformedSavedRunsNameThePlace();
};

// Evaluating the checkpoint of epoch k gives the validation loss and predictions the run
// reported at epoch k: what the views draw from it is what they drew then.
void TestCheckpoints::aCheckpointReproducesItsEpochsNumbers()
{
    Graph g = network();
    engine::Trainer t(g, data(), config(6));
    engine::CheckpointStore store;
    std::map<int, engine::EpochStats> reported;
    engine::TrainerCallbacks callbacks;
    callbacks.onEpochEnd = [&](const engine::EpochStats& e) {
        reported[e.epoch] = e;
        store.add({e.epoch, g.weights(), t.captureState()});
    };
    t.run(callbacks);
    QCOMPARE(store.epochs(), (std::vector<int> {1, 2, 3, 4, 5, 6}));

    Graph other = network();
    engine::Trainer viewer(other, data(), config(6));
    for (int k : {2, 5}) {
        const engine::Checkpoint* c = store.atOrBefore(k);
        QVERIFY(c);
        QCOMPARE(c->epoch, k);
        other.setWeights(c->weights, true);
        std::vector<int> predictions;
        const engine::Metrics m = viewer.evaluate(viewer.data().validation, &predictions);
        QCOMPARE(m.loss, reported[k].validation->loss);
        QVERIFY(predictions == reported[k].validationPredictions);
    }
    // A later epoch's weights differ, so the comparison above can fail.
    QVERIFY(store.atOrBefore(2)->weights != store.atOrBefore(5)->weights);
}

// From the checkpoint at epoch 3 of 8, a trainer on another graph set to the 5 epochs left
// ends where the uninterrupted run ended.
void TestCheckpoints::aForkWithUnchangedSettingsEqualsTheWholeRun()
{
    Graph whole = network();
    engine::Trainer uninterrupted(whole, data(), config(8));
    engine::CheckpointStore store;
    engine::TrainerCallbacks callbacks;
    callbacks.onEpochEnd = [&](const engine::EpochStats& e) {
        store.add({e.epoch, whole.weights(), uninterrupted.captureState()});
    };
    const engine::TrainResult expected = uninterrupted.run(callbacks);

    const engine::Checkpoint* c = store.atOrBefore(3);
    QVERIFY(c && c->epoch == 3);
    Graph forked = network();
    engine::Trainer fork(forked, data(), config(8 - 3));
    forked.setWeights(c->weights, true);
    fork.restoreState(c->state);
    const engine::TrainResult result = fork.run();
    QCOMPARE(result.epochs, 8);
    QVERIFY2(largestDifference(whole.weights(), forked.weights()) < 1e-6,
        qPrintable(QString::number(largestDifference(whole.weights(), forked.weights()))));
    QCOMPARE(result.last->validation->loss, expected.last->validation->loss);

    // With another learning rate the fork goes elsewhere (the test above can fail).
    Graph changed = network();
    engine::TrainingConfig faster = config(8 - 3);
    faster.optimizer.learningRate = 0.05;
    engine::Trainer other(changed, data(), faster);
    changed.setWeights(c->weights, true);
    other.restoreState(c->state);
    other.run();
    QVERIFY(largestDifference(whole.weights(), changed.weights()) > 1e-3);
}

void TestCheckpoints::memoryStaysUnderTheBudgetWithEvenSpacing()
{
    const long floats = 1000; // 4 kB a checkpoint
    engine::CheckpointStore store(10 * floats * sizeof(engine::Scalar));
    for (int epoch = 1; epoch <= 200; ++epoch) {
        store.add(sized(epoch, floats));
        QVERIFY2(store.bytes() <= store.budget(), qPrintable(QString::number(epoch)));
    }
    const std::vector<int> kept = store.epochs();
    QVERIFY(kept.size() >= 5 && kept.size() <= 10);
    QCOMPARE(kept.front(), 1);
    QCOMPARE(kept.back(), 200);
    // Spread over the whole run, not bunched at its end: no gap more than 3x the average one.
    const double average = double(kept.back() - kept.front()) / double(kept.size() - 1);
    for (std::size_t i = 1; i < kept.size(); ++i)
        QVERIFY2(kept[i] - kept[i - 1] <= 3 * average,
            qPrintable(QStringLiteral("gap %1..%2").arg(kept[i - 1]).arg(kept[i])));
    // The latest at or before an epoch that was thinned away.
    const engine::Checkpoint* c = store.atOrBefore(150);
    QVERIFY(c && c->epoch <= 150 && c->epoch > 150 - 3 * average);
    QCOMPARE(store.atOrBefore(0), nullptr);
}

void TestCheckpoints::addingAnEarlierEpochDropsTheLaterOnes()
{
    engine::CheckpointStore store;
    for (int epoch = 1; epoch <= 5; ++epoch)
        store.add(sized(epoch, 10));
    store.add(sized(3, 10));
    QCOMPARE(store.epochs(), (std::vector<int> {1, 2, 3}));
    QCOMPARE(store.bytes(), std::size_t(3 * 10 * sizeof(engine::Scalar)));
}

namespace {

/// A project of network() with a first run of 4 epochs and a fork from its epoch 2, both with
/// their checkpoints and curves, its weights the fork's last.
engine::Project projectWithRuns()
{
    engine::Project p;
    p.setGraph(network());
    p.training = config(4);
    engine::SavedRun first;
    first.id = 1;
    first.history = engine::TrainingHistory::startedWith(p.training);
    Graph g = network();
    engine::Trainer t(g, data(), config(4));
    engine::TrainerCallbacks callbacks;
    callbacks.onEpochEnd = [&](const engine::EpochStats& e) {
        first.history.epochs.push_back(engine::EpochRecord::from(e));
        first.checkpoints.push_back({e.epoch, g.weights(), t.captureState()});
    };
    t.run(callbacks);

    engine::SavedRun fork;
    fork.id = 2;
    fork.parent = 1;
    fork.forkEpoch = 2;
    Graph forked = network();
    engine::TrainingConfig faster = config(2);
    faster.optimizer.learningRate = 0.05;
    fork.history = engine::TrainingHistory::startedWith(faster);
    engine::Trainer f(forked, data(), faster);
    forked.setWeights(first.checkpoints[1].weights, true);
    f.restoreState(first.checkpoints[1].state);
    fork.checkpoints.push_back({2, forked.weights(), f.captureState()});
    callbacks.onEpochEnd = [&](const engine::EpochStats& e) {
        fork.history.epochs.push_back(engine::EpochRecord::from(e));
        fork.checkpoints.push_back({e.epoch, forked.weights(), f.captureState()});
    };
    f.run(callbacks);
    p.weights = forked.weights();
    p.runs = {first, fork};
    return p;
}

bool sameState(const engine::TrainerState& a, const engine::TrainerState& b)
{
    return a.epochsDone == b.epochsDone && a.stepsDone == b.stepsDone
        && a.samplesSeen == b.samplesSeen && a.shuffleRandom == b.shuffleRandom
        && a.layerRandom == b.layerRandom && a.optimizerType == b.optimizerType
        && a.optimizerSteps == b.optimizerSteps && a.optimizerSlots == b.optimizerSlots
        && a.epochsWithoutImprovement == b.epochsWithoutImprovement
        && a.bestWeights == b.bestWeights;
}

/// Project::fromJson's message for `j`, empty when it reads.
QString readError(const json& j)
{
    try {
        engine::Project::fromJson(j);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

// Written and read back, every run keeps its parent, fork epoch, curves and checkpoints bit for
// bit (what the timeline scrubs through after reopening); without checkpoints only the curves.
void TestCheckpoints::savedRunsRoundTripThroughTheProjectFile()
{
    const engine::Project p = projectWithRuns();
    const engine::Project back = engine::Project::fromJson(json::parse(engine::projectFileText(p)));
    QCOMPARE(int(back.runs.size()), 2);
    for (std::size_t r = 0; r < 2; ++r) {
        const engine::SavedRun& a = p.runs[r];
        const engine::SavedRun& b = back.runs[r];
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.parent, a.parent);
        QCOMPARE(b.forkEpoch, a.forkEpoch);
        QCOMPARE(b.history.label, a.history.label);
        QVERIFY(b.history.settings == a.history.settings);
        QCOMPARE(b.history.epochs.size(), a.history.epochs.size());
        for (std::size_t i = 0; i < a.history.epochs.size(); ++i) {
            QCOMPARE(b.history.epochs[i].epoch, a.history.epochs[i].epoch);
            QCOMPARE(b.history.epochs[i].trainLoss, a.history.epochs[i].trainLoss);
            QCOMPARE(b.history.epochs[i].validationLoss, a.history.epochs[i].validationLoss);
            QCOMPARE(
                b.history.epochs[i].validationAccuracy, a.history.epochs[i].validationAccuracy);
        }
        QCOMPARE(b.checkpoints.size(), a.checkpoints.size());
        for (std::size_t c = 0; c < a.checkpoints.size(); ++c) {
            QCOMPARE(b.checkpoints[c].epoch, a.checkpoints[c].epoch);
            QVERIFY(b.checkpoints[c].weights == a.checkpoints[c].weights);
            QVERIFY(sameState(b.checkpoints[c].state, a.checkpoints[c].state));
        }
    }
    QCOMPARE(back.runs[1].history.epochs.front().epoch, 3);
    QVERIFY(back.runs[0].checkpoints[0].weights != back.runs[0].checkpoints[3].weights);

    engine::Project curvesOnly = p;
    for (engine::SavedRun& run : curvesOnly.runs)
        run.checkpoints.clear();
    const json j = curvesOnly.toJson();
    QVERIFY(!j.at("runs")[0].contains("checkpoints"));
    QCOMPARE(int(engine::Project::fromJson(j).runs[1].history.epochs.size()), 2);
}

void TestCheckpoints::malformedSavedRunsNameThePlace()
{
    const json good = projectWithRuns().toJson();
    QCOMPARE(readError(good), QString()); // so the cases below can fail
    const std::string node = good.at("weights").begin().key();
    const std::string param = good.at("weights").begin()->begin().key();
    const QString tensor
        = QStringLiteral("%1.%2").arg(QString::fromStdString(node), QString::fromStdString(param));
    struct Case {
        const char* name;
        std::function<void(json&)> damage;
        QString message;
    };
    const std::vector<Case> cases {
        {"unknown parent", [](json& j) { j["runs"][1]["parent"] = 7; },
            QStringLiteral("runs[1].parent: no earlier run has id 7")},
        {"parent after", [](json& j) { j["runs"][0]["parent"] = 2; },
            QStringLiteral("runs[0].parent: no earlier run has id 2")},
        {"same id", [](json& j) { j["runs"][1]["id"] = 1; },
            QStringLiteral("runs[1].id: another run has id 1")},
        {"fork without epoch", [](json& j) { j["runs"][1].erase("forkEpoch"); },
            QStringLiteral("runs[1].forkEpoch: missing")},
        {"epoch before the fork", [](json& j) { j["runs"][1]["epochs"][0]["epoch"] = 1; },
            QStringLiteral("runs[1].epochs[0].epoch: expected an epoch after the fork's (2)")},
        {"checkpoints out of order", [](json& j) { j["runs"][0]["checkpoints"][2]["epoch"] = 1; },
            QStringLiteral("runs[0].checkpoints[2].epoch: expected an integer above 2")},
        {"wrong size",
            [&](json& j) {
                j["runs"][0]["checkpoints"][1]["weights"][node][param]
                    = {{"shape", {1, 1}}, {"data", {0.5}}};
            },
            QStringLiteral("runs[0].checkpoints[1].weights.%1: shape [1,1] does not match the "
                           "network's")
                .arg(tensor)},
        {"NaN",
            [&](json& j) {
                json& w = j["runs"][1]["checkpoints"][2]["weights"];
                engine::WeightMap tensors = engine::weightsFromJson(w);
                tensors.begin()->second.begin()->second(0, 0)
                    = std::numeric_limits<float>::quiet_NaN();
                w = engine::weightsToJson(tensors);
            },
            QStringLiteral("runs[1].checkpoints[2].weights.%1: not a finite number").arg(tensor)},
        {"not an array", [](json& j) { j["runs"] = json::object(); },
            QStringLiteral("runs: expected an array of runs")},
        {"state of another epoch",
            [](json& j) { j["runs"][0]["checkpoints"][0]["trainingState"]["epochsDone"] = 3; },
            QStringLiteral("runs[0].checkpoints[0].trainingState.epochsDone: expected 1")},
    };
    for (const Case& c : cases) {
        json j = good;
        c.damage(j);
        const QString error = readError(j);
        QVERIFY2(error.startsWith(c.message),
            qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c.name), error)));
    }
}

QTEST_APPLESS_MAIN(TestCheckpoints)
#include "tst_checkpoints.moc"

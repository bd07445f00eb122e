// engine::trainingFlopsPerSample(), which netcanvas-bench turns into gflops= and peak_fraction=,
// against FLOPs counted by hand for the benchmark's MLP, CNN (the Fashion-MNIST examples) and
// LSTM (128 units over 50 steps of 32 features, as bench/TrainingBench builds it). A multiply-add
// is 2 FLOPs; a bias add counts as one multiply-add; element-wise layers do one operation per
// value in each pass they run.

#include "graph/Graph.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace engine;

namespace {

/// Multiply-adds of a Dense layer's three products per sample: forward W x + b, parameter
/// gradients dW = dz x^T and db = rowsum(dz), input gradient dx = W^T dz (no bias there).
struct DenseCount {
    double forward, parameterGradients, inputGradient;
};
DenseCount dense(double in, double out)
{
    return {in * out + out, in * out + out, in * out};
}

/// Training FLOPs of a weight layer: forward, parameter gradients and, unless it is the first
/// layer with weights, the input gradient.
double training(const DenseCount& c, bool inputGradient)
{
    return 2 * (c.forward + c.parameterGradients + (inputGradient ? c.inputGradient : 0));
}

GraphCheck checkOf(const Project& project, const GraphContext& context)
{
    const Graph graph = project.buildGraph();
    GraphCheck check = graph.check(context);
    if (!check.ok())
        qFatal("%s", check.summary().c_str());
    return check;
}

Project example(const char* name)
{
    return loadProject(
        (qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + name)
            .toStdString());
}

/// netcanvas-bench's LSTM case: Input 50x32 -> LSTM 128 (last state) -> Dense 10 -> Loss.
Project benchLstm()
{
    const nlohmann::json j = {{"format", "netcanvas"}, {"version", 1}, {"name", "lstm"},
        {"nodes",
            {{{"id", 1}, {"type", "Input"}, {"attributes", {{"shape", {50, 32}}}}},
                {{"id", 2}, {"type", "LSTM"}, {"attributes", {{"units", 128}}}},
                {{"id", 3}, {"type", "Dense"},
                    {"attributes", {{"units", 10}, {"activation", "identity"}}}},
                {{"id", 4}, {"type", "Loss"}, {"attributes", {{"loss", "softmax_crossentropy"}}}}}},
        {"edges", {{{"from", 1}, {"to", 2}}, {{"from", 2}, {"to", 3}}, {{"from", 3}, {"to", 4}}}}};
    return Project::fromJson(j);
}

} // namespace

class TestTrainingFlops : public QObject {
    Q_OBJECT

private slots:
    void mlp();
    void cnn();
    void lstmCountsEveryTimeStep();
};

void TestTrainingFlops::mlp()
{
    // 28x28x1 -> flatten 784 -> dense 256 relu -> dense 128 relu -> dense 10.
    const GraphCheck check = checkOf(example("fashion_mlp.json"), {Shape {28, 28, 1}, 10, 1});
    // Flatten copies 784 values forward; backward never reaches it (its input is the data),
    // and the first dense layer computes no input gradient.
    const double expected = 784 + training(dense(784, 256), false) + training(dense(256, 128), true)
        + training(dense(128, 10), true);
    QCOMPARE(trainingFlopsPerSample(check), expected);
}

void TestTrainingFlops::cnn()
{
    // conv 3x3x1x32 at 26x26 positions, pool to 13x13, conv 3x3x32x64 at 11x11, pool to 5x5,
    // flatten, dense 1600-128, dropout, dense 128-10.
    const GraphCheck check = checkOf(example("fashion_cnn.json"), {Shape {28, 28, 1}, 10, 1});
    const double conv1Taps = 3 * 3 * 1 * 32 * 26 * 26, conv1Bias = 32 * 26 * 26;
    const double conv2Taps = 3 * 3 * 32 * 64 * 11 * 11, conv2Bias = 64 * 11 * 11;
    const DenseCount conv1 {conv1Taps + conv1Bias, conv1Taps + conv1Bias, conv1Taps};
    const DenseCount conv2 {conv2Taps + conv2Bias, conv2Taps + conv2Bias, conv2Taps};
    // pool1 (13x13x32), pool2 (5x5x64), flatten (1600), dropout (128): forward and backward.
    const double elementwise = 2.0 * (13 * 13 * 32 + 5 * 5 * 64 + 1600 + 128);
    const double expected = training(conv1, false) + training(conv2, true) + elementwise
        + training(dense(1600, 128), true) + training(dense(128, 10), true);
    QCOMPARE(trainingFlopsPerSample(check), expected);
}

void TestTrainingFlops::lstmCountsEveryTimeStep()
{
    const GraphCheck check = checkOf(benchLstm(), {Shape {50, 32}, 10, 1});
    const double steps = 50, features = 32, units = 128, gates = 4 * units;
    // Per step W x_t + b (4 gates); R h_{t-1} from the second step on (h_{-1} = 0).
    const double inputPart = steps * gates * (features + 1);
    const double recurrent = (steps - 1) * gates * units;
    // Backward: dW and db as forward, dR, and dL/dh_{t-1} = R^T dRec_t; no dL/dx (the data).
    const double lstm = 2 * (inputPart + recurrent) + 2 * (inputPart + 2 * recurrent);
    const double expected = lstm + training(dense(units, 10), true);
    QCOMPARE(trainingFlopsPerSample(check), expected);
    // Counting the weights once per sample instead would be over 40x too little.
    QVERIFY(trainingFlopsPerSample(check) > 40 * 3 * 2 * (gates * (features + units + 1)));
}

QTEST_APPLESS_MAIN(TestTrainingFlops)
#include "tst_training_flops.moc"

// engine::trainingFlopsPerSample(), which netcanvas-bench turns into gflops= and peak_fraction=,
// against FLOPs counted by hand for the benchmark's MLP and CNN (the Fashion-MNIST examples).

#include "graph/Graph.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"

#include <QtTest>

using namespace engine;

class TestTrainingFlops : public QObject {
    Q_OBJECT

private slots:
    void handCount_data();
    void handCount();
};

void TestTrainingFlops::handCount_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<double>("multiplyAdds"); // forward, per sample, biases included
    QTest::addColumn<double>("gemmMultiplyAdds"); // the weight matrices' products alone

    // 784-256-128-10: each weight and bias used once per sample.
    QTest::newRow("mlp") << "fashion_mlp.json"
                         << double((784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10))
                         << double(784 * 256 + 256 * 128 + 128 * 10);
    // conv 3x3x1x32 at 26x26 positions, pool to 13x13, conv 3x3x32x64 at 11x11, pool to 5x5,
    // dense 1600-128, dropout (no work counted), dense 128-10.
    QTest::newRow("cnn") << "fashion_cnn.json"
                         << double((3 * 3 * 32 + 32) * 26 * 26 + (3 * 3 * 32 * 64 + 64) * 11 * 11
                                + (1600 * 128 + 128) + (128 * 10 + 10))
                         << double(3 * 3 * 32 * 26 * 26 + 3 * 3 * 32 * 64 * 11 * 11 + 1600 * 128
                                + 128 * 10);
}

void TestTrainingFlops::handCount()
{
    QFETCH(QString, example);
    QFETCH(double, multiplyAdds);
    QFETCH(double, gemmMultiplyAdds);
    const QString file
        = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + example;
    const Project project = loadProject(file.toStdString());
    const Graph graph = project.buildGraph();
    const GraphCheck check = graph.check(GraphContext {Shape {28, 28, 1}, 10, 1});
    QVERIFY2(check.ok(), check.summary().c_str());

    // Forward one multiply-add (2 FLOPs) per use; backward two (input and weight gradients).
    // The element-wise layers (activations, pooling, flatten: one FLOP per output value, the
    // exact per-node counts are tst_resource_estimate's) add a fraction of a percent.
    const double flops = trainingFlopsPerSample(check);
    QVERIFY2(flops >= 2 * 3 * multiplyAdds && flops < 1.005 * 2 * 3 * multiplyAdds,
        qPrintable(QStringLiteral("%1 vs %2").arg(flops).arg(2 * 3 * multiplyAdds)));
    // The biases' share is small: GFLOP/s from this count compare with an SGEMM's within 2 %.
    QVERIFY(flops / (2 * 3 * gemmMultiplyAdds) < 1.02);
}

QTEST_APPLESS_MAIN(TestTrainingFlops)
#include "tst_training_flops.moc"

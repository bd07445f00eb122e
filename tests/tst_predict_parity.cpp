// engine::predict() (`netcanvas-train predict`, the GUI's Predict dialog, netcanvas-bench's
// inference cases) gives the numbers of the training code's forward pass: the same batch through
// a separately compiled Graph with the same weights, Graph::forward(Mode::Train) with dropout at
// rate 0, then the loss's output transform, agree to 1e-6 for the example MLP and CNN, at batch
// sizes below, at and above predict()'s chunk (the CNN's: 24 samples a thread), with one and two
// threads.
#include "core/Parallel.h"
#include "core/Rng.h"
#include "export/Predictor.h"
#include "graph/Graph.h"
#include "project/Project.h"

#include <QtTest>

#include <cmath>

using namespace engine;

namespace {

/// The example compiled for `context` with weights drawn from `seed` (as netcanvas-bench does).
Project exampleWithWeights(const QString& example, const GraphContext& context, unsigned seed)
{
    const QString file
        = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + example;
    Project project = loadProject(file.toStdString());
    Graph graph = project.buildGraph();
    graph.compile(context, seed);
    project.weights = graph.weights();
    return project;
}

/// Uniform values in [0, 1), like pixels, `rows` x `cols`, from a fixed seed.
Matrix randomPixels(long rows, long cols, unsigned seed)
{
    Rng rng(seed);
    Matrix x(rows, cols);
    for (long i = 0; i < x.size(); ++i)
        x.data()[i] = Scalar(rng.uniform());
    return x;
}

} // namespace

class TestPredictParity : public QObject {
    Q_OBJECT

private slots:
    void predictEqualsGraphForward_data();
    void predictEqualsGraphForward();
    void eachThreadMultipliesInAPreparedBlasBuffer();
};

void TestPredictParity::predictEqualsGraphForward_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("threads");
    const QStringList images {"fashion_mlp.json", "fashion_cnn.json"};
    for (const QString& example : images)
        for (int samples : {1, 7, 25, 256, 4096 + 300})
            for (int threads : {1, 2})
                QTest::addRow("%s %d x%d", qPrintable(example), samples, threads)
                    << example << samples << threads;
}

void TestPredictParity::predictEqualsGraphForward()
{
    QFETCH(QString, example);
    QFETCH(int, samples);
    QFETCH(int, threads);
    setThreadCount(threads);
    const GraphContext context {Shape {28, 28, 1}, 10, 1};
    const Project project = exampleWithWeights(example, context, 11);

    // The training code's forward pass (Mode::Train: pre-activations and argmaxes kept, as
    // backward needs them) on its own copy of the network, dropout at rate 0 so that it passes
    // values through as inference does.
    Project training = project;
    for (NodeRecord& n : training.nodes)
        if (n.type == "Dropout")
            n.attributes["rate"] = 0.0;
    Graph reference = training.buildGraph();
    reference.compile(context, project.training.seed);
    reference.setWeights(project.weights, true);
    const Matrix x = randomPixels(context.inputShape.size(), samples, 5);
    const Matrix logits = reference.forward(x, Mode::Train);
    TrainedModel model = prepareModel(project, context);
    Matrix expected;
    model.loss->outputTransform(logits, expected);

    // The CNN's samples pass in chunks (its first conv writes 26 x 26 x 32 values a sample, 24
    // samples a chunk per thread): 256 of them in 11 or 6, so the chunks' places in the result
    // are checked below.
    const long widest = example == "fashion_cnn.json" ? 26 * 26 * 32 : 28 * 28;
    QCOMPARE(
        samplesPerChunk(model.graph), 2L * 1024 * 1024 * threads / (widest * long(sizeof(Scalar))));
    const Predictions p = predict(model, x);
    QCOMPARE(p.values.rows(), 10L);
    QCOMPARE(p.values.cols(), long(samples));
    const double diff = (p.values - expected).cwiseAbs().maxCoeff();
    QVERIFY2(diff <= 1e-6, qPrintable(QStringLiteral("max |predict - forward| = %1").arg(diff)));
    // The labels are the arg-max of the same logits.
    QCOMPARE(long(p.labels.size()), long(samples));
    for (long c = 0; c < samples; ++c) {
        Eigen::Index best = 0;
        logits.col(c).maxCoeff(&best);
        QCOMPARE(p.labels[std::size_t(c)], int(best));
    }
    // A second call on the same model (reused buffers) gives the same numbers.
    const Predictions again = predict(model, x);
    QVERIFY((again.values - p.values).cwiseAbs().maxCoeff() == Scalar(0));
    setThreadCount(0);
}

void TestPredictParity::eachThreadMultipliesInAPreparedBlasBuffer()
{
    // OpenBLAS multiplies a conv's small matrices at half speed in a work buffer that has never
    // held a large product (engine/core/Parallel.cpp): predicting on two threads must have
    // prepared two buffers.
    if (computeBackendDescription().find("OpenBLAS") == std::string::npos)
        QSKIP("built without OpenBLAS: no work buffers to prepare");
    setThreadCount(2);
    const GraphContext context {Shape {28, 28, 1}, 10, 1};
    TrainedModel model = prepareModel(exampleWithWeights("fashion_cnn.json", context, 3), context);
    predict(model, randomPixels(context.inputShape.size(), 64, 9));
    QVERIFY2(preparedBlasBuffers() >= 2,
        qPrintable(QStringLiteral("%1 buffers prepared").arg(preparedBlasBuffers())));
    setThreadCount(0);
}

QTEST_APPLESS_MAIN(TestPredictParity)
#include "tst_predict_parity.moc"

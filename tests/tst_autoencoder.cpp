// Autoencoders in the engine: the dataset options "target": "input" and "inputNoise" (values,
// seeds and the errors naming dataset.options.X), the bottleneck finder, and the Fashion-MNIST
// autoencoder example's reconstruction error on the test images, trained through Project/Trainer
// as netcanvas-train does. The views are tested in tst_autoencoder_views.
#include "core/Errors.h"
#include "data/Autoencoder.h"
#include "data/DatasetLoading.h"
#include "project/Project.h"
#include "training/Trainer.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <filesystem>

namespace {

QString examplesDir()
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + QStringLiteral("/resources/examples");
}

engine::DatasetSpec xorSpec(const nlohmann::json& options)
{
    engine::DatasetSpec spec;
    spec.source = "generator";
    spec.generator = "xor";
    spec.samples = 400;
    spec.seed = 5;
    spec.options = options;
    return spec;
}

} // namespace

class TestAutoencoder : public QObject {
    Q_OBJECT
private slots:
    void optionErrors_data();
    void optionErrors();
    void badOptionFailsBeforeLoading();
    void reconstructionTargets();
    void gaussianNoise();
    void maskingNoise();
    void bottleneck_data();
    void bottleneck();
    void fashionAutoencoderTestMse();
};

void TestAutoencoder::optionErrors_data()
{
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("where");
    QTest::newRow("target word") << R"({"target": "labels"})"
                                 << "dataset.options.target";
    QTest::newRow("target number") << R"({"target": 3})"
                                   << "dataset.options.target";
    QTest::newRow("negative sigma") << R"({"inputNoise": -0.1})"
                                    << "dataset.options.inputNoise";
    QTest::newRow("huge sigma") << R"({"inputNoise": 1000})"
                                << "dataset.options.inputNoise";
    QTest::newRow("noise text") << R"({"inputNoise": "lots"})"
                                << "dataset.options.inputNoise";
    QTest::newRow("unknown type") << R"({"inputNoise": {"type": "salt", "amount": 0.1}})"
                                  << "dataset.options.inputNoise.type";
    QTest::newRow("missing type") << R"({"inputNoise": {"amount": 0.1}})"
                                  << "dataset.options.inputNoise.type";
    QTest::newRow("mask all") << R"({"inputNoise": {"type": "masking", "amount": 1.0}})"
                              << "dataset.options.inputNoise.amount";
    QTest::newRow("missing amount") << R"({"inputNoise": {"type": "gaussian"}})"
                                    << "dataset.options.inputNoise.amount";
    QTest::newRow("negative seed")
        << R"({"inputNoise": {"type": "gaussian", "amount": 0.1, "seed": -1}})"
        << "dataset.options.inputNoise.seed";
    QTest::newRow("unknown key")
        << R"({"inputNoise": {"type": "gaussian", "amount": 0.1, "sigma": 1}})"
        << "dataset.options.inputNoise.sigma";
}

void TestAutoencoder::optionErrors()
{
    QFETCH(QString, options);
    QFETCH(QString, where);
    const auto spec = xorSpec(nlohmann::json::parse(options.toStdString()));
    try {
        engine::loadDatasetParts(spec, {});
        QFAIL("expected an InputError");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), where);
        QVERIFY(QString::fromUtf8(e.what()).startsWith(where + ": "));
        QVERIFY(e.message().size() > 10);
    }
}

void TestAutoencoder::badOptionFailsBeforeLoading()
{
    // The folder does not exist: the option is reported, not the missing files.
    engine::DatasetSpec spec;
    spec.source = "fashion-mnist";
    spec.path = "/nonexistent/fashion";
    spec.options = {{"target", "input"}, {"inputNoise", {{"type", "masking"}, {"amount", 2}}}};
    try {
        engine::loadDatasetParts(spec, {});
        QFAIL("expected an InputError");
    } catch (const engine::InputError& e) {
        QCOMPARE(
            QString::fromStdString(e.where()), QStringLiteral("dataset.options.inputNoise.amount"));
    }
    spec.options = {{"target", "input"}};
    try {
        engine::loadDatasetParts(spec, {});
        QFAIL("expected an InputError");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QStringLiteral("dataset.path"));
    }
}

void TestAutoencoder::reconstructionTargets()
{
    const engine::Dataset plain = engine::loadDatasetParts(xorSpec({}), {}).data;
    const engine::Dataset d = engine::loadDatasetParts(xorSpec({{"target", "input"}}), {}).data;
    QCOMPARE(d.task, engine::TaskKind::Regression);
    QVERIFY(d.reconstruction);
    QVERIFY(!plain.reconstruction);
    QCOMPARE(d.numClasses, 0);
    QCOMPARE(d.targetSize(), 2);
    QVERIFY(d.x == plain.x);
    QVERIFY(d.y == plain.x);
    QCOMPARE(long(d.classLabels.size()), plain.size());
    for (long i = 0; i < plain.size(); ++i)
        QCOMPARE(d.classLabels[std::size_t(i)], plain.label(i));
    QCOMPARE(d.classNames, plain.classNames);
    // "label" is the default; the labels follow the samples through subsets and splits.
    QVERIFY(engine::loadDatasetParts(xorSpec({{"target", "label"}}), {}).data.y == plain.y);
    const engine::Dataset s = d.subset({7, 2, 2});
    QCOMPARE(s.classLabels, (std::vector<int> {plain.label(7), plain.label(2), plain.label(2)}));
    QVERIFY(s.reconstruction);
    const engine::DatasetSplits splits
        = engine::loadDatasetSplits(xorSpec({{"target", "input"}}), {}, 0.25, 0.1, 9);
    QCOMPARE(splits.validation.size(), 100L);
    QCOMPARE(long(splits.validation.classLabels.size()), 100L);
    for (long i = 0; i < splits.validation.size(); ++i) {
        // Find the sample by its inputs: its label must be the one it came with.
        long k = 0;
        while (k < plain.size() && plain.x.col(k) != splits.validation.x.col(i))
            ++k;
        QVERIFY(k < plain.size());
        QCOMPARE(splits.validation.classLabels[std::size_t(i)], plain.label(k));
    }
    // For CSV files "target" keeps naming columns.
    QVERIFY(!engine::reconstructionTargetRequested({{"target", "input"}}, "csv"));
    QVERIFY(engine::reconstructionTargetRequested({{"target", "input"}}, "idx"));
}

void TestAutoencoder::gaussianNoise()
{
    const nlohmann::json noisy = {{"target", "input"}, {"inputNoise", 0.5}};
    const engine::Dataset d = engine::loadDatasetParts(xorSpec(noisy), {}).data;
    const engine::Dataset clean = engine::loadDatasetParts(xorSpec({}), {}).data;
    QVERIFY(d.y == clean.x); // the target stays clean
    const engine::Matrix diff = d.x - d.y;
    const double mean = double(diff.mean());
    const double sd = std::sqrt(double(diff.squaredNorm()) / double(diff.size()) - mean * mean);
    QVERIFY2(std::abs(mean) < 0.05, qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(sd - 0.5) < 0.05, qPrintable(QString::number(sd)));
    QVERIFY(d.x.minCoeff() >= clean.x.minCoeff() && d.x.maxCoeff() <= clean.x.maxCoeff());
    // Fixed per sample: the same seed gives the same noise, another seed other noise.
    QVERIFY(engine::loadDatasetParts(xorSpec(noisy), {}).data.x == d.x);
    const nlohmann::json seeded = {
        {"target", "input"}, {"inputNoise", {{"type", "gaussian"}, {"amount", 0.5}, {"seed", 2}}}};
    QVERIFY(engine::loadDatasetParts(xorSpec(seeded), {}).data.x != d.x);
    // Noise without reconstruction corrupts a classification dataset's inputs only.
    const engine::Dataset aug = engine::loadDatasetParts(xorSpec({{"inputNoise", 0.5}}), {}).data;
    QCOMPARE(aug.task, engine::TaskKind::Classification);
    QVERIFY(aug.y == clean.y);
    QVERIFY(aug.x == d.x);
}

void TestAutoencoder::maskingNoise()
{
    const nlohmann::json options
        = {{"target", "input"}, {"inputNoise", {{"type", "masking"}, {"amount", 0.3}}}};
    const engine::Dataset d = engine::loadDatasetParts(xorSpec(options), {}).data;
    const float lo = d.y.minCoeff();
    long masked = 0, changed = 0, eligible = 0;
    for (long i = 0; i < d.x.size(); ++i) {
        const float x = d.x.data()[i], y = d.y.data()[i];
        if (y == lo)
            continue;
        ++eligible;
        masked += x == lo;
        changed += x != y;
    }
    QCOMPARE(changed, masked); // a value is either kept or set to the minimum
    const double fraction = double(masked) / double(eligible);
    QVERIFY2(std::abs(fraction - 0.3) < 0.06, qPrintable(QString::number(fraction)));
}

void TestAutoencoder::bottleneck_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("code"); // name of the bottleneck node, "" for none
    QTest::addColumn<int>("units");
    QTest::newRow("autoencoder") << "fashion_autoencoder.json"
                                 << "code" << 32;
    QTest::newRow("denoising") << "fashion_denoising.json"
                               << "code" << 32;
    QTest::newRow("latent2d") << "fashion_latent2d.json"
                              << "code" << 2;
    QTest::newRow("classifier") << "fashion_mlp.json"
                                << "" << 0;
    QTest::newRow("xor") << "mlp_xor.json"
                         << "" << 0;
}

void TestAutoencoder::bottleneck()
{
    QFETCH(QString, file);
    QFETCH(QString, code);
    QFETCH(int, units);
    const engine::Project p = engine::loadProject((examplesDir() + "/" + file).toStdString());
    const engine::Graph g = p.buildGraph();
    const engine::GraphCheck check = g.check();
    QVERIFY(check.ok());
    const auto b = engine::autoencoderBottleneck(g, check);
    QCOMPARE(b.has_value(), !code.isEmpty());
    if (b) {
        QCOMPARE(QString::fromStdString(g.name(*b)), code);
        QCOMPARE(check.shapes.at(*b).size(), long(units));
    }
}

void TestAutoencoder::fashionAutoencoderTestMse()
{
    if (!std::filesystem::exists(engine::kFashionMnistDir))
        QSKIP("Fashion-MNIST is not installed (sudo apt install dataset-fashion-mnist)");
    engine::Project p
        = engine::loadProject((examplesDir() + "/fashion_autoencoder.json").toStdString());
    // The example's own settings, shortened to fit a test run on two busy cores: 30,000
    // training images (27,000 after the validation split), 4 epochs; the whole 10,000-image
    // test split is scored.
    p.dataset.options["limit"] = 30000;
    p.training.epochs = 4;
    engine::Graph g = p.buildGraph();
    engine::DatasetSplits data = engine::loadDatasetSplits(
        p.dataset, {}, p.training.validationSplit, p.training.testSplit, p.training.seed);
    QCOMPARE(data.test.size(), 10000L);
    QVERIFY(data.test.reconstruction);
    QCOMPARE(data.test.y.minCoeff(), 0.0f);
    QCOMPARE(data.test.y.maxCoeff(), 1.0f);
    const engine::Matrix testInputs = data.test.x;
    engine::Trainer trainer(g, std::move(data), p.training);
    QElapsedTimer clock;
    clock.start();
    const engine::TrainResult r = trainer.run();
    QCOMPARE(r.reason, engine::StopReason::Completed);
    QVERIFY(r.test.has_value());
    // The loss reported is the per-pixel MSE the views show too.
    const double mse = engine::reconstructionMse(trainer.predict(testInputs), testInputs);
    qInfo("fashion_autoencoder: %d epochs on 27000 images, test MSE %.5f (loss %.5f), "
          "validation MSE %.5f, %.1f s",
        r.epochs, mse, r.test->loss, r.last->validation->loss, double(clock.elapsed()) / 1000);
    QVERIFY(std::abs(mse - r.test->loss) < 1e-5);
    QVERIFY2(mse < 0.02, qPrintable(QString::number(mse)));
}

QTEST_MAIN(TestAutoencoder)
#include "tst_autoencoder.moc"

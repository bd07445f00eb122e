// Sequence datasets (engine/data/SequenceGenerators) and the recurrent example projects trained the
// way netcanvas-train trains them (loadProject, loadDatasetSplits, Trainer).

#include "core/Errors.h"
#include "data/Dataset.h"
#include "data/DatasetGenerators.h"
#include "data/DatasetLoading.h"
#include "data/SequenceGenerators.h"
#include "project/Project.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <set>

using engine::Dataset;
using engine::InputError;
using engine::Shape;
using engine::TaskKind;
using json = nlohmann::json;

namespace {

std::filesystem::path examplesDir()
{
    return std::filesystem::path(NETCANVAS_SOURCE_DIR) / "resources" / "examples";
}

struct ExampleRun {
    engine::Metrics start; ///< validation metrics of the untrained network
    engine::TrainResult result;
};

/// Trains an example as netcanvas-train does (same loaders, splits, config, seed).
/// A seed > 0 replaces both the data's and the training's seed.
ExampleRun trainExample(const std::string& file, int epochs = 0, int seed = 0)
{
    const auto path = examplesDir() / file;
    engine::Project project = engine::loadProject(path);
    if (epochs > 0)
        project.training.epochs = epochs;
    if (seed > 0) {
        project.dataset.seed = std::uint64_t(seed);
        project.training.seed = std::uint64_t(seed);
    }
    engine::Graph graph = project.buildGraph();
    engine::DatasetSplits splits = engine::loadDatasetSplits(project.dataset, path.parent_path(),
        project.training.validationSplit, project.training.testSplit, project.training.seed);
    engine::Trainer trainer(graph, std::move(splits), project.training);
    ExampleRun run;
    run.start = trainer.evaluate(trainer.data().validation);
    run.result = trainer.run();
    return run;
}

std::string whereOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.where();
    }
    return "(no error)";
}

} // namespace

class TestSequences : public QObject {
    Q_OBJECT

private slots:
    void shapes_data();
    void shapes();
    void deterministicBySeed_data();
    void deterministicBySeed();
    void listedAsGenerators();
    void lengthOption();
    void badOptions();
    void sineWindowsFollowTheWave();
    void firstBitLabelIsTheFirstInput();
    void addingTargetIsTheMarkedSum();
    void charTextWindowsComeFromTheText();

    void lstmRemembersTheFirstBitWhereSimpleRnnCannot_data();
    void lstmRemembersTheFirstBitWhereSimpleRnnCannot();
    void lstmForecastsTheSine();
    void charModelLossFalls();
};

void TestSequences::shapes_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    QTest::addColumn<int>("features");
    QTest::addColumn<bool>("regression");
    QTest::newRow("sine") << "sine" << 20 << 1 << true;
    QTest::newRow("multi_sine") << "multi_sine" << 30 << 1 << true;
    QTest::newRow("first_bit") << "first_bit" << 30 << 1 << false;
    QTest::newRow("adding") << "adding" << 50 << 2 << true;
    QTest::newRow("char_text") << "char_text" << 32 << 1 << false;
}

void TestSequences::shapes()
{
    QFETCH(QString, name);
    QFETCH(int, steps);
    QFETCH(int, features);
    QFETCH(bool, regression);
    const std::string n = name.toStdString();
    QCOMPARE(engine::defaultSequenceLength(n), steps);
    const Dataset d = engine::generateDataset(n, 57, 0.1, 3);
    QCOMPARE(d.name, n);
    QVERIFY(d.inputShape == (Shape {steps, features}));
    QCOMPARE(d.x.rows(), long(steps) * features);
    QCOMPARE(d.size(), 57L);
    QCOMPARE(d.y.rows(), 1L);
    QVERIFY(d.x.allFinite() && d.y.allFinite());
    QCOMPARE(d.task, regression ? TaskKind::Regression : TaskKind::Classification);
    QCOMPARE(engine::isGeneratorRegression(n), regression);
    QCOMPARE(d.featureNames.size(), std::size_t(d.x.rows()));
    if (!regression) {
        QCOMPARE(d.classNames.size(), std::size_t(d.numClasses));
        QVERIFY(d.y.minCoeff() >= 0 && d.y.maxCoeff() < d.numClasses);
    }
    QCOMPARE(d.vocabulary.empty(), n != "char_text");
}

void TestSequences::deterministicBySeed_data()
{
    QTest::addColumn<QString>("name");
    for (const auto& n : engine::sequenceGeneratorNames())
        QTest::newRow(n.c_str()) << QString::fromStdString(n);
}

void TestSequences::deterministicBySeed()
{
    QFETCH(QString, name);
    const std::string n = name.toStdString();
    const Dataset a = engine::generateDataset(n, 80, 0.2, 7);
    const Dataset b = engine::generateDataset(n, 80, 0.2, 7);
    const Dataset c = engine::generateDataset(n, 80, 0.2, 8);
    QVERIFY(a.x == b.x);
    QVERIFY(a.y == b.y);
    QVERIFY(a.x != c.x);
}

void TestSequences::listedAsGenerators()
{
    const auto names = engine::generatorNames();
    for (const auto& n : engine::sequenceGeneratorNames()) {
        QVERIFY2(std::find(names.begin(), names.end(), n) != names.end(), n.c_str());
        const auto spec = engine::DatasetSpec::fromJson({{"generator", n}});
        QCOMPARE(spec.generator, n);
    }
    QVERIFY(!engine::isSequenceGenerator("spiral"));
}

void TestSequences::lengthOption()
{
    engine::DatasetSpec spec = engine::DatasetSpec::fromJson(
        {{"generator", "adding"}, {"samples", 10}, {"options", {{"length", 12}}}});
    const Dataset d = engine::loadDataset(spec, {});
    QVERIFY(d.inputShape == (Shape {12, 2}));
    QCOMPARE(d.x.rows(), 24L);
}

void TestSequences::badOptions()
{
    const auto load = [](const json& options, const std::string& generator = "sine") {
        return whereOf([&] {
            engine::loadDataset(engine::DatasetSpec::fromJson({{"generator", generator},
                                    {"samples", 20}, {"options", options}}),
                {});
        });
    };
    QCOMPARE(load({{"length", 1}}), std::string("dataset.options.length"));
    QCOMPARE(load({{"length", 5000}}), std::string("dataset.options.length"));
    QCOMPARE(load({{"length", "thirty"}}), std::string("dataset.options.length"));
    QCOMPARE(load({{"length", 2.5}}), std::string("dataset.options.length"));
    QCOMPARE(load({{"period", 0}}), std::string("dataset.options.period"));
    QCOMPARE(load({{"text", "too short"}}, "char_text"), std::string("dataset.options.text"));
    QCOMPARE(load({{"text", 42}}, "char_text"), std::string("dataset.options.text"));
    QCOMPARE(whereOf([] { engine::generateSequenceDataset("first_bit", 0, 0, 1); }),
        std::string("samples"));
    QCOMPARE(whereOf([] { engine::generateSequenceDataset("first_bit", 10'000'000, 0, 1); }),
        std::string("samples"));
    try {
        engine::loadDataset(engine::DatasetSpec::fromJson(
                                {{"generator", "first_bit"}, {"options", {{"length", 0}}}}),
            {});
        QFAIL("length 0 was accepted");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find("2 to 1000") != std::string::npos, e.what());
    }
}

void TestSequences::sineWindowsFollowTheWave()
{
    const Dataset d = engine::generateSequenceDataset("sine", 100, 0.0, 4, {{"period", 10}});
    QVERIFY(d.x.cwiseAbs().maxCoeff() <= 1 && d.x.cwiseAbs().maxCoeff() > 0.9);
    for (long i = 0; i + 1 < d.size(); ++i) {
        // Sample i + 1 is sample i shifted by one step, its last value sample i's target.
        QCOMPARE(d.x(19, i + 1), d.y(0, i));
        QCOMPARE(d.x(0, i + 1), d.x(1, i));
    }
    // A period of 10 steps: the value 10 steps on is the same.
    QVERIFY(std::abs(d.x(0, 0) - d.x(10, 0)) < 1e-5);
    const Dataset noisy = engine::generateSequenceDataset("sine", 100, 0.3, 4, {{"period", 10}});
    QVERIFY(std::abs(noisy.x(0, 0) - noisy.x(10, 0)) > 1e-3);
}

void TestSequences::firstBitLabelIsTheFirstInput()
{
    const Dataset d = engine::generateDataset("first_bit", 200, 0.0, 5);
    std::set<float> values;
    for (long i = 0; i < d.size(); ++i) {
        QCOMPARE(d.y(0, i), (d.x(0, i) + 1) / 2);
        for (long s = 0; s < d.x.rows(); ++s)
            values.insert(d.x(s, i));
    }
    QCOMPARE(values, (std::set<float> {-1.0f, 1.0f}));
    const auto counts = d.classCounts();
    QCOMPARE(counts, (std::vector<long> {100, 100}));
    // Noise jitters the noise bits only: the first bit stays readable.
    const Dataset noisy = engine::generateDataset("first_bit", 200, 0.5, 5);
    for (long i = 0; i < noisy.size(); ++i)
        QCOMPARE(noisy.y(0, i), (noisy.x(0, i) + 1) / 2);
    QVERIFY(
        (noisy.x.bottomRows(29).array() - noisy.x.bottomRows(29).array().round()).abs().maxCoeff()
        > 0.1);
}

void TestSequences::addingTargetIsTheMarkedSum()
{
    const Dataset d = engine::generateDataset("adding", 100, 0.0, 6);
    for (long i = 0; i < d.size(); ++i) {
        double sum = 0;
        int markers = 0, firstHalf = 0;
        for (int s = 0; s < 50; ++s) {
            if (d.x(2 * s + 1, i) == 1) {
                sum += d.x(2 * s, i);
                ++markers;
                firstHalf += s < 25;
            } else {
                QCOMPARE(d.x(2 * s + 1, i), 0.0f);
            }
            QVERIFY(d.x(2 * s, i) >= 0 && d.x(2 * s, i) < 1);
        }
        QCOMPARE(markers, 2);
        QCOMPARE(firstHalf, 1);
        QVERIFY(std::abs(sum - d.y(0, i)) < 1e-6);
    }
}

void TestSequences::charTextWindowsComeFromTheText()
{
    const Dataset d = engine::generateDataset("char_text", 50, 0.0, 9);
    const std::string text = engine::normalizedCharText(engine::charTextCorpus());
    QVERIFY(text.size() > 3000);
    QCOMPARE(int(d.vocabulary.size()), d.numClasses);
    QVERIFY(d.numClasses >= 20 && d.numClasses <= 40);
    QCOMPARE(d.numClasses, 30); // the char_text example's Embedding and Dense rely on it
    const auto space = std::find(d.vocabulary.begin(), d.vocabulary.end(), " ");
    QVERIFY(space != d.vocabulary.end());
    QCOMPARE(d.classNames[std::size_t(space - d.vocabulary.begin())], std::string("\u2423"));
    for (long i = 0; i < d.size(); ++i) {
        std::string window;
        for (long s = 0; s < d.x.rows(); ++s)
            window += d.vocabulary.at(std::size_t(d.x(s, i)));
        window += d.vocabulary.at(std::size_t(d.y(0, i)));
        QVERIFY2(text.find(window) != std::string::npos, window.c_str());
    }
    const Dataset own = engine::generateSequenceDataset(
        "char_text", 10, 0.0, 1, {{"text", "abab  ABAB\nabab"}, {"length", 3}});
    QCOMPARE(own.vocabulary, (std::vector<std::string> {" ", "a", "b"}));
}

void TestSequences::lstmRemembersTheFirstBitWhereSimpleRnnCannot_data()
{
    QTest::addColumn<int>("seed");
    // Seed 1 is the examples' own; the others show the contrast is not one lucky draw
    // (measured over seeds 1-24: LSTM >= 0.95 in all, SimpleRNN <= 0.68 in 22).
    for (int seed : {1, 2, 3})
        QTest::addRow("seed %d", seed) << seed;
}

void TestSequences::lstmRemembersTheFirstBitWhereSimpleRnnCannot()
{
    QFETCH(int, seed);
    const ExampleRun lstm = trainExample("lstm_first_bit.json", 0, seed);
    const ExampleRun rnn = trainExample("rnn_first_bit.json", 0, seed);
    QCOMPARE(lstm.result.reason, engine::StopReason::Completed);
    QCOMPARE(rnn.result.reason, engine::StopReason::Completed);
    const double lstmAccuracy = *lstm.result.last->validation->accuracy;
    const double rnnAccuracy = *rnn.result.last->validation->accuracy;
    qInfo("first_bit T=30, seed %d: LSTM %.3f, SimpleRNN %.3f", seed, lstmAccuracy, rnnAccuracy);
    QVERIFY2(lstmAccuracy >= 0.95, qPrintable(QString::number(lstmAccuracy)));
    QVERIFY2(rnnAccuracy <= 0.7, qPrintable(QString::number(rnnAccuracy)));
}

void TestSequences::lstmForecastsTheSine()
{
    const ExampleRun run = trainExample("sine_forecast.json");
    QCOMPARE(run.result.reason, engine::StopReason::Completed);
    const double mse = run.result.last->validation->loss;
    qInfo("sine forecast: validation MSE %.3g -> %.3g", run.start.loss, mse);
    QVERIFY2(mse < 1e-3, qPrintable(QString::number(mse)));
}

void TestSequences::charModelLossFalls()
{
    const ExampleRun run = trainExample("char_text.json");
    QCOMPARE(run.result.reason, engine::StopReason::Completed);
    const double start = run.start.loss;
    const double end = run.result.last->validation->loss;
    qInfo("char_text: validation loss %.3f -> %.3f, accuracy %.3f", start, end,
        *run.result.last->validation->accuracy);
    // ln 30 = 3.4 is a uniform guess; character frequencies alone give about 2.9.
    QVERIFY2(start > 3.2 && end < 2.4,
        qPrintable(QString("validation loss %1 -> %2").arg(start).arg(end)));
}

QTEST_APPLESS_MAIN(TestSequences)
#include "tst_sequences.moc"

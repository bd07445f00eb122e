// Dataset generators, subsets and stratified splits.

#include "core/Errors.h"
#include "data/Dataset.h"
#include "data/DatasetGenerators.h"
#include "data/DatasetLoading.h"
#include "data/SequenceGenerators.h"

#include <QTest>

#include <cmath>
#include <functional>
#include <set>

using namespace engine;

namespace {

/// A classification dataset whose x(0, i) == i, so samples can be traced through a split.
Dataset tracedDataset(const std::vector<int>& labels, int numClasses)
{
    Dataset d;
    d.name = "traced";
    d.inputShape = Shape {2};
    d.numClasses = numClasses;
    d.x.resize(2, long(labels.size()));
    d.y.resize(1, long(labels.size()));
    for (long i = 0; i < long(labels.size()); ++i) {
        d.x(0, i) = Scalar(i);
        d.x(1, i) = Scalar(-i);
        d.y(0, i) = Scalar(labels[std::size_t(i)]);
    }
    return d;
}

std::vector<int> repeatedLabels(const std::vector<std::pair<int, int>>& classAndCount)
{
    std::vector<int> labels;
    for (auto [c, n] : classAndCount)
        labels.insert(labels.end(), std::size_t(n), c);
    return labels;
}

std::set<long> ids(const Dataset& d)
{
    std::set<long> s;
    for (long i = 0; i < d.size(); ++i)
        s.insert(long(d.x(0, i)));
    return s;
}

std::string whereOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.where();
    }
    return "<no InputError>";
}

} // namespace

class TestDatasets : public QObject {
    Q_OBJECT

private slots:
    void generatorsAreDeterministic_data() { addGeneratorRows(); }
    void generatorsAreDeterministic();
    void generatorShapesAndMetadata_data() { addGeneratorRows(); }
    void generatorShapesAndMetadata();
    void classificationLabelsAreBalanced();
    void circleGeometry();
    void xorGeometry();
    void gaussiansCentres();
    void spiralRadius();
    void planeTarget();
    void multiGaussianTarget();
    void truthTables_data();
    void truthTables();
    void noiseJittersPoints();
    void generatorErrors();
    void subsetCopiesColumnsInOrder();
    void classCounts();
    void stratifiedSplitKeepsProportions();
    void splitIsDeterministicPerSeed();
    void zeroFractionsGiveEmptySplits();
    void regressionSplitSizes();
    void splitErrors();
    void specRoundTrip();
    void specErrors_data();
    void specErrors();
    void loadDatasetFromGenerator();
    void loadDatasetUnknownSource();

private:
    static void addGeneratorRows();
};

void TestDatasets::addGeneratorRows()
{
    QTest::addColumn<QString>("name");
    // The sequence generators ({T, F} samples) have their own suite, tst_sequences.
    for (const auto& n : generatorNames())
        if (!isSequenceGenerator(n))
            QTest::newRow(n.c_str()) << QString::fromStdString(n);
}

void TestDatasets::generatorsAreDeterministic()
{
    QFETCH(QString, name);
    const Dataset a = generateDataset(name.toStdString(), 200, 0.2, 7);
    const Dataset b = generateDataset(name.toStdString(), 200, 0.2, 7);
    const Dataset c = generateDataset(name.toStdString(), 200, 0.2, 8);
    QVERIFY(a.x == b.x);
    QVERIFY(a.y == b.y);
    QVERIFY(a.x != c.x);
}

void TestDatasets::generatorShapesAndMetadata()
{
    QFETCH(QString, name);
    const std::string n = name.toStdString();
    const Dataset d = generateDataset(n, 123, 0.1, 3);
    QCOMPARE(d.name, n);
    QCOMPARE(d.size(), 123L);
    QCOMPARE(d.x.rows(), 2L);
    QCOMPARE(d.y.rows(), 1L);
    QCOMPARE(d.y.cols(), 123L);
    QVERIFY(d.inputShape == Shape {2});
    QVERIFY(d.x.allFinite());
    QVERIFY(d.y.allFinite());
    if (isGeneratorRegression(n)) {
        QCOMPARE(d.task, TaskKind::Regression);
        QCOMPARE(d.numClasses, 0);
        QVERIFY(d.y.minCoeff() >= -1 && d.y.maxCoeff() <= 1);
    } else {
        QCOMPARE(d.task, TaskKind::Classification);
        QCOMPARE(d.numClasses, 2);
        QCOMPARE(d.classNames.size(), std::size_t(2));
        for (long i = 0; i < d.size(); ++i)
            QVERIFY(d.y(0, i) == 0 || d.y(0, i) == 1);
    }
}

void TestDatasets::classificationLabelsAreBalanced()
{
    for (const std::string n : {"circle", "xor", "gaussians", "spiral"}) {
        for (int samples : {400, 401}) {
            const auto counts = generateDataset(n, samples, 0.3, 11).classCounts();
            QCOMPARE(counts.size(), std::size_t(2));
            QCOMPARE(counts[0] + counts[1], long(samples));
            QVERIFY2(std::abs(counts[0] - counts[1]) <= 1, n.c_str());
        }
    }
}

void TestDatasets::circleGeometry()
{
    const Dataset d = generateDataset("circle", 500, 0.0, 5);
    for (long i = 0; i < d.size(); ++i) {
        const double r = std::hypot(d.x(0, i), d.x(1, i));
        if (d.label(i) == 1)
            QVERIFY(r < 2.5 + 1e-5);
        else
            QVERIFY(r >= 3.5 - 1e-5 && r <= 5 + 1e-5);
    }
}

void TestDatasets::xorGeometry()
{
    const Dataset d = generateDataset("xor", 500, 0.0, 5);
    for (long i = 0; i < d.size(); ++i) {
        const double px = d.x(0, i), py = d.x(1, i);
        QVERIFY(std::abs(px) >= 0.3 - 1e-5 && std::abs(px) <= 5 + 1e-5);
        QVERIFY(std::abs(py) >= 0.3 - 1e-5 && std::abs(py) <= 5 + 1e-5);
        QCOMPARE(d.label(i), px * py > 0 ? 1 : 0);
    }
}

void TestDatasets::gaussiansCentres()
{
    const Dataset d = generateDataset("gaussians", 2000, 0.0, 5);
    Eigen::Vector2d sum[2] = {Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero()};
    const auto counts = d.classCounts();
    for (long i = 0; i < d.size(); ++i)
        sum[d.label(i)] += d.x.col(i).cast<double>();
    const Eigen::Vector2d mean1 = sum[1] / double(counts[1]);
    const Eigen::Vector2d mean0 = sum[0] / double(counts[0]);
    QVERIFY(std::abs(mean1.x() - 2) < 0.15 && std::abs(mean1.y() - 2) < 0.15);
    QVERIFY(std::abs(mean0.x() + 2) < 0.15 && std::abs(mean0.y() + 2) < 0.15);
}

void TestDatasets::spiralRadius()
{
    const Dataset d = generateDataset("spiral", 400, 0.0, 5);
    double maxR = 0;
    for (long i = 0; i < d.size(); ++i)
        maxR = std::max(maxR, std::hypot(double(d.x(0, i)), double(d.x(1, i))));
    QVERIFY(maxR <= 5 + 1e-5);
    QVERIFY(maxR > 4.5);
}

void TestDatasets::planeTarget()
{
    const Dataset d = generateDataset("plane", 300, 0.0, 5);
    for (long i = 0; i < d.size(); ++i) {
        QVERIFY(std::abs(d.x(0, i)) <= 6 && std::abs(d.x(1, i)) <= 6);
        const double expected = std::clamp((d.x(0, i) + d.x(1, i)) / 10.0, -1.0, 1.0);
        QVERIFY(std::abs(d.y(0, i) - expected) < 1e-5);
    }
}

void TestDatasets::multiGaussianTarget()
{
    const Dataset d = generateDataset("multi_gaussian", 1000, 0.0, 5);
    QVERIFY(d.y.minCoeff() < -0.5);
    QVERIFY(d.y.maxCoeff() > 0.5);
    // Near the bump at (-4, 2.5), sign +1, the target is close to +1; near (0, 2.5) close to -1.
    for (long i = 0; i < d.size(); ++i) {
        if (std::hypot(d.x(0, i) + 4, d.x(1, i) - 2.5) < 0.5)
            QVERIFY(d.y(0, i) > 0.7);
        if (std::hypot(d.x(0, i), d.x(1, i) - 2.5) < 0.5)
            QVERIFY(d.y(0, i) < -0.7);
    }
}

void TestDatasets::truthTables_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("ones"); // of 4 corners
    QTest::newRow("and") << "and" << 1;
    QTest::newRow("or") << "or" << 3;
}

void TestDatasets::truthTables()
{
    QFETCH(QString, name);
    QFETCH(int, ones);
    const bool isAnd = name == "and";
    const Dataset d = generateDataset(name.toStdString(), 400, 0.0, 2);
    QCOMPARE(d.classCounts()[1], 100L * ones);
    std::set<std::pair<int, int>> corners;
    for (long i = 0; i < d.size(); ++i) {
        const int a = int(d.x(0, i)), b = int(d.x(1, i));
        QVERIFY(d.x(0, i) == a && d.x(1, i) == b);
        QVERIFY(a == 0 || a == 1);
        QVERIFY(b == 0 || b == 1);
        QCOMPARE(d.label(i), isAnd ? (a & b) : (a | b));
        corners.insert({a, b});
    }
    QCOMPARE(corners.size(), std::size_t(4));

    // With noise, points stay near their corner and keep its label.
    const Dataset noisy = generateDataset(name.toStdString(), 400, 0.5, 2);
    for (long i = 0; i < noisy.size(); ++i) {
        const int a = int(std::lround(noisy.x(0, i))), b = int(std::lround(noisy.x(1, i)));
        QVERIFY(std::abs(noisy.x(0, i) - a) <= 0.25 + 1e-6);
        QCOMPARE(noisy.label(i), isAnd ? (a & b) : (a | b));
    }
}

void TestDatasets::noiseJittersPoints()
{
    const Dataset clean = generateDataset("circle", 300, 0.0, 9);
    const Dataset noisy = generateDataset("circle", 300, 0.5, 9);
    QVERIFY(clean.x != noisy.x);
    // Some noisy inner points leave the inner disc: the classes now overlap.
    bool outside = false;
    for (long i = 0; i < noisy.size(); ++i)
        outside |= noisy.label(i) == 1 && std::hypot(noisy.x(0, i), noisy.x(1, i)) > 2.5;
    QVERIFY(outside);
}

void TestDatasets::generatorErrors()
{
    QCOMPARE(whereOf([] { generateDataset("moons", 10, 0, 1); }), std::string("generator"));
    QCOMPARE(whereOf([] { generateDataset("xor", 0, 0, 1); }), std::string("generator"));
    QCOMPARE(whereOf([] { generateDataset("xor", 10, 1.5, 1); }), std::string("noise"));
    try {
        generateDataset("moons", 10, 0, 1);
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("'moons'") != std::string::npos);
        QVERIFY(std::string(e.what()).find("spiral") != std::string::npos);
    }
}

void TestDatasets::subsetCopiesColumnsInOrder()
{
    Dataset d = tracedDataset({0, 1, 2, 0, 1}, 3);
    d.classNames = {"a", "b", "c"};
    const Dataset s = d.subset({4, 0, 4});
    QCOMPARE(s.size(), 3L);
    QCOMPARE(s.x(0, 0), Scalar(4));
    QCOMPARE(s.x(1, 0), Scalar(-4));
    QCOMPARE(s.x(0, 1), Scalar(0));
    QCOMPARE(s.x(0, 2), Scalar(4));
    QCOMPARE(s.label(0), 1);
    QCOMPARE(s.label(1), 0);
    QCOMPARE(s.numClasses, 3);
    QCOMPARE(s.classNames, d.classNames);
    QVERIFY(s.inputShape == d.inputShape);
    QCOMPARE(s.name, d.name);
    QVERIFY(d.subset({}).empty());
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, d.subset({5}));
}

void TestDatasets::classCounts()
{
    const Dataset d = tracedDataset({0, 2, 2, 0, 2}, 4);
    QCOMPARE(d.classCounts(), (std::vector<long> {2, 0, 3, 0}));
}

void TestDatasets::stratifiedSplitKeepsProportions()
{
    const Dataset d = tracedDataset(repeatedLabels({{0, 70}, {1, 30}}), 2);
    const DatasetSplits s = splitDataset(d, 0.2, 0.1, 42);
    QCOMPARE(s.validation.classCounts(), (std::vector<long> {14, 6}));
    QCOMPARE(s.test.classCounts(), (std::vector<long> {7, 3}));
    QCOMPARE(s.train.classCounts(), (std::vector<long> {49, 21}));

    // Every sample lands in exactly one split.
    std::set<long> all;
    for (const Dataset* part : {&s.train, &s.validation, &s.test})
        for (long id : ids(*part))
            QVERIFY(all.insert(id).second);
    QCOMPARE(all.size(), std::size_t(100));
    // Labels travel with their samples.
    for (long i = 0; i < s.train.size(); ++i)
        QCOMPARE(s.train.label(i), long(s.train.x(0, i)) < 70 ? 0 : 1);

    // Uneven classes: totals are the rounded fraction of all samples, split by class share.
    const Dataset odd = tracedDataset(repeatedLabels({{0, 5}, {1, 3}, {2, 3}}), 3);
    const DatasetSplits o = splitDataset(odd, 0.3, 0.0, 1);
    QCOMPARE(o.validation.size(), 3L); // round(11 * 0.3)
    // Exact shares 1.5, 0.9, 0.9: floors 1, 0, 0, and the two largest remainders get one more.
    QCOMPARE(o.validation.classCounts(), (std::vector<long> {1, 1, 1}));
}

void TestDatasets::splitIsDeterministicPerSeed()
{
    const Dataset d = tracedDataset(repeatedLabels({{0, 50}, {1, 50}}), 2);
    const DatasetSplits a = splitDataset(d, 0.2, 0.2, 5);
    const DatasetSplits b = splitDataset(d, 0.2, 0.2, 5);
    const DatasetSplits c = splitDataset(d, 0.2, 0.2, 6);
    QVERIFY(a.train.x == b.train.x);
    QVERIFY(a.validation.x == b.validation.x);
    QVERIFY(a.test.x == b.test.x);
    QVERIFY(ids(a.validation) != ids(c.validation));
    // The training split is mixed, not grouped by class.
    bool changes = false;
    for (long i = 1; i < a.train.size(); ++i)
        changes |= a.train.label(i) != a.train.label(i - 1);
    QVERIFY(changes);
    QVERIFY(a.train.label(0) != a.train.label(1) || a.train.label(1) != a.train.label(2)
        || a.train.label(2) != a.train.label(3) || a.train.label(3) != a.train.label(4));
}

void TestDatasets::zeroFractionsGiveEmptySplits()
{
    const Dataset d = generateDataset("xor", 50, 0, 1);
    const DatasetSplits s = splitDataset(d, 0.0, 0.0, 1);
    QVERIFY(s.validation.empty());
    QVERIFY(s.test.empty());
    QCOMPARE(s.train.size(), 50L);
    QCOMPARE(s.validation.x.rows(), 2L);
    QCOMPARE(s.validation.numClasses, 2);
    const DatasetSplits t = splitDataset(d, 0.0, 0.2, 1);
    QVERIFY(t.validation.empty());
    QCOMPARE(t.test.size(), 10L);
}

void TestDatasets::regressionSplitSizes()
{
    const Dataset d = generateDataset("plane", 101, 0, 1);
    const DatasetSplits s = splitDataset(d, 0.25, 0.1, 3);
    QCOMPARE(s.validation.size(), 25L); // round(25.25)
    QCOMPARE(s.test.size(), 10L); // round(10.1)
    QCOMPARE(s.train.size(), 66L);
    QCOMPARE(s.train.task, TaskKind::Regression);
    // Targets stay attached to their inputs.
    for (long i = 0; i < s.train.size(); ++i)
        QVERIFY(std::abs(s.train.y(0, i)
                    - std::clamp((s.train.x(0, i) + s.train.x(1, i)) / 10.0f, -1.0f, 1.0f))
            < 1e-5);
}

void TestDatasets::splitErrors()
{
    const Dataset d = tracedDataset({0, 1}, 2);
    QCOMPARE(whereOf([&] { splitDataset(d, 0.95, 0, 1); }), std::string("split"));
    QCOMPARE(whereOf([&] { splitDataset(d, -0.1, 0, 1); }), std::string("split"));
    QCOMPARE(whereOf([&] { splitDataset(d, 0.6, 0.5, 1); }), std::string("split"));
    QCOMPARE(whereOf([&] { splitDataset(Dataset {}, 0.2, 0, 1); }), std::string("split"));
    // One sample and a validation half: rounding takes the only sample, nothing is left to train.
    const Dataset one = tracedDataset({0}, 2);
    QCOMPARE(whereOf([&] { splitDataset(one, 0.5, 0, 1); }), std::string("split"));
    QCOMPARE(splitDataset(one, 0.4, 0, 1).train.size(), 1L);
}

void TestDatasets::specRoundTrip()
{
    DatasetSpec spec;
    spec.generator = "spiral";
    spec.samples = 321;
    spec.noise = 0.25;
    spec.seed = 0xFFFFFFFFFFFFull;
    spec.path = "data/x.csv";
    spec.options = {{"label", "class"}};
    const nlohmann::json j = spec.toJson();
    for (const char* key : {"source", "generator", "samples", "noise", "seed", "path", "options"})
        QVERIFY(j.contains(key));
    const DatasetSpec back = DatasetSpec::fromJson(nlohmann::json::parse(j.dump()));
    QCOMPARE(back.source, spec.source);
    QCOMPARE(back.generator, spec.generator);
    QCOMPARE(back.samples, spec.samples);
    QCOMPARE(back.noise, spec.noise);
    QCOMPARE(back.seed, spec.seed);
    QCOMPARE(back.path, spec.path);
    QVERIFY(back.options == spec.options);
    QVERIFY(back.toJson() == j);

    // Missing keys keep their defaults.
    const DatasetSpec defaults = DatasetSpec::fromJson(nlohmann::json::object());
    QCOMPARE(defaults.source, std::string("generator"));
    QCOMPARE(defaults.samples, DatasetSpec {}.samples);
}

void TestDatasets::specErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("where");
    QTest::newRow("not an object") << "[1]"
                                   << "";
    QTest::newRow("source type") << R"({"source": 3})"
                                 << "source";
    QTest::newRow("unknown generator") << R"({"generator": "moons"})"
                                       << "generator";
    QTest::newRow("samples type") << R"({"samples": "many"})"
                                  << "samples";
    QTest::newRow("samples zero") << R"({"samples": 0})"
                                  << "samples";
    QTest::newRow("samples fraction") << R"({"samples": 2.5})"
                                      << "samples";
    QTest::newRow("noise high") << R"({"noise": 1.5})"
                                << "noise";
    QTest::newRow("seed negative") << R"({"seed": -1})"
                                   << "seed";
    QTest::newRow("path type") << R"({"path": []})"
                               << "path";
    QTest::newRow("options type") << R"({"options": 1})"
                                  << "options";
}

void TestDatasets::specErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, where);
    const auto j = nlohmann::json::parse(json.toStdString());
    QCOMPARE(whereOf([&] { DatasetSpec::fromJson(j); }), where.toStdString());
}

void TestDatasets::loadDatasetFromGenerator()
{
    DatasetSpec spec;
    spec.generator = "circle";
    spec.samples = 64;
    spec.noise = 0.1;
    spec.seed = 4;
    const Dataset d = loadDataset(spec, ".");
    const Dataset g = generateDataset("circle", 64, 0.1, 4);
    QVERIFY(d.x == g.x);
    QVERIFY(d.y == g.y);

    spec.samples = 0;
    QCOMPARE(whereOf([&] { loadDataset(spec, "."); }), std::string("dataset.generator"));
}

void TestDatasets::loadDatasetUnknownSource()
{
    DatasetSpec spec;
    spec.source = "excel";
    try {
        loadDataset(spec, ".");
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.where(), std::string("dataset.source"));
        QCOMPARE(e.message(),
            std::string("unknown data source 'excel' (expected one of: generator, csv, idx, "
                        "fashion-mnist, mnist, timeseries)"));
    }
}

QTEST_APPLESS_MAIN(TestDatasets)
#include "tst_datasets.moc"

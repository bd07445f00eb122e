// The "timeseries" dataset source on small files written here: windows and targets value by
// value, the split by time (no window crosses a boundary, nothing from later parts reaches
// training, scaling statistics from the training rows only), and every malformed case's message.

#include "core/Errors.h"
#include "data/DatasetLoading.h"
#include "data/TimeSeriesCsv.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using nlohmann::json;
using namespace engine;

namespace {

/// "date,temp,other" with temp = row index r (0-based data row) and other = 100 + r.
std::string series(int rows)
{
    std::string s = "date,temp,other\n";
    for (int r = 0; r < rows; ++r)
        s += "2024-01-" + std::to_string(r + 1) + "," + std::to_string(r) + ","
            + std::to_string(100 + r) + "\n";
    return s;
}

TimeSeriesOptions options(const json& j)
{
    return TimeSeriesOptions::fromJson(j);
}

InputError errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e;
    }
    return InputError("<none>", "no error was thrown");
}

} // namespace

class TestTimeSeries : public QObject {
    Q_OBJECT

private slots:
    void windowsAndTargetsExact();
    void defaultsForecastTheLastColumnFromItself();
    void splitByTimeHasNoLeakage();
    void splitByTimeThroughTheSpec();
    void scalingFromTrainingRowsOnly();
    void scalingAnEmptyPart();
    void malformed_data();
    void malformed();
    void badOptionsNameTheSetting_data();
    void badOptionsNameTheSetting();
    void shippedExample();
};

void TestTimeSeries::windowsAndTargetsExact()
{
    // 20 rows, T = 3, H = 2, validation 0.25: rows 0..14 train (11 windows), 15..19 validation
    // (1 window).
    const SourceData p = parseTimeSeries(series(20), "s.csv",
        options({{"inputs", {"temp", "other"}}, {"target", "temp"}, {"window", 3}, {"horizon", 2},
            {"validation", 0.25}}));
    QVERIFY(p.splitInOrder);
    QCOMPARE(p.data.size(), 11L);
    QCOMPARE(p.validation.size(), 1L);
    QCOMPARE(p.test.size(), 0L);
    QCOMPARE(p.data.inputShape, (Shape {3, 2}));
    QCOMPARE(p.data.x.rows(), 6L);
    QCOMPARE(p.data.task, TaskKind::Regression);
    for (long i = 0; i < p.data.size(); ++i) {
        for (int t = 0; t < 3; ++t) {
            QCOMPARE(double(p.data.x(t * 2 + 0, i)), double(i + t)); // temp, time-major
            QCOMPARE(double(p.data.x(t * 2 + 1, i)), double(100 + i + t)); // other
        }
        QCOMPARE(double(p.data.y(0, i)), double(i + 3 - 1 + 2)); // H = 2 after the last step
    }
    QCOMPARE(double(p.validation.x(0, 0)), 15.0);
    QCOMPARE(double(p.validation.x(5, 0)), 117.0);
    QCOMPARE(double(p.validation.y(0, 0)), 19.0);
    const std::vector<std::string> names {
        "temp[t-2]", "other[t-2]", "temp[t-1]", "other[t-1]", "temp[t]", "other[t]"};
    QCOMPARE(p.data.featureNames, names);
    QCOMPARE(p.data.targetNames, std::vector<std::string> {"temp[t+2]"});
}

void TestTimeSeries::defaultsForecastTheLastColumnFromItself()
{
    // No "inputs", no "target": the last column ("other") predicts itself; the date column is
    // text and not read. Window 1, horizon 1: x = other(r), y = other(r + 1).
    const SourceData p = parseTimeSeries(
        series(10), "s.csv", options({{"window", 1}, {"horizon", 1}, {"validation", 0.0}}));
    QCOMPARE(p.data.size(), 9L);
    QVERIFY(p.validation.empty());
    QCOMPARE(p.data.inputShape, (Shape {1, 1}));
    for (long i = 0; i < 9; ++i) {
        QCOMPARE(double(p.data.x(0, i)), double(100 + i));
        QCOMPARE(double(p.data.y(0, i)), double(101 + i));
    }
}

void TestTimeSeries::splitByTimeHasNoLeakage()
{
    // 100 rows, T = 4, H = 3, validation 0.2, test 0.1: train rows 0..69, validation 70..89,
    // test 90..99. Values are row indices, so every value tells the row it came from.
    const TimeSeriesOptions o = options(
        {{"target", "temp"}, {"window", 4}, {"horizon", 3}, {"validation", 0.2}, {"test", 0.1}});
    const TimeSeriesPartition part = partitionSeries(100, o, "s.csv");
    QCOMPARE(part.train, 70L);
    QCOMPARE(part.validation, 20L);
    QCOMPARE(part.test, 10L);
    const SourceData p = parseTimeSeries(series(100), "s.csv", o);
    QCOMPARE(p.data.size(), 70L - 7 + 1);
    QCOMPARE(p.validation.size(), 20L - 7 + 1);
    QCOMPARE(p.test.size(), 10L - 7 + 1);
    const auto range = [](const Dataset& d) {
        const double lo = std::min(double(d.x.minCoeff()), double(d.y.minCoeff()));
        const double hi = std::max(double(d.x.maxCoeff()), double(d.y.maxCoeff()));
        return std::pair {lo, hi};
    };
    QCOMPARE(range(p.data), (std::pair {0.0, 69.0}));
    QCOMPARE(range(p.validation), (std::pair {70.0, 89.0}));
    QCOMPARE(range(p.test), (std::pair {90.0, 99.0}));
    // In time order inside each part: window i starts one step after window i - 1.
    for (const Dataset* d : {&p.data, &p.validation, &p.test})
        for (long i = 1; i < d->size(); ++i)
            QCOMPARE(double(d->x(0, i)), double(d->x(0, i - 1)) + 1.0);

    // splitSourceData keeps the parts whatever fractions the trainer asks for.
    const DatasetSplits s = splitSourceData(p, 0.5, 0.3, 7);
    QCOMPARE(s.train.size(), p.data.size());
    QCOMPARE(s.validation.size(), p.validation.size());
    QCOMPARE(s.test.size(), p.test.size());
    QCOMPARE(s.validation.x, p.validation.x);
    QCOMPARE(s.train.y, p.data.y);
}

void TestTimeSeries::splitByTimeThroughTheSpec()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path root = dir.path().toStdString();
    std::ofstream(root / "s.csv") << series(50);
    const DatasetSpec spec = DatasetSpec::fromJson({{"source", "timeseries"}, {"path", "s.csv"},
        {"options", {{"target", "temp"}, {"window", 5}, {"validation", 0.2}}}});
    // Rows 0..39 train, 40..49 validation; the project's 0.5 validation fraction is not used.
    const DatasetSplits s = loadDatasetSplits(spec, root, 0.5, 0.0, 3);
    QCOMPARE(s.train.size(), 40L - 6 + 1);
    QCOMPARE(s.validation.size(), 10L - 6 + 1);
    QVERIFY(s.test.empty());
    QCOMPARE(double(s.train.y.maxCoeff()), 39.0);
    QCOMPARE(double(s.validation.x.minCoeff()), 40.0);
    QCOMPARE(s.train.inputShape, (Shape {5, 1}));
}

void TestTimeSeries::scalingFromTrainingRowsOnly()
{
    // temp = 0..19; train rows 0..15 (validation 0.2 = 4 rows): mean 7.5, population sd
    // sqrt((16^2 - 1) / 12).
    const SourceData p = parseTimeSeries(series(20), "s.csv",
        options({{"target", "temp"}, {"window", 2}, {"horizon", 1}, {"validation", 0.2},
            {"scaling", "standardize"}}));
    const double mean = 7.5;
    const double sd = std::sqrt((16.0 * 16.0 - 1.0) / 12.0);
    QCOMPARE(p.data.scaling.method, std::string("standardize"));
    QCOMPARE(p.data.scaling.shift.size(), std::size_t(2)); // one per step of the window
    for (std::size_t k = 0; k < 2; ++k) {
        QCOMPARE(p.data.scaling.shift[k], mean);
        QVERIFY(std::abs(p.data.scaling.scale[k] - 1.0 / sd) < 1e-9);
    }
    // Validation goes through the same transform (its values lie above the training mean).
    QVERIFY(std::abs(double(p.validation.x(0, 0)) - (16.0 - mean) / sd) < 1e-5);
    QVERIFY(std::abs(double(p.data.x(1, 0)) - (1.0 - mean) / sd) < 1e-5);
    // Targets stay in the file's units.
    QCOMPARE(double(p.validation.y(0, 0)), 18.0);

    // Stored statistics of the right size win over recomputing.
    FeatureScaling stored;
    stored.method = "standardize";
    stored.shift = {1.0, 1.0};
    stored.scale = {2.0, 2.0};
    const SourceData q = parseTimeSeries(series(20), "s.csv",
        options(
            {{"target", "temp"}, {"window", 2}, {"validation", 0.2}, {"scaling", "standardize"}}),
        stored);
    QCOMPARE(double(q.data.x(0, 3)), (3.0 - 1.0) * 2.0);
}

void TestTimeSeries::malformed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("optionsJson");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");

    const QString ok = QString::fromStdString(series(20));
    QTest::newRow("series shorter than window + horizon")
        << QString::fromStdString(series(4)) << R"({"window": 3, "horizon": 2})"
        << "s.csv"
        << "the series has 4 rows, but a window of 3 steps plus a horizon of 2 needs at least 5";
    QTest::newRow("validation part too short")
        << ok << R"({"window": 5, "horizon": 1, "validation": 0.2})"
        << "s.csv"
        << "the validation part of the series has 4 of its 20 rows, but a window of 5 steps plus "
           "a horizon of 1 needs at least 6; change \"validation\", the window or the horizon";
    QTest::newRow("non-numeric cell")
        << "date,temp\n2024-01-01,1\n2024-01-02,2\n2024-01-03,abc\n2024-01-04,4\n"
        << R"({"window": 1, "validation": 0})"
        << "s.csv: row 4, column 2"
        << "expected a number, got \"abc\" (column \"temp\")";
    QTest::newRow("missing cell")
        << "date,temp\n2024-01-01,1\n2024-01-02,\n2024-01-03,3\n"
        << R"({"window": 1, "validation": 0})"
        << "s.csv: row 3, column 2"
        << "missing value (column \"temp\"); a time series needs every step: fill it in (e.g. "
           "with the previous value)";
    QTest::newRow("bad cell in an input column")
        << "date,temp,other\nd,1,5\nd,2,x\nd,3,7\n"
        << R"({"inputs": ["temp", "other"], "target": "temp", "window": 1, "validation": 0})"
        << "s.csv: row 3, column 3"
        << "expected a number, got \"x\" (column \"other\")";
    QTest::newRow("missing target column")
        << ok << R"({"target": "humidity"})"
        << "s.csv"
        << "no column \"humidity\" for \"target\" (columns: \"date\", \"temp\", \"other\"; or an "
           "index from 0 to 2)";
    QTest::newRow("missing input column")
        << ok << R"({"inputs": [1, 7]})"
        << "s.csv"
        << "no column \"7\" for \"inputs\" (columns: \"date\", \"temp\", \"other\"; or an index "
           "from 0 to 2)";
    QTest::newRow("ragged row") << "temp\n1\n2,3\n4\n"
                                << R"({"window": 1})"
                                << "s.csv: row 3"
                                << "expected 1 cells like the first row, got 2";
    QTest::newRow("empty file") << ""
                                << "{}"
                                << "s.csv"
                                << "the file has no rows";
}

void TestTimeSeries::malformed()
{
    QFETCH(QString, text);
    QFETCH(QString, optionsJson);
    QFETCH(QString, where);
    QFETCH(QString, message);
    const InputError e = errorOf([&] {
        parseTimeSeries(
            text.toStdString(), "s.csv", options(json::parse(optionsJson.toStdString())));
    });
    QCOMPARE(QString::fromStdString(e.where()), where);
    QCOMPARE(QString::fromStdString(e.message()), message);
}

void TestTimeSeries::badOptionsNameTheSetting_data()
{
    QTest::addColumn<QString>("optionsJson");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");
    QTest::newRow("window 0") << R"({"window": 0})"
                              << "dataset.options.window"
                              << "expected the window length (time steps per input) as an "
                                 "integer of at least 1, got 0";
    QTest::newRow("window text") << R"({"window": "ten"})"
                                 << "dataset.options.window"
                                 << "expected the window length (time steps per input) as an "
                                    "integer of at least 1, got \"ten\"";
    QTest::newRow("horizon 0") << R"({"horizon": 0})"
                               << "dataset.options.horizon"
                               << "expected the horizon (steps from the window to its target) as "
                                  "an integer of at least 1, got 0";
    QTest::newRow("horizon negative") << R"({"horizon": -2})"
                                      << "dataset.options.horizon"
                                      << "expected the horizon (steps from the window to its "
                                         "target) as an integer of at least 1, got -2";
    QTest::newRow("validation") << R"({"validation": 1.5})"
                                << "dataset.options.validation"
                                << "expected a fraction from 0 to 0.9, got 1.5";
    QTest::newRow("scaling") << R"({"scaling": "log"})"
                             << "dataset.options.scaling"
                             << "expected \"none\", \"standardize\" or \"minmax\", got \"log\"";
    QTest::newRow("target") << R"({"target": {}})"
                            << "dataset.options.target"
                            << "expected a column name, a 0-based column index or a list of "
                               "them, got {}";
}

void TestTimeSeries::badOptionsNameTheSetting()
{
    QFETCH(QString, optionsJson);
    QFETCH(QString, where);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path root = dir.path().toStdString();
    std::ofstream(root / "s.csv") << series(30);
    const DatasetSpec spec = DatasetSpec::fromJson({{"source", "timeseries"}, {"path", "s.csv"},
        {"options", json::parse(optionsJson.toStdString())}});
    const InputError e = errorOf([&] { loadDataset(spec, root); });
    QCOMPARE(QString::fromStdString(e.where()), where);
    QCOMPARE(QString::fromStdString(e.message()), message);

    // A problem inside the file names the file by its resolved path.
    const DatasetSpec missing = DatasetSpec::fromJson(
        {{"source", "timeseries"}, {"path", "nope.csv"}, {"options", json::object()}});
    const InputError m = errorOf([&] { loadDataset(missing, root); });
    QCOMPARE(m.where(), (root / "nope.csv").string());
    QCOMPARE(m.message(), std::string("no such file"));
}

void TestTimeSeries::shippedExample()
{
    // resources/examples/temperature_lstm.json: 1461 days, the last 292 (20%) validation.
    const QByteArray source = qgetenv("NETCANVAS_SOURCE_DIR");
    QVERIFY2(!source.isEmpty(), "run through ctest (NETCANVAS_SOURCE_DIR)");
    const std::filesystem::path dir
        = std::filesystem::path(source.toStdString()) / "resources" / "examples";
    std::ifstream in(dir / "temperature_lstm.json");
    QVERIFY(in);
    const DatasetSpec spec = DatasetSpec::fromJson(json::parse(in).at("dataset"));
    const DatasetSplits s = loadDatasetSplits(spec, dir, 0.2, 0.0, 1);
    QCOMPARE(s.train.size(), 1169L - 15 + 1);
    QCOMPARE(s.validation.size(), 292L - 15 + 1);
    QCOMPARE(s.train.inputShape, (Shape {14, 1}));
    QCOMPARE(s.train.scaling.method, std::string("standardize"));
    // Standardized with the training rows' statistics: the training inputs have mean ~0.
    QVERIFY(std::abs(double(s.train.x.row(0).mean())) < 0.1);
}

void TestTimeSeries::scalingAnEmptyPart()
{
    // test = 0 leaves the test part empty; scaling it must not form a row of an empty matrix
    // (undefined behaviour that UBSan reports as "applying non-zero offset to null pointer";
    // this suite catches it when built with -fsanitize=undefined).
    const SourceData p = parseTimeSeries(series(20), "s.csv",
        options({{"target", "temp"}, {"window", 3}, {"validation", 0.2}, {"test", 0},
            {"scaling", "minmax"}}));
    QCOMPARE(p.test.x.rows(), 3L);
    QCOMPARE(p.test.x.cols(), 0L);
    QCOMPARE(p.test.scaling.method, std::string("minmax"));
    QCOMPARE(p.test.scaling.shift.size(), std::size_t(3));
    Matrix empty(3, 0);
    p.test.scaling.apply(empty);
    QCOMPARE(empty.size(), 0L);
}

QTEST_APPLESS_MAIN(TestTimeSeries)
#include "tst_timeseries.moc"

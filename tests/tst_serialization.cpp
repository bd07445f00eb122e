// The project file: JSON round trips, weights, atomic saving and error messages.

#include "core/Errors.h"
#include "core/Rng.h"
#include "project/Project.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <sys/resource.h>

using namespace engine;
namespace fs = std::filesystem;

// QCOMPARE cannot take nlohmann::json: its conversions make Qt's overloads ambiguous.
#define COMPARE_JSON(actual, expected)                                                             \
    QVERIFY2((actual) == (expected), ("got " + nlohmann::json(actual).dump()).c_str())

namespace {

/// Input(2) -> Dense(4, tanh) -> Dense(2) -> Loss(softmax cross-entropy), ids 1, 2, 5, 9.
Project smallProject()
{
    Project p;
    p.name = "xor demo";
    p.description = "Two inputs, one hidden layer.";
    p.nodes = {
        {1, "Input", "in", 10, 20, {{"shape", {2}}}},
        {2, "Dense", "hidden", 110.5, 20, {{"units", 4}, {"activation", "tanh"}}},
        {5, "Dense", "out", 210, -30.25, {{"units", 2}, {"activation", "identity"}}},
        {9, "Loss", "loss", 310, 20, {{"loss", "softmax_crossentropy"}}},
    };
    p.edges = {{1, 0, 2, 0}, {2, 0, 5, 0}, {5, 0, 9, 0}};
    p.dataset.generator = "circle";
    p.dataset.samples = 250;
    p.dataset.noise = 0.1;
    p.dataset.seed = 17;
    p.training.epochs = 12;
    p.training.batchSize = 16;
    p.training.seed = 99;
    return p;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const fs::path& file, const std::string& text)
{
    std::ofstream(file, std::ios::binary) << text;
}

std::vector<std::string> entries(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool bitIdentical(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols()
        && std::memcmp(a.data(), b.data(), sizeof(Scalar) * std::size_t(a.size())) == 0;
}

Matrix randomMatrix(long rows, long cols, std::uint64_t seed)
{
    Rng rng(seed);
    Matrix m(rows, cols);
    for (long i = 0; i < m.size(); ++i)
        m.data()[i] = Scalar(rng.normal() * std::pow(10.0, rng.uniform(-8, 8)));
    return m;
}

} // namespace

class TestSerialization : public QObject {
    Q_OBJECT

private slots:
    void projectJsonRoundTrip();
    void unknownTopLevelKeysSurvive();
    void runHistoryRoundTrip();
    void smallWeightsRoundTripExactly();
    void largeWeightsRoundTripExactlyAsBase64();
    void base64IsLittleEndianColumnMajor();
    void nonFiniteWeightsSurvive();
    void weightErrors_data();
    void weightErrors();
    void saveAndLoad();
    void saveIntoMissingFolderFails();
    void failedSaveKeepsExistingFile();
    void malformedFiles_data();
    void malformedFiles();
    void syntaxErrorReportsLineAndColumn();
    void missingFile();
    void buildGraphErrors_data();
    void buildGraphErrors();
    void setGraphKeepsPositions();
    void trainedGraphPredictsTheSameAfterReload();

private:
    QTemporaryDir m_dir;
    fs::path path(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }
};

void TestSerialization::projectJsonRoundTrip()
{
    Project p = smallProject();
    p.weights[2]["W"] = randomMatrix(4, 2, 1);
    const nlohmann::json j = p.toJson();
    COMPARE_JSON(j["format"], nlohmann::json("netcanvas"));
    COMPARE_JSON(j["version"], nlohmann::json(1));
    COMPARE_JSON(j["nodes"][1]["position"], nlohmann::json({110.5, 20}));
    COMPARE_JSON(
        j["edges"][2], nlohmann::json({{"from", 5}, {"fromPort", 0}, {"to", 9}, {"toPort", 0}}));

    const Project back = Project::fromJson(nlohmann::json::parse(j.dump()));
    QVERIFY(back.toJson() == j);
    QCOMPARE(back.name, p.name);
    QCOMPARE(back.description, p.description);
    QCOMPARE(back.nodes.size(), p.nodes.size());
    for (std::size_t i = 0; i < p.nodes.size(); ++i) {
        QCOMPARE(back.nodes[i].id, p.nodes[i].id);
        QCOMPARE(back.nodes[i].type, p.nodes[i].type);
        QCOMPARE(back.nodes[i].name, p.nodes[i].name);
        QCOMPARE(back.nodes[i].x, p.nodes[i].x);
        QCOMPARE(back.nodes[i].y, p.nodes[i].y);
        QVERIFY(back.nodes[i].attributes == p.nodes[i].attributes);
    }
    QVERIFY(back.edges == p.edges);
    QCOMPARE(back.dataset.generator, std::string("circle"));
    QCOMPARE(back.dataset.seed, std::uint64_t(17));
    QCOMPARE(back.training.epochs, 12);
    QCOMPARE(back.training.batchSize, 16);
    QVERIFY(bitIdentical(back.weights.at(2).at("W"), p.weights[2]["W"]));

    // An untrained project has no "weights" key.
    QVERIFY(!smallProject().toJson().contains("weights"));
}

void TestSerialization::unknownTopLevelKeysSurvive()
{
    nlohmann::json j = smallProject().toJson();
    j["lesson"] = {{"step", 3}, {"text", "Add a hidden layer"}};
    j["view"] = {{"zoom", 1.5}};
    const Project p = Project::fromJson(j);
    QCOMPARE(p.extra.size(), std::size_t(2));
    QVERIFY(p.extra["lesson"] == j["lesson"]);

    saveProject(p, path("extra.json"));
    const Project q = loadProject(path("extra.json"));
    QVERIFY(q.extra == p.extra);
    QVERIFY(q.toJson() == j);

    // Extra keys never override the known ones.
    Project r = smallProject();
    r.extra["format"] = "other";
    r.extra["name"] = "shadow";
    COMPARE_JSON(r.toJson()["format"], nlohmann::json("netcanvas"));
    COMPARE_JSON(r.toJson()["name"], nlohmann::json("xor demo"));
}

void TestSerialization::runHistoryRoundTrip()
{
    Project p = smallProject();
    p.weights[2]["W"] = randomMatrix(4, 2, 3);
    p.history = TrainingHistory::startedWith(p.training);
    QCOMPARE(p.history.label, std::string("lr 0.01, adam, batch 16, seed 99"));
    p.history.epochs = {{1, 0.75, 0.5, 0.8, 0.25}, {2, 0.5, 0.75, 0.625, 1.0},
        {3, std::numeric_limits<double>::quiet_NaN(), std::nullopt, std::nullopt, std::nullopt}};
    saveProject(p, path("history.json"));
    const nlohmann::json written = nlohmann::json::parse(readText(path("history.json")));
    COMPARE_JSON(written["history"]["epochs"][1],
        nlohmann::json({{"epoch", 2}, {"trainLoss", 0.5}, {"trainAccuracy", 0.75},
            {"validationLoss", 0.625}, {"validationAccuracy", 1.0}}));
    // A diverged loss is null; metrics that do not apply are left out.
    COMPARE_JSON(
        written["history"]["epochs"][2], nlohmann::json({{"epoch", 3}, {"trainLoss", nullptr}}));
    COMPARE_JSON(written["history"]["settings"]["batchSize"], nlohmann::json(16));

    const Project back = loadProject(path("history.json"));
    QVERIFY(!back.extra.contains("history")); // read, not merely kept
    QCOMPARE(back.history.label, p.history.label);
    QVERIFY(back.history.settings == p.training.toJson());
    QCOMPARE(back.history.epochs.size(), std::size_t(3));
    const EpochRecord& e = back.history.epochs[0];
    QCOMPARE(e.epoch, 1);
    QCOMPARE(e.trainLoss, 0.75);
    QCOMPARE(e.trainAccuracy, std::optional<double>(0.5));
    QCOMPARE(e.validationLoss, std::optional<double>(0.8));
    QCOMPARE(e.validationAccuracy, std::optional<double>(0.25));
    QVERIFY(std::isnan(back.history.epochs[2].trainLoss));
    QVERIFY(!back.history.epochs[2].validationLoss.has_value());
    QVERIFY(back.toJson() == written);

    // Files without a history (older ones, untrained projects) read as before and get none.
    QVERIFY(!smallProject().toJson().contains("history"));
    QVERIFY(Project::fromJson(smallProject().toJson()).history.empty());
}

void TestSerialization::smallWeightsRoundTripExactly()
{
    WeightMap w;
    w[2]["W"] = randomMatrix(16, 64, 3); // 1024 elements: the largest plain form
    w[2]["b"] = randomMatrix(16, 1, 4);
    w[2]["b"](3, 0) = std::numeric_limits<Scalar>::denorm_min();
    w[2]["b"](4, 0) = std::numeric_limits<Scalar>::max();
    w[2]["b"](5, 0) = -0.0f;
    w[2]["b"](6, 0) = 0.1f;
    w[7]["empty"] = Matrix(0, 3);
    const nlohmann::json j = weightsToJson(w);
    QVERIFY(j["2"]["W"].contains("data"));
    COMPARE_JSON(j["2"]["W"]["shape"], nlohmann::json({16, 64}));
    QCOMPARE(j["2"]["W"]["data"].size(), std::size_t(1024));
    // Shortest form: 0.1f is written as 0.1, not as its widened double.
    QCOMPARE(j["2"]["b"]["data"][6].dump(), std::string("0.1"));
    // The first elements of data are the first column (column-major).
    QCOMPARE(j["2"]["W"]["data"][1].get<float>(), w[2]["W"](1, 0));

    const WeightMap back = weightsFromJson(nlohmann::json::parse(j.dump()));
    QCOMPARE(back.size(), std::size_t(2));
    for (const auto& [id, params] : w)
        for (const auto& [name, m] : params)
            QVERIFY2(bitIdentical(back.at(id).at(name), m), name.c_str());
    QVERIFY(std::signbit(back.at(2).at("b")(5, 0)));
}

void TestSerialization::largeWeightsRoundTripExactlyAsBase64()
{
    WeightMap w;
    w[3]["W"] = randomMatrix(33, 31, 5); // 1023 elements: plain
    w[3]["V"] = randomMatrix(41, 25, 6); // 1025 elements: base64
    w[4]["W"] = randomMatrix(784, 64, 7);
    const nlohmann::json j = weightsToJson(w);
    QVERIFY(j["3"]["W"].contains("data"));
    QVERIFY(j["3"]["V"].contains("base64"));
    QVERIFY(!j["3"]["V"].contains("data"));
    QCOMPARE(
        j["4"]["W"]["base64"].get<std::string>().size(), std::size_t((784 * 64 * 4 + 2) / 3 * 4));
    const WeightMap back = weightsFromJson(nlohmann::json::parse(j.dump()));
    for (const auto& [id, params] : w)
        for (const auto& [name, m] : params)
            QVERIFY2(bitIdentical(back.at(id).at(name), m), name.c_str());
}

void TestSerialization::base64IsLittleEndianColumnMajor()
{
    // 1.0f = 0x3F800000 -> bytes 00 00 80 3F; 2.0f = 0x40000000 -> 00 00 00 40.
    const nlohmann::json j = {{"1", {{"W", {{"shape", {2, 1}}, {"base64", "AACAPwAAAEA="}}}}}};
    const WeightMap w = weightsFromJson(j);
    QCOMPARE(w.at(1).at("W")(0, 0), Scalar(1));
    QCOMPARE(w.at(1).at("W")(1, 0), Scalar(2));

    WeightMap big;
    big[1]["W"] = Matrix::Zero(2, 600);
    big[1]["W"](0, 0) = 1;
    big[1]["W"](1, 0) = 2;
    const std::string text = weightsToJson(big)["1"]["W"]["base64"];
    // Bytes 00 00 80 3F | 00 00 00 40 | 00 ...: the first column comes first.
    QCOMPARE(text.substr(0, 12), std::string("AACAPwAAAEAA"));
}

void TestSerialization::nonFiniteWeightsSurvive()
{
    // A diverged run saved for inspection: plain JSON has no NaN, so base64 carries them.
    WeightMap w;
    w[1]["W"] = Matrix::Ones(2, 2);
    w[1]["W"](0, 1) = std::numeric_limits<Scalar>::quiet_NaN();
    w[1]["W"](1, 1) = -std::numeric_limits<Scalar>::infinity();
    const nlohmann::json j = weightsToJson(w);
    QVERIFY(j["1"]["W"].contains("base64"));
    const Matrix back = weightsFromJson(nlohmann::json::parse(j.dump())).at(1).at("W");
    QVERIFY(std::isnan(back(0, 1)));
    QVERIFY(std::isinf(back(1, 1)) && back(1, 1) < 0);
    QCOMPARE(back(0, 0), Scalar(1));
}

void TestSerialization::weightErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("where");
    QTest::newRow("not an object") << "[]"
                                   << "";
    QTest::newRow("bad id") << R"({"x": {}})"
                            << "x";
    QTest::newRow("negative id") << R"({"-2": {}})"
                                 << "-2";
    QTest::newRow("params not object") << R"({"2": 5})"
                                       << "2";
    QTest::newRow("no shape") << R"({"2": {"W": {"data": []}}})"
                              << "2.W.shape";
    QTest::newRow("bad shape") << R"({"2": {"W": {"shape": [2], "data": [1, 2]}}})"
                               << "2.W.shape";
    QTest::newRow("count") << R"({"2": {"W": {"shape": [2, 2], "data": [1, 2, 3]}}})"
                           << "2.W.data";
    QTest::newRow("element") << R"({"2": {"W": {"shape": [1, 2], "data": [1, "a"]}}})"
                             << "2.W.data[1]";
    QTest::newRow("both forms") << R"({"2": {"W": {"shape": [1, 1], "data": [1], "base64": ""}}})"
                                << "2.W";
    QTest::newRow("base64 chars") << R"({"2": {"b": {"shape": [1, 1], "base64": "AA*AAA=="}}})"
                                  << "2.b.base64";
    QTest::newRow("base64 length") << R"({"2": {"b": {"shape": [1, 2], "base64": "AACAPw=="}}})"
                                   << "2.b.base64";
}

void TestSerialization::weightErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, where);
    try {
        weightsFromJson(nlohmann::json::parse(json.toStdString()));
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), where);
    }
}

void TestSerialization::saveAndLoad()
{
    Project p = smallProject();
    p.weights[5]["b"] = randomMatrix(2, 1, 9);
    const fs::path dir = path("save");
    fs::create_directory(dir);
    const fs::path file = dir / "project.json";
    saveProject(p, file);
    QCOMPARE(entries(dir), std::vector<std::string> {"project.json"});
    // Overwriting leaves no temporary file either.
    p.name = "renamed";
    saveProject(p, file);
    QCOMPARE(entries(dir), std::vector<std::string> {"project.json"});

    const std::string text = readText(file);
    QVERIFY(text.find("\"format\": \"netcanvas\"") != std::string::npos);
    QVERIFY(nlohmann::json::parse(text) == p.toJson());
    const Project q = loadProject(file);
    QCOMPARE(q.name, std::string("renamed"));
    QVERIFY(q.toJson() == p.toJson());
}

void TestSerialization::saveIntoMissingFolderFails()
{
    // Works as root too: a path below a regular file can never be created.
    const fs::path blocker = path("blocker");
    writeText(blocker, "not a folder");
    const auto before = entries(path(""));
    try {
        saveProject(smallProject(), blocker / "p.json");
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).starts_with((blocker / "p.json").string() + ": "), e.what());
    }
    QCOMPARE(entries(path("")), before);
    QCOMPARE(readText(blocker), std::string("not a folder"));

    // Replacing a folder fails at the rename; the temporary file is removed.
    const fs::path folder = path("folder.json");
    fs::create_directory(folder);
    writeText(folder / "keep", "x");
    const auto withFolder = entries(path(""));
    QVERIFY_THROWS_EXCEPTION(InputError, saveProject(smallProject(), folder));
    QCOMPARE(entries(path("")), withFolder);
    QCOMPARE(entries(folder), std::vector<std::string> {"keep"});
}

void TestSerialization::failedSaveKeepsExistingFile()
{
    // Writing fails part-way (file size limit, which binds root as well): the old file must stay.
    const fs::path dir = path("limit");
    fs::create_directory(dir);
    const fs::path file = dir / "p.json";
    writeText(file, "original contents");

    rlimit old {};
    QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 64;
    QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool threw = false;
    std::string message;
    try {
        saveProject(smallProject(), file);
    } catch (const InputError& e) {
        threw = true;
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);

    QVERIFY(threw);
    QVERIFY2(message.starts_with(file.string() + ": "), message.c_str());
    QCOMPARE(readText(file), std::string("original contents"));
    QCOMPARE(entries(dir), std::vector<std::string> {"p.json"});
}

void TestSerialization::malformedFiles_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected"); // what() after "<file>: "

    nlohmann::json good = smallProject().toJson();
    const auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
        nlohmann::json j = good;
        edit(j);
        return QString::fromStdString(j.dump(2));
    };
    QTest::newRow("not an object") << "[1, 2]"
                                   << "expected a NetCanvas project";
    QTest::newRow("no format") << with([](auto& j) { j.erase("format"); })
                               << "format: missing: this is not a NetCanvas project file";
    QTest::newRow("wrong format") << with([](auto& j) { j["format"] = "keras"; })
                                  << "format: expected \"netcanvas\", got \"keras\"";
    QTest::newRow("newer version")
        << with([](auto& j) { j["version"] = 3; })
        << "version: made by a newer NetCanvas (version 3); this one reads version 1";
    QTest::newRow("version type") << with([](auto& j) { j["version"] = "1"; })
                                  << "version: expected a positive integer";
    QTest::newRow("name type") << with([](auto& j) { j["name"] = 5; }) << "name: expected a string";
    QTest::newRow("nodes type") << with([](auto& j) {
        j["nodes"] = {{"a", 1}};
    }) << "nodes: expected an array";
    QTest::newRow("node id type") << with([](auto& j) { j["nodes"][2]["id"] = "5"; })
                                  << "nodes[2].id: expected an integer";
    QTest::newRow("node id missing")
        << with([](auto& j) { j["nodes"][0].erase("id"); }) << "nodes[0].id: missing";
    QTest::newRow("duplicate id") << with([](auto& j) { j["nodes"][2]["id"] = 2; })
                                  << "nodes[2].id: node id 2 is already used by nodes[1]";
    QTest::newRow("position") << with([](auto& j) { j["nodes"][0]["position"] = {1}; })
                              << "nodes[0].position: expected [x, y]";
    QTest::newRow("unknown type") << with([](auto& j) { j["nodes"][1]["type"] = "Dense3D"; })
                                  << "nodes[1].type: unknown layer type 'Dense3D'";
    QTest::newRow("bad units") << with([](auto& j) { j["nodes"][1]["attributes"]["units"] = 0; })
                               << "nodes[1].attributes.units: expected";
    QTest::newRow("attributes type") << with([](auto& j) { j["nodes"][1]["attributes"] = 4; })
                                     << "nodes[1].attributes: expected an object";
    QTest::newRow("edge to nowhere")
        << with([](auto& j) { j["edges"][1]["to"] = 7; }) << "edges[1]: node 7 does not exist";
    QTest::newRow("edge port") << with([](auto& j) { j["edges"][0]["toPort"] = -1; })
                               << "edges[0].toPort: expected an integer of at least 0";
    QTest::newRow("dataset") << with([](auto& j) { j["dataset"]["samples"] = -5; })
                             << "dataset.samples: expected an integer";
    QTest::newRow("dataset type") << with([](auto& j) { j["dataset"] = 1; }) << "dataset: expected";
    QTest::newRow("training") << with([](auto& j) { j["training"]["batchSize"] = "big"; })
                              << "training.batchSize: ";
    QTest::newRow("training type")
        << with([](auto& j) { j["training"] = "fast"; }) << "training: expected an object";
    QTest::newRow("weights") << with([](auto& j) {
        j["weights"] = {{"2", {{"W", {{"shape", {1, 1}}, {"data", {true}}}}}}};
    }) << "weights.2.W.data[0]: expected a number";
    QTest::newRow("history type") << with([](auto& j) {
        j["history"] = {1, 2};
    }) << "history: expected an object";
    QTest::newRow("history epochs") << with([](auto& j) {
        j["history"] = {{"epochs", {{{"epoch", 1}, {"trainLoss", "low"}}}}};
    }) << "history.epochs[0].trainLoss: expected a number";
    QTest::newRow("history order") << with([](auto& j) {
        j["history"]
            = {{"epochs", {{{"epoch", 2}, {"trainLoss", 1}}, {{"epoch", 2}, {"trainLoss", 1}}}}};
    }) << "history.epochs[1].epoch: expected an integer above 2";
}

void TestSerialization::malformedFiles()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const fs::path file = path("malformed.json");
    writeText(file, json.toStdString());
    try {
        loadProject(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        const std::string what = e.what();
        const std::string prefix = file.string() + ": ";
        QVERIFY2(what.starts_with(prefix), what.c_str());
        QVERIFY2(what.substr(prefix.size()).starts_with(expected.toStdString()), what.c_str());
    }
}

void TestSerialization::syntaxErrorReportsLineAndColumn()
{
    const fs::path file = path("xor.json");
    writeText(file, "{\n  \"format\": \"netcanvas\",\n  \"version\": 1,\n  \"nodes\" [],\n}\n");
    try {
        loadProject(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        const std::string expected = file.string() + ": line 4, column 11: syntax error";
        QVERIFY2(std::string(e.what()).starts_with(expected), e.what());
        QVERIFY2(std::string(e.what()).find("json.exception") == std::string::npos, e.what());
    }
    writeText(file, "{\"format\": \"netcanvas\", \"version\": 1");
    try {
        loadProject(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(
            std::string(e.what()).starts_with(file.string() + ": line 1, column 37: "), e.what());
        QVERIFY2(std::string(e.what()).find("end of input") != std::string::npos, e.what());
    }
}

void TestSerialization::missingFile()
{
    const fs::path file = path("nothing-here.json");
    try {
        loadProject(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).starts_with(file.string() + ": no such file"), e.what());
    }
}

void TestSerialization::buildGraphErrors_data()
{
    QTest::addColumn<int>("change");
    QTest::addColumn<QString>("where");
    QTest::newRow("type") << 0 << "nodes[3].type";
    QTest::newRow("attribute") << 1 << "nodes[0].attributes.shape";
    QTest::newRow("edge") << 2 << "edges[3]";
    QTest::newRow("duplicate edge") << 3 << "edges[3]";
    QTest::newRow("duplicate id") << 4 << "nodes[3].id";
}

void TestSerialization::buildGraphErrors()
{
    // Project::buildGraph on a project edited in memory (the GUI's path), not read from a file.
    QFETCH(int, change);
    QFETCH(QString, where);
    Project p = smallProject();
    switch (change) {
    case 0:
        p.nodes[3].type = "Softmaxx";
        break;
    case 1:
        p.nodes[0].attributes["shape"] = "2";
        break;
    case 2:
        p.edges.push_back({2, 0, 42, 0});
        break;
    case 3:
        p.edges.push_back(p.edges[0]);
        break;
    case 4:
        p.nodes[3].id = 1;
        break;
    }
    try {
        p.buildGraph();
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), where);
    }
    QCOMPARE(smallProject().buildGraph().nodeIds(), (std::vector<NodeId> {1, 2, 5, 9}));
}

void TestSerialization::setGraphKeepsPositions()
{
    Project p = smallProject();
    p.weights[2]["W"] = Matrix::Ones(4, 2);
    p.weights[5]["W"] = Matrix::Ones(2, 4);
    Graph g = p.buildGraph();
    g.removeNode(5);
    g.setAttributes(2, {{"units", 2}});
    g.connect({2, 0, 9, 0});
    p.setGraph(g);
    QCOMPARE(p.nodes.size(), std::size_t(3));
    QCOMPARE(p.nodes[1].id, NodeId(2));
    QCOMPARE(p.nodes[1].x, 110.5);
    QCOMPARE(p.nodes[1].name, std::string("hidden"));
    COMPARE_JSON(p.nodes[1].attributes["units"], nlohmann::json(2));
    COMPARE_JSON(p.nodes[1].attributes["activation"], nlohmann::json("tanh"));
    QVERIFY(p.edges == (std::vector<Edge> {{1, 0, 2, 0}, {2, 0, 9, 0}}));
    QVERIFY(p.weights.contains(2));
    QVERIFY(!p.weights.contains(5));
    // The result is a valid project again.
    QCOMPARE(Project::fromJson(p.toJson()).nodes.size(), std::size_t(3));
}

void TestSerialization::trainedGraphPredictsTheSameAfterReload()
{
    const Project p = smallProject();
    Graph g = p.buildGraph();
    const GraphContext context {Shape {2}, 2, 1};
    g.compile(context, 1234);
    const Matrix x = randomMatrix(2, 7, 11).cwiseMax(-3).cwiseMin(3);
    const Matrix before = g.forward(x, Mode::Inference);
    QCOMPARE(before.rows(), 2L);
    QCOMPARE(before.cols(), 7L);

    Project saved = p;
    saved.weights = g.weights();
    QVERIFY(saved.weights.contains(2) && saved.weights.contains(5));
    saveProject(saved, path("trained.json"));

    const Project loaded = loadProject(path("trained.json"));
    Graph h = loaded.buildGraph();
    h.compile(context, 999); // different initial weights, replaced below
    QVERIFY(h.forward(x, Mode::Inference) != before);
    h.setWeights(loaded.weights, true);
    const Matrix after = h.forward(x, Mode::Inference);
    QVERIFY(bitIdentical(after, before));
}

QTEST_APPLESS_MAIN(TestSerialization)
#include "tst_serialization.moc"

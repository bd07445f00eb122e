#include "TrainingBench.h"

#include "core/Parallel.h"
#include "core/Rng.h"
#include "data/Dataset.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace bench {

namespace {

/// Uniform values in [0, 1) of `shape`, 10 random classes.
engine::Dataset syntheticData(const engine::Shape& shape, long samples, std::uint64_t seed)
{
    engine::Dataset d;
    d.name = "synthetic";
    d.inputShape = shape;
    d.task = engine::TaskKind::Classification;
    d.numClasses = 10;
    d.x.resize(shape.size(), samples);
    d.y.resize(1, samples);
    engine::Rng rng(seed);
    for (long c = 0; c < samples; ++c) {
        for (long r = 0; r < d.x.rows(); ++r)
            d.x(r, c) = static_cast<engine::Scalar>(rng.uniform());
        d.y(0, c) = static_cast<engine::Scalar>(rng.below(10));
    }
    return d;
}

/// A chain of layers: (type, attributes) from the input to the loss.
nlohmann::json chainNodes(
    const std::vector<std::pair<std::string, nlohmann::json>>& layers, nlohmann::json& edges)
{
    nlohmann::json nodes = nlohmann::json::array();
    edges = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        nodes.push_back({{"id", i + 1}, {"type", layers[i].first},
            {"name", layers[i].first + std::to_string(i + 1)}, {"attributes", layers[i].second}});
        if (i > 0)
            edges.push_back({{"from", i}, {"to", i + 1}});
    }
    return nodes;
}

engine::Project benchProject(TrainingModel model, int batch)
{
    using nlohmann::json;
    const json relu = "relu";
    std::vector<std::pair<std::string, json>> layers {{"Input", {{"shape", {28, 28, 1}}}}};
    if (model == TrainingModel::Lstm) {
        layers[0].second = {{"shape", {50, 32}}};
        layers.push_back({"LSTM", {{"units", 128}}});
    } else if (model == TrainingModel::Mlp) {
        layers.push_back({"Dense", {{"units", 256}, {"activation", relu}}});
        layers.push_back({"Dense", {{"units", 128}, {"activation", relu}}});
    } else {
        layers.push_back({"Conv2D", {{"filters", 32}, {"kernel", 3}, {"activation", relu}}});
        layers.push_back({"MaxPool2D", {{"pool", 2}}});
        layers.push_back({"Conv2D", {{"filters", 64}, {"kernel", 3}, {"activation", relu}}});
        layers.push_back({"MaxPool2D", {{"pool", 2}}});
        layers.push_back({"Flatten", json::object()});
        layers.push_back({"Dense", {{"units", 128}, {"activation", relu}}});
    }
    layers.push_back({"Dense", {{"units", 10}, {"activation", "identity"}}});
    layers.push_back({"Loss", {{"loss", "softmax_crossentropy"}}});
    json edges;
    const json nodes = chainNodes(layers, edges);
    const json j = {{"format", "netcanvas"}, {"version", 1}, {"name", "bench"}, {"nodes", nodes},
        {"edges", edges}, {"dataset", {{"source", "generator"}, {"generator", "xor"}}},
        {"training",
            {{"epochs", 1000000}, {"batchSize", batch}, {"validationSplit", 0.0},
                {"testSplit", 0.0}, {"seed", 1},
                {"optimizer", {{"type", "momentum"}, {"learningRate", 0.01}, {"momentum", 0.9}}}}}};
    return engine::Project::fromJson(j);
}

} // namespace

TrainingCase::TrainingCase(TrainingModel model, int batch, long samples)
    : m_batch(batch)
{
    const engine::Project project = benchProject(model, batch);
    m_graph = project.buildGraph();
    engine::DatasetSplits splits;
    splits.train = model == TrainingModel::Lstm
        ? syntheticData(engine::Shape {50, 32}, samples, 43)
        : syntheticData(engine::Shape {28, 28, 1}, samples, 42);
    m_trainer = std::make_unique<engine::Trainer>(m_graph, std::move(splits), project.training);
}

TrainingCase::~TrainingCase() = default;

double TrainingCase::flopsPerSample() const
{
    return engine::trainingFlopsPerSample(m_graph.compiled());
}

std::vector<double> TrainingCase::time(int threads, long samples, int runs, long warmup)
{
    engine::setThreadCount(threads);
    auto train = [&](long n) {
        long done = 0;
        while (done < n) {
            m_trainer->trainBatch();
            done += m_batch;
        }
        return done;
    };
    train(warmup);
    std::vector<double> rates;
    for (int run = 0; run < runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const long done = train(samples);
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        rates.push_back(double(done) / seconds.count());
    }
    return rates;
}

} // namespace bench

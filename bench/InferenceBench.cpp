#include "InferenceBench.h"

#include "core/Parallel.h"
#include "training/ResourceEstimate.h"

#include <chrono>

namespace bench {

engine::TrainedModel exampleModel(const std::filesystem::path& projectFile, unsigned seed)
{
    engine::Project project = engine::loadProject(projectFile);
    const engine::GraphContext context {engine::Shape {28, 28, 1}, 10, 1};
    engine::Graph graph = project.buildGraph();
    graph.compile(context, seed);
    project.weights = graph.weights();
    return engine::prepareModel(std::move(project), context);
}

double inferenceFlopsPerSample(const engine::TrainedModel& model)
{
    double flops = 0;
    for (const auto& [id, cost] : engine::nodeCosts(model.graph.compiled(), "sgd"))
        flops += cost.forwardFlops;
    return flops;
}

std::vector<double> timePredict(
    engine::TrainedModel& model, int threads, int batch, long samples, int runs, long warmup)
{
    engine::setThreadCount(threads);
    const engine::Matrix x
        = (engine::Matrix::Random(model.inputs(), batch).array() + 1) / 2; // pixels in [0, 1]
    auto infer = [&](long n) {
        long done = 0;
        while (done < n) {
            const engine::Predictions p = engine::predict(model, x);
            done += p.samples();
        }
        return done;
    };
    infer(warmup);
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const long done = infer(samples);
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        rates.push_back(double(done) / seconds.count());
    }
    return rates;
}

} // namespace bench

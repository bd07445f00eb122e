#include "plots/NetworkCopy.h"

#include <exception>

namespace widgets {

void NetworkCopy::setArchitecture(
    const engine::Project& architecture, const engine::GraphContext& context)
{
    m_graph.reset();
    m_weights.reset();
    m_error.clear();
    try {
        auto g = std::make_unique<engine::Graph>(architecture.buildGraph());
        g->compile(context, architecture.training.seed);
        m_graph = std::move(g);
    } catch (const std::exception& e) {
        m_error = QString::fromStdString(e.what());
    }
}

void NetworkCopy::applyWeights(const std::shared_ptr<const engine::WeightMap>& weights)
{
    if (!weights || weights == m_weights)
        return;
    m_graph->setWeights(*weights, false);
    m_weights = weights;
}

} // namespace widgets

#pragma once

#include "graph/Graph.h"
#include "project/Project.h"

#include <QString>

#include <memory>

namespace widgets {

/// A private, compiled copy of a project's network with the newest weights applied: what the
/// views that run the trained network on inputs of their own (feature maps, sequence views)
/// keep on their background thread, so the trainer's graph is never touched. Not thread-safe:
/// use it on one thread.
class NetworkCopy {
public:
    /// Builds and compiles the graph of `architecture`; on failure graph() is null and error()
    /// says why. Forgets the weights applied before.
    void setArchitecture(const engine::Project& architecture, const engine::GraphContext& context);
    /// Copies `weights` into the graph unless they are null or the ones applied last (a
    /// snapshot's weights are shared, so the pointer tells them apart). Throws what
    /// Graph::setWeights throws. Requires graph().
    void applyWeights(const std::shared_ptr<const engine::WeightMap>& weights);

    engine::Graph* graph() const { return m_graph.get(); }
    /// Why the last setArchitecture() built no graph ("" otherwise).
    const QString& error() const { return m_error; }

private:
    std::unique_ptr<engine::Graph> m_graph;
    std::shared_ptr<const engine::WeightMap> m_weights;
    QString m_error;
};

} // namespace widgets

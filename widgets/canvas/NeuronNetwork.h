#pragma once
// The engine network behind the canvas's neuron view: a private copy of the document's graph
// holding the weights on display, so that hover values and output maps are the engine's own
// numbers for those weights. Lives on the GUI thread; meant for small networks.

#include "data/Dataset.h"
#include "graph/Graph.h"
#include "project/Project.h"
#include "training/TrainingSnapshot.h"

#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace widgets {

class NeuronNetwork {
public:
    /// Layers with more units are drawn as cards only.
    static constexpr long kMaxUnits = 16;
    /// Side of a neuron's output map over the 2-D input plane.
    static constexpr int kMapSize = 40;

    NeuronNetwork();
    ~NeuronNetwork();

    /// Builds and compiles a copy of `project`'s graph with its seed (the weights a new
    /// training session starts from), then applies the project's stored weights where they fit.
    /// `context` comes from the dataset spec; without it the data is loaded to derive one.
    /// Returns false (see problem()) when the graph cannot be compiled.
    bool rebuild(const engine::Project& project, const std::optional<engine::GraphContext>& context,
        const QString& projectDir);
    bool isValid() const { return m_graph != nullptr; }
    const QString& problem() const { return m_problem; }

    /// Input and Dense nodes on the executed path have neurons; units() is their size.
    bool hasNeurons(engine::NodeId id) const;
    long units(engine::NodeId id) const; ///< 0 when unknown
    bool isDense(engine::NodeId id) const;
    /// The node feeding a Dense node (-1 for other nodes).
    engine::NodeId source(engine::NodeId id) const;
    /// "tanh", "relu", ... of a Dense node ("identity" when none).
    QString activation(engine::NodeId id) const;

    /// W(unit, input) of a Dense node (W is units x inputs); 0 when out of range.
    double weight(engine::NodeId node, long unit, long input) const;
    /// b(unit), or nullopt without a bias.
    std::optional<double> bias(engine::NodeId node, long unit) const;
    /// Largest |W| over all Dense layers (edge widths are relative to it); 0 before rebuild.
    double maxAbsWeight() const;

    /// Sets the parameters that exist with the same shape, node by node; others keep their
    /// values. Invalidates cached values.
    void setWeights(const engine::WeightMap& weights);
    /// Every parameter's value, as the document stores them.
    engine::WeightMap weights() const;
    /// Back to the seeded initial weights.
    void resetToInitial();

    // --- data ------------------------------------------------------------------------------
    /// Samples of the training split (loaded on first use, as the training worker splits it);
    /// 0 when the data cannot be loaded (see dataProblem()).
    long sampleCount();
    QString dataProblem() const { return m_dataProblem; }
    bool isTwoD();
    /// The input vector of a training sample (empty when out of range).
    std::vector<double> sampleInput(long sample);

    struct Value {
        double pre = 0; ///< z = W x + b (Dense), the input itself for Input
        double act = 0; ///< the node's output, a = f(z)
    };
    /// One neuron's values for a training sample, from an inference-mode forward pass.
    std::optional<Value> value(engine::NodeId node, long unit, long sample);
    /// Output of one neuron over the data's bounding box plus a margin; size 0 unless 2-D.
    GridImage outputMap(engine::NodeId node, long unit);

private:
    bool ensureData();
    const engine::Matrix* param(engine::NodeId node, const char* name) const;
    void invalidate();

    std::unique_ptr<engine::Graph> m_graph;
    engine::GraphContext m_context;
    std::uint64_t m_seed = 1;
    QString m_problem;
    std::map<engine::NodeId, engine::NodeId> m_sources; ///< Dense node -> its input node
    std::map<engine::NodeId, long> m_units;

    engine::DatasetSpec m_dataSpec;
    QString m_dataDir;
    double m_validationSplit = 0, m_testSplit = 0;
    std::optional<engine::Dataset> m_train; ///< loaded lazily
    bool m_dataTried = false;
    QString m_dataProblem;

    // Caches, dropped when the weights change.
    long m_cachedSample = -1;
    std::map<engine::NodeId, engine::Matrix> m_sampleOut; ///< outputs (units x 1) per node
    std::map<engine::NodeId, engine::Matrix> m_gridOut; ///< outputs (units x size^2) per node
    double m_xMin = 0, m_xMax = 1, m_yMin = 0, m_yMax = 1;
    engine::Matrix m_input; ///< kept alive: the graph's Input output points at it
};

} // namespace widgets

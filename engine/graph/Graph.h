#pragma once

#include "core/Shape.h"
#include "core/Types.h"
#include "graph/Layer.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace engine {

/// A directed connection from one node's output to another node's input.
struct Edge {
    NodeId from = -1;
    int fromPort = 0; ///< every layer has one output today; kept for the file format
    NodeId to = -1;
    int toPort = 0; ///< orders the inputs of multi-input layers (Concatenate)
    friend bool operator==(const Edge&, const Edge&) = default;
};

/// What the data tells the graph: the input's per-sample shape and the targets.
struct GraphContext {
    Shape inputShape;
    int numClasses = 0; ///< 0 for regression
    long targetRows = 1;
};

/// One problem found by Graph::check(). node == -1 for problems of the whole graph.
struct GraphIssue {
    NodeId node = -1;
    std::string message;
};

/// Result of validation: per-node shapes and errors, never an exception.
struct GraphCheck {
    std::vector<GraphIssue> errors;
    std::vector<GraphIssue> warnings;
    std::map<NodeId, Shape> shapes; ///< output shape of every node that could be inferred
    std::map<NodeId, long> paramCounts; ///< parameters each node will have, where known
    /// Layer::weightWorkFor() of the nodes whose layer states it (ResourceEstimate's FLOPs).
    std::map<NodeId, Layer::WeightWork> weightWork;
    std::map<NodeId, std::vector<NodeId>> inputs; ///< each node's input nodes, by port
    /// Nodes whose output gradient backward computes: a node with parameters and everything
    /// downstream of one (Graph::backward() skips the others).
    std::set<NodeId> gradientNodes;
    std::vector<NodeId> order; ///< topological order of all nodes (empty on a cycle)
    NodeId inputNode = -1;
    NodeId lossNode = -1;
    NodeId outputNode = -1; ///< the node feeding the loss: the network's prediction

    bool ok() const { return errors.empty(); }
    long totalParams() const;
    /// All error messages for one node, joined by newlines ("" when it has none).
    std::string errorsFor(NodeId node) const;
    /// "nodes 'dense_2': ..." lines for every error, for the CLI and dialogs.
    std::string summary() const;
};

/// A DAG of layers. Exactly one "Input" node feeds data in and exactly one "Loss" node names the
/// loss and marks the prediction (its input). Only nodes on a path from the input to the loss
/// are executed.
///
/// Edit with addNode/removeNode/connect/disconnect/setAttributes; then compile() (shapes,
/// parameters, execution order) before forward()/backward(). Any edit un-compiles the graph.
class Graph {
public:
    Graph();
    ~Graph();
    Graph(Graph&&) noexcept;
    Graph& operator=(Graph&&) noexcept;

    /// Adds a layer. id < 0 picks the next free id; name empty picks "<type>_<n>".
    NodeId addNode(std::unique_ptr<Layer> layer, NodeId id = -1, std::string name = {});
    /// Removes the node and its edges.
    void removeNode(NodeId id);
    bool hasNode(NodeId id) const;
    std::vector<NodeId> nodeIds() const; ///< in insertion order
    Layer& layer(NodeId id);
    const Layer& layer(NodeId id) const;
    const std::string& name(NodeId id) const;
    void setName(NodeId id, std::string name);
    /// Sets a node's attributes (see Layer::setAttributes; throws InputError).
    void setAttributes(NodeId id, const nlohmann::json& attrs);

    /// Adds an edge; throws std::invalid_argument when an end does not exist or the edge is
    /// already there. Cycles and arity are reported by check(), so a canvas can show them.
    void connect(const Edge& e);
    void disconnect(const Edge& e);
    const std::vector<Edge>& edges() const { return m_edges; }
    /// Sources feeding `id`, ordered by toPort, then by the order the edges were made.
    std::vector<NodeId> inputsOf(NodeId id) const;
    /// True when an edge from -> to would close a cycle (or from == to).
    bool wouldCreateCycle(NodeId from, NodeId to) const;
    /// Why an edge may not be made, or nullopt: cycle, self-loop, duplicate, a node with no
    /// output (Loss) or no inputs (Input), a single-input port that is already connected.
    std::optional<std::string> connectionProblem(const Edge& e) const;

    /// Validates structure and infers shapes. Without a context, the Input node's own shape
    /// attribute is used and the loss is not checked against targets.
    GraphCheck check(const std::optional<GraphContext>& context = std::nullopt) const;

    /// Checks, then builds every executed layer's parameters, seeding each layer from
    /// (seed, node id) so a node keeps its initial weights when others are added.
    /// Throws ShapeError with GraphCheck::summary() when check() fails.
    void compile(const GraphContext& context, std::uint64_t seed);
    bool isCompiled() const { return m_compiled; }

    /// in: x is (inputShape.size() x batch). Returns the prediction (outputNode's output),
    /// valid until the next forward().
    const Matrix& forward(const Matrix& x, Mode mode);
    /// gradPred = dL/d(prediction). Sets every parameter's gradient and the per-node
    /// output gradients (outputGradient()).
    void backward(const Matrix& gradPred);

    /// Every trainable parameter (Param::trainable) of the executed nodes, in execution order.
    /// Stable between compiles (optimizer state is kept by position). weights() and
    /// setWeights() cover all parameters, trainable or not.
    std::vector<Param> params();
    /// Same, with the node each parameter belongs to.
    std::vector<std::pair<NodeId, Param>> nodeParams();

    /// Output of a node at the last forward() (empty for nodes not executed). A node that passes
    /// its input on (a Flatten of the input) returns that input: like the input node's, valid
    /// while the x given to forward() is.
    const Matrix& output(NodeId id) const;
    /// dL/d(output) of a node at the last backward(), or nullptr when not computed.
    const Matrix* outputGradient(NodeId id) const;
    /// Shapes and the loss after compile().
    const GraphCheck& compiled() const { return m_check; }
    std::string lossType() const;
    /// Execution order (after compile).
    const std::vector<NodeId>& executionOrder() const { return m_execOrder; }

    /// Copies all parameter values: node id -> param name -> value.
    std::map<NodeId, std::map<std::string, Matrix>> weights() const;
    /// Loads values for compiled params; throws InputError("weights.<id>.<name>", ...) on a
    /// shape mismatch or a missing entry when `requireAll`. Nothing changes on error.
    void setWeights(const std::map<NodeId, std::map<std::string, Matrix>>& w, bool requireAll);
    /// Loads the entries of `w` that fit, node by node, and skips the others: nodes not in the
    /// graph and nodes whose entry setWeights() rejects (a layer resized since the weights were
    /// taken keeps what it has). Returns the number of nodes loaded.
    int setMatchingWeights(const std::map<NodeId, std::map<std::string, Matrix>>& w);

    /// The random generators' states of the executed layers that have one (Dropout), by node.
    std::map<NodeId, std::string> randomStates() const;
    /// Restores what randomStates() returned; entries for nodes that are gone or have no
    /// generator are skipped. Returns the nodes whose state did not parse (unchanged).
    std::vector<NodeId> setRandomStates(const std::map<NodeId, std::string>& states);

private:
    struct Node;
    Node& node(NodeId id);
    const Node& node(NodeId id) const;
    void invalidate() { m_compiled = false; }

    std::vector<std::unique_ptr<Node>> m_nodes;
    std::unordered_map<NodeId, Node*> m_byId;
    std::vector<Edge> m_edges;
    NodeId m_nextId = 1;

    bool m_compiled = false;
    GraphCheck m_check;
    std::vector<NodeId> m_execOrder; ///< nodes from input to outputNode, topological
    const Matrix* m_input = nullptr;
    Matrix m_scratch;
};

} // namespace engine

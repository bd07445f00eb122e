#pragma once
// Step-through of one training step on one sample, for teaching: every intermediate number of
// the forward pass, the loss, the backward pass and the optimizer's update, taken from the
// engine's own layers, loss and optimizer (nothing is recomputed by a second implementation).

#include "core/Types.h"
#include "graph/Activations.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "training/Optimizer.h"

#include <memory>
#include <string>
#include <vector>

namespace engine {

struct Dataset;

/// One parameter tensor of a node at the traced step.
struct StepParam {
    std::string name; ///< "W", "b", ...
    Matrix value; ///< before the update
    Matrix grad; ///< dL/d(param) for the one sample, as Graph::backward() set it
    /// Filled by StepThrough::update(): the gradient the optimizer used (grad plus the L1/L2
    /// terms it adds) and the value after the step.
    Matrix appliedGrad;
    Matrix updated;
};

enum class StepNodeKind {
    Input, ///< a = x, the sample
    Dense, ///< z = W x + b, a = f(z) (f = identity when the layer has no fused activation)
    Activation, ///< z = the node's input, a = f(z)
    Other ///< any other layer: only its input, output and gradients are recorded
};

/// What one executed node did with the sample. Every matrix is a column (size x 1), except the
/// parameters, which have their layer's shapes.
struct StepNode {
    NodeId id = -1;
    std::string name;
    std::string type; ///< layer type, "Dense"
    std::string summary; ///< "Dense 8, Tanh"
    StepNodeKind kind = StepNodeKind::Other;
    std::vector<NodeId> inputIds;
    std::vector<Matrix> inputs; ///< x: the value of each input, in inputIds order

    ActivationKind activation = ActivationKind::Identity; ///< f (Dense, Activation)
    double alpha = 0.01; ///< leaky ReLU slope / ELU scale of f
    Matrix z; ///< pre-activation (Dense, Activation); empty for other kinds
    Matrix a; ///< the node's output
    Matrix gradA; ///< dL/da; empty when the backward pass does not reach the node
    Matrix gradZ; ///< dL/dz (Dense, Activation); equals gradA when f is the identity
    /// f'(z) element-wise (Dense, Activation with an element-wise f); empty for the identity
    /// and for softmax, whose derivative is a Jacobian.
    Matrix derivative;
    std::vector<StepParam> params; ///< trainable parameters, in the layer's order
};

/// The complete record of one sample's training step.
struct StepTrace {
    long sample = -1; ///< index in the dataset the sample came from (-1 when not given)
    Matrix x; ///< inputSize x 1
    Matrix target; ///< the dataset's column: 1 x 1 class index or the regression targets
    std::string lossType;
    Matrix prediction; ///< the network's output (logits for the cross-entropies)
    Matrix transformed; ///< Loss::outputTransform(prediction): probabilities or the output
    double loss = 0; ///< loss of this sample
    Matrix gradPrediction; ///< dL/d(prediction), from Loss::gradient
    std::vector<StepNode> nodes; ///< executed nodes in topological order, Input first

    bool updated = false; ///< StepThrough::update() ran
    std::string optimizer; ///< its type, "sgd"
    double learningRate = 0;
    long optimizerStep = 0; ///< the optimizer's step count after the update (Adam's t)

    /// Index into nodes of node `id`, or -1.
    int indexOf(NodeId id) const;
};

/// Runs one training step on one sample through a compiled Graph and records it.
///
/// Call order: trace() (forward in Mode::Train, the loss, backward: exactly what
/// Trainer::trainBatch() does for a mini-batch of that one sample), then optionally update()
/// once, before the graph is used by anything else (it needs the gradients trace() left in the
/// graph). The graph must be compiled and outlive this object; it is not copied.
class StepThrough {
public:
    /// Throws std::logic_error when the graph is not compiled and InputError for an unknown
    /// loss type.
    explicit StepThrough(Graph& graph);
    ~StepThrough();

    /// x: inputSize x 1; target: one column of Dataset::y. Throws InputError (where "sample")
    /// when the sizes do not fit the graph.
    const StepTrace& trace(const Matrix& x, const Matrix& target, long sample = -1);
    /// Sample `index` of `data`; throws InputError("sample", ...) when out of range.
    const StepTrace& trace(const Dataset& data, long index);

    /// Applies one step of `optimizer` with learning rate `lr` to every trainable parameter
    /// (Graph::params(), the Trainer's order, so optimizer state lines up), as Trainer does.
    /// Throws std::logic_error without a preceding trace() or when called twice for one trace.
    const StepTrace& update(Optimizer& optimizer, double lr);

    const StepTrace& last() const { return m_trace; }
    const Loss& loss() const { return *m_loss; }

private:
    Graph& m_graph;
    std::unique_ptr<Loss> m_loss;
    Matrix m_x; ///< the graph keeps a pointer to its input until the next forward()
    StepTrace m_trace;
    bool m_traced = false;
};

} // namespace engine

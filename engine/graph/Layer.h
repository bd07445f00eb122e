#pragma once

#include "core/Errors.h"
#include "core/Rng.h"
#include "core/Shape.h"
#include "core/Types.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace engine {

/// A parameter tensor and its gradient, owned by a layer. Pointers stay valid until the layer is
/// rebuilt or destroyed.
struct Param {
    std::string name; ///< "W", "b", ... unique within its layer; key in the weights file.
    Matrix* value = nullptr;
    Matrix* grad = nullptr;
    bool regularized = true; ///< L1/L2/weight decay apply (weights yes, biases and norms no).
    /// Updated by the optimizer. False for state that is saved with the weights but computed,
    /// not trained (BatchNorm running statistics); its grad points at zeros.
    bool trainable = true;
};

/// Describes one editable attribute so that the inspector and the JSON loader need no
/// per-layer code.
struct AttributeSpec {
    enum class Kind {
        Int, ///< integer in [min, max]
        Float, ///< real in [min, max]
        Bool,
        Choice, ///< one of `choices`
        Shape, ///< list of positive integers, e.g. [28, 28, 1]; empty means "from the dataset"
        IntList ///< an integer in [min, max] or a list of `length` of them (e.g. kernel 3 or
                ///< [1, 3]); with `choices`, also one of those words (padding "same" or [t, l, b,
                ///< r])
    };
    std::string name; ///< JSON key
    std::string label; ///< shown in the inspector
    Kind kind = Kind::Int;
    double min = 0;
    double max = 0;
    std::vector<std::string> choices;
    std::string help; ///< tooltip
    int length = 0; ///< IntList: entries of the list form
};

/// A node of the network graph.
///
/// Call order: setAttributes() any time before build(); outputShape() to validate wiring;
/// build() once the input shapes are known (allocates and initializes parameters);
/// then forward() and backward() alternately, with the same inputs.
class Layer {
public:
    virtual ~Layer() = default;

    /// Registry key and JSON "type", e.g. "Dense".
    virtual std::string type() const = 0;

    /// Minimum and maximum number of inputs; max = -1 means any number (Add, Concatenate).
    virtual std::pair<int, int> inputArity() const { return {1, 1}; }

    /// For a source layer (Input): the sample shape the user declared; empty means "take it from
    /// the dataset". Other layers declare nothing. Virtual so that the graph needs no concrete
    /// layer type to infer shapes.
    virtual Shape declaredShape() const { return {}; }

    /// Output shape for the given input shapes. Throws ShapeError with a message naming the
    /// expected and the actual shape.
    virtual Shape outputShape(const std::vector<Shape>& inputs) const = 0;

    /// Allocates parameters for these input shapes and initializes them from `rng`.
    virtual void build(const std::vector<Shape>& inputs, Rng& rng);

    /// in: each input is (inputShape.size() x batch); out: (outputShape.size() x batch).
    /// `out` is resized by the layer. In Mode::Train the layer may keep what backward needs.
    virtual void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) = 0;

    /// True when the output is the (single) input's values unchanged, only seen with another
    /// shape: the graph then passes the input on instead of calling forward(), which would copy it.
    virtual bool passesValuesThrough() const { return false; }

    /// Given dL/d(out), sets each non-null gradInputs[i] = dL/d(inputs[i]) (overwriting) and
    /// sets the gradients of params() (overwriting, averaged over the batch is the loss's job:
    /// gradOut already carries the 1/batch factor). A null gradInputs[i] means that input needs
    /// no gradient, so the work is skipped. `inputs` and `out` are those of the last forward().
    virtual void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
        = 0;

    virtual std::vector<Param> params() { return {}; }
    long paramCount();
    /// Number of parameters build() would create for these input shapes (before building).
    virtual long paramCountFor(const std::vector<Shape>& inputs) const
    {
        (void)inputs;
        return 0;
    }

    /// Multiply-adds of one sample through the layer's parameters (a bias add counts as one),
    /// split by the pass that does them: the forward pass, the backward pass's parameter
    /// gradients (with what must run to get them, as a recurrent layer's dL/dh through R) and its
    /// input gradient (skipped when no input needs one: the first layer with weights).
    struct WeightWork {
        double forward = 0;
        double parameterGradients = 0;
        double inputGradient = 0;
    };
    /// WeightWork for these input shapes, or nullopt for a layer whose every parameter is used
    /// once per sample and output position in each pass (Dense, Conv2D: ResourceEstimate counts
    /// those from the shapes). Recurrent layers use theirs once per time step.
    virtual std::optional<WeightWork> weightWorkFor(const std::vector<Shape>& inputs) const
    {
        (void)inputs;
        return std::nullopt;
    }

    /// Current attributes as a JSON object (what the project file stores under "attributes").
    virtual nlohmann::json attributes() const;
    /// Replaces the attributes present in `attrs`; unknown keys are ignored. Throws InputError
    /// whose where() is the attribute name and message says what is expected.
    virtual void setAttributes(const nlohmann::json& attrs);
    virtual std::vector<AttributeSpec> attributeSpecs() const { return {}; }

    /// One-line description for canvas nodes, e.g. "Dense 64, ReLU".
    virtual std::string summary() const { return type(); }

    /// State of the layer's own random generator (Dropout's masks), empty for layers without
    /// one: a run continued from a checkpoint draws the masks the uninterrupted run would have.
    virtual std::string randomState() const { return {}; }
    /// Returns false when `state` is not one randomState() wrote; nothing changes then.
    virtual bool setRandomState(const std::string& state) { return state.empty(); }
};

} // namespace engine

#pragma once
// The read side of the ONNX importer: one ModelProto seen as the importer needs it. Constants
// (initializers, Constant nodes, and shape-only ops on constants such as a Transpose of a weight)
// are folded to values; ONNX shape inference (with data propagation, so that a Reshape's computed
// target is known) gives every tensor's dims; and the nodes that feed the model's output through
// data inputs are "live" (the Shape / Gather / ConstantOfShape chains that only build a zero
// initial state or a Reshape target are not). Only with NETCANVAS_WITH_ONNX.

#ifdef NETCANVAS_WITH_ONNX

#include "export/OnnxModelFile.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace engine::onnximport {

/// A folded constant: dims and values in row-major order (integers stored exactly as doubles).
struct ConstTensor {
    std::vector<std::int64_t> dims;
    std::vector<double> values;
    std::int64_t count() const;
    /// The one value of a scalar (or single-element) tensor.
    std::optional<double> scalar() const;
};

/// Values of a TensorProto of any numeric type (float, double, integers, bool; float_data,
/// int64_data, ... or raw_data). Throws InputError("initializer NAME", ...) when unreadable.
ConstTensor tensorValues(const onnx::TensorProto& t);

class OnnxGraphView {
public:
    explicit OnnxGraphView(onnx::ModelProto model);
    // The tables point into the model: the view stays where it was made.
    OnnxGraphView(const OnnxGraphView&) = delete;
    OnnxGraphView& operator=(const OnnxGraphView&) = delete;

    const onnx::GraphProto& graph() const { return m_model.graph(); }
    /// Version of the default ("" / "ai.onnx") operator set.
    int opset() const { return m_opset; }

    /// The graph inputs that are not initializers.
    std::vector<const onnx::ValueInfoProto*> dataInputs() const;

    /// The folded value of a tensor, or null when it is computed from the data.
    const ConstTensor* constant(const std::string& name) const;
    /// Dims from shape inference (-1 where unknown or symbolic), or nullopt when unknown.
    std::optional<std::vector<std::int64_t>> dims(const std::string& name) const;
    /// Element type (onnx::TensorProto::DataType) from shape inference, 0 when unknown.
    int elementType(const std::string& name) const;
    /// The node writing `name`, or null (graph input, initializer).
    const onnx::NodeProto* producer(const std::string& name) const;
    /// The nodes reading `name` (live or not).
    std::vector<const onnx::NodeProto*> consumers(const std::string& name) const;
    /// True when the node's outputs are all constants (it was folded).
    bool folded(const onnx::NodeProto& node) const;
    /// The nodes the first graph output depends on through data inputs, in graph order.
    std::vector<const onnx::NodeProto*> liveNodes() const;

private:
    void foldConstants();
    void inferShapes();

    onnx::ModelProto m_model;
    int m_opset = 0;
    std::map<std::string, ConstTensor> m_constants;
    std::map<std::string, std::vector<std::int64_t>> m_dims;
    std::map<std::string, int> m_types;
    std::map<std::string, const onnx::NodeProto*> m_producers;
    std::map<std::string, std::vector<const onnx::NodeProto*>> m_consumers;
    std::set<const onnx::NodeProto*> m_folded;
};

/// Attribute readers (defaults when the attribute is absent).
std::int64_t intAttr(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback);
float floatAttr(const onnx::NodeProto& n, const std::string& name, float fallback);
std::string stringAttr(
    const onnx::NodeProto& n, const std::string& name, const std::string& fallback = {});
std::vector<std::int64_t> intsAttr(const onnx::NodeProto& n, const std::string& name);
bool hasAttr(const onnx::NodeProto& n, const std::string& name);

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX

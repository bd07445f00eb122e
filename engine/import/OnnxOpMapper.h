#pragma once
// Maps the live ONNX nodes, in graph order, onto engine layers (the table is in OnnxImport.h).
// Each ONNX tensor becomes a Value (ImportedValue.h); a node that cannot be mapped throws
// Unmappable with the reason, and its outputs are marked so that the nodes after it are not
// reported again for lack of an input. Only with NETCANVAS_WITH_ONNX.
// Sources by family: OnnxOpMapper.cpp (dispatch, Dense, activations, arithmetic, the loss),
// OnnxImageMapper.cpp (Conv, pools, normalizations), OnnxShapeMapper.cpp (Flatten, Reshape,
// Transpose, Squeeze, Concat), OnnxRecurrentMapper.cpp (RNN, LSTM, GRU, Embedding).

#ifdef NETCANVAS_WITH_ONNX

#include "data/Dataset.h"
#include "import/ImportedValue.h"
#include "import/NetworkBuilder.h"
#include "import/OnnxGraphView.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine::onnximport {

/// Why a node has no engine equivalent ("3-D convolution", "a non-zero initial state").
class Unmappable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class OnnxOpMapper {
public:
    explicit OnnxOpMapper(const OnnxGraphView& view);

    /// The Input node for the model's data input. Throws Unmappable.
    void mapInput(const onnx::ValueInfoProto& input);
    /// Maps one live node. Throws Unmappable; a node reading an unmapped node's output is
    /// skipped quietly (false) since the earlier node is reported.
    bool map(const onnx::NodeProto& node);
    /// Ends the network at `output`: drops a final Softmax (or Sigmoid) into the loss and adds
    /// the Loss node. Throws Unmappable naming the problem.
    void finish(const std::string& output);

    NetworkBuilder& builder() { return m_builder; }
    /// The input scaling found at the start of the graph (Sub, Mul by constants), or none.
    const FeatureScaling& inputScaling() const { return m_scaling; }

private:
    struct Recurrent {
        NodeId node = -1;
        long steps = 0;
        long units = 0;
        bool lastUsed = false;
        bool sequenceUsed = false;
    };

    const Value& in(const onnx::NodeProto& n, int index) const;
    const ConstTensor& constIn(const onnx::NodeProto& n, int index, const std::string& what) const;
    void set(const onnx::NodeProto& n, Value v, int output = 0);
    std::string cardName(const onnx::NodeProto& n) const;
    std::vector<long> outDims(const onnx::NodeProto& n, int output = 0) const;
    /// A Reshape's per-sample target: from shape inference, else from its shape input.
    std::vector<long> reshapeTarget(const onnx::NodeProto& n, const Value& src) const;

    /// `source` with the engine shape `shape`: a Reshape node, or the Input's own shape.
    NodeId reshaped(NodeId source, const std::vector<long>& shape, const std::string& name);
    // Views of a value as one engine tensor.
    Value image(const Value& v, const std::string& name);
    Value dataValue(const Value& v, const std::string& name); ///< Flat, Image, ChwFlat, Nhwc
    Value elementwise(const onnx::NodeProto& n, const Value& v, const std::string& type,
        nlohmann::json attributes);
    Value activation(
        const onnx::NodeProto& n, const Value& v, const std::string& function, double alpha = 0);

    // Op families (OnnxOpMapper.cpp).
    void gemm(const onnx::NodeProto& n);
    void matMul(const onnx::NodeProto& n);
    void dense(const onnx::NodeProto& n, const Value& x, Matrix w, const Matrix* bias);
    void conv(const onnx::NodeProto& n);
    void pool(const onnx::NodeProto& n, bool max);
    void batchNorm(const onnx::NodeProto& n);
    void layerNorm(const onnx::NodeProto& n);
    void softmax(const onnx::NodeProto& n, bool log);
    void clip(const onnx::NodeProto& n);
    void arithmetic(const onnx::NodeProto& n);
    void concat(const onnx::NodeProto& n);
    void flatten(const onnx::NodeProto& n);
    void reshape(const onnx::NodeProto& n);
    void transpose(const onnx::NodeProto& n);
    void squeeze(const onnx::NodeProto& n, bool unsqueeze);

    // Sequences (OnnxRecurrentMapper.cpp).
    void recurrent(const onnx::NodeProto& n);
    void gather(const onnx::NodeProto& n);
    void slice(const onnx::NodeProto& n);
    void requireZeroState(const onnx::NodeProto& n, int index) const;
    Value lastStep(int recurrent, long units);
    Value sequence(const Value& v, const std::string& name); ///< Flat T x F
    /// Sets return_sequences from the uses seen; throws when both uses are seen.
    void settleRecurrentOutputs();

    const OnnxGraphView& m_view;
    NetworkBuilder m_builder;
    std::map<std::string, Value> m_values;
    std::set<std::string> m_poisoned;
    std::set<NodeId> m_biaslessDense; ///< Dense from a MatMul, waiting for an Add's bias
    std::vector<Recurrent> m_recurrent;
    FeatureScaling m_scaling;
    NodeId m_input = -1;
    std::string m_inputName;
};

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX

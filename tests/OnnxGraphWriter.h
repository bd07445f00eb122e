#pragma once
// Small ONNX graphs written with the protobuf API for the import tests (tst_onnx_import,
// tst_onnx_open_gui): the same graphs ONNX Runtime runs (tools/onnx-check/run.js).

#include <QString>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace onnxtest {

/// Writes small ONNX graphs with the protobuf API: float input [N, F], float output.
class GraphWriter {
public:
    /// Input "x" of [N, dims...].
    explicit GraphWriter(std::vector<long> dims, int opset = 14)
    {
        m_model.set_ir_version(8);
        m_model.add_opset_import()->set_version(opset);
        onnx::ValueInfoProto* in = m_model.mutable_graph()->add_input();
        in->set_name("x");
        auto* t = in->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        t->mutable_shape()->add_dim()->set_dim_param("N");
        for (long d : dims)
            t->mutable_shape()->add_dim()->set_dim_value(d);
    }
    explicit GraphWriter(long features)
        : GraphWriter(std::vector<long> {features})
    { }

    onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
        const std::string& output, const std::string& name = {})
    {
        onnx::NodeProto* n = m_model.mutable_graph()->add_node();
        n->set_op_type(op);
        n->set_name(name.empty() ? "/" + output + "/" + op : name);
        for (const std::string& i : inputs)
            n->add_input(i);
        n->add_output(output);
        return n;
    }

    /// A float initializer of random values in [-1, 1] (or `values`).
    std::string weight(const std::string& name, const std::vector<std::int64_t>& dims,
        std::vector<float> values = {})
    {
        if (values.empty())
            return uniform(name, dims, -1.0f, 1.0f);
        onnx::TensorProto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : dims)
            t->add_dims(d);
        for (float v : values)
            t->add_float_data(v);
        return name;
    }

    /// A float initializer of random values in [lo, hi].
    std::string uniform(
        const std::string& name, const std::vector<std::int64_t>& dims, float lo, float hi)
    {
        std::int64_t count = 1;
        for (std::int64_t d : dims)
            count *= d;
        std::uniform_real_distribution<float> u(lo, hi);
        std::vector<float> values;
        for (std::int64_t i = 0; i < count; ++i)
            values.push_back(u(m_rng));
        return weight(name, dims, std::move(values));
    }

    std::string ints(
        const std::string& name, const std::vector<std::int64_t>& values, bool scalar = false)
    {
        onnx::TensorProto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        if (!scalar)
            t->add_dims(std::int64_t(values.size()));
        for (std::int64_t v : values)
            t->add_int64_data(v);
        return name;
    }

    static void setInt(onnx::NodeProto* n, const std::string& name, std::int64_t v)
    {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v);
    }
    static void setFloat(onnx::NodeProto* n, const std::string& name, float v)
    {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(v);
    }
    static void setInts(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> v)
    {
        auto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (auto i : v)
            a->add_ints(i);
    }

    void save(const QString& file, const std::string& output)
    {
        onnx::ValueInfoProto* out = m_model.mutable_graph()->add_output();
        out->set_name(output);
        auto* t = out->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        t->mutable_shape()->add_dim()->set_dim_param("N");
        t->mutable_shape()->add_dim()->set_dim_param("K");
        m_model.mutable_graph()->set_name("test");
        std::ofstream f(file.toStdString(), std::ios::binary);
        m_model.SerializeToOstream(&f);
    }

private:
    onnx::ModelProto m_model;
    std::mt19937 m_rng {11};
};

/// A ResNet-18-sized residual network on a flat [N, 64] input (one 8 x 8 channel): a stem
/// Conv-BN-Relu, 8 residual blocks of Conv-BN-Relu-Conv-BN + Add + Relu (blocks 3, 5 and 7 halve
/// the image and double the channels, their skip a 1 x 1 Conv-BN), then GlobalAveragePool,
/// Flatten, Gemm and Softmax over 10 classes: about 70 nodes. Returns the output's name.
inline std::string residualNetwork(GraphWriter& g)
{
    // He-scaled kernels and mild batch norms keep the activations of 17 layers near 1.
    const auto convBn = [&g](const std::string& name, const std::string& input, long in, long out,
                            long kernel, long stride) {
        const float bound = std::sqrt(6.0f / float(in * kernel * kernel));
        auto* c = g.node("Conv",
            {input, g.uniform(name + ".W", {out, in, kernel, kernel}, -bound, bound)},
            name + ".conv", "/" + name + "/Conv");
        GraphWriter::setInts(c, "kernel_shape", {kernel, kernel});
        GraphWriter::setInts(c, "strides", {stride, stride});
        const long pad = kernel / 2;
        GraphWriter::setInts(c, "pads", {pad, pad, pad, pad});
        g.node("BatchNormalization",
            {name + ".conv", g.uniform(name + ".scale", {out}, 0.5f, 1.0f),
                g.uniform(name + ".bias", {out}, -0.1f, 0.1f),
                g.uniform(name + ".mean", {out}, -0.1f, 0.1f),
                g.uniform(name + ".var", {out}, 0.5f, 1.5f)},
            name + ".bn", "/" + name + "/BatchNormalization");
        return name + ".bn";
    };
    g.node("Reshape", {"x", g.ints("shape", {-1, 1, 8, 8})}, "img");
    std::string current = "stem.relu";
    g.node("Relu", {convBn("stem", "img", 1, 8, 3, 1)}, current);
    long channels = 8;
    for (int b = 1; b <= 8; ++b) {
        const std::string block = "layer" + std::to_string(b);
        const bool down = b == 3 || b == 5 || b == 7;
        const long out = down ? channels * 2 : channels;
        const long stride = down ? 2 : 1;
        g.node("Relu", {convBn(block + ".1", current, channels, out, 3, stride)}, block + ".relu1");
        const std::string second = convBn(block + ".2", block + ".relu1", out, out, 3, 1);
        const std::string skip
            = down ? convBn(block + ".down", current, channels, out, 1, stride) : current;
        g.node("Add", {second, skip}, block + ".add");
        g.node("Relu", {block + ".add"}, block + ".relu");
        current = block + ".relu";
        channels = out;
    }
    g.node("GlobalAveragePool", {current}, "pool");
    g.node("Flatten", {"pool"}, "flat");
    g.node("Gemm",
        {"flat", g.uniform("fc.W", {channels, 10}, -0.5f, 0.5f),
            g.uniform("fc.b", {10}, -0.1f, 0.1f)},
        "logits", "/fc/Gemm");
    g.node("Softmax", {"logits"}, "probabilities");
    return "probabilities";
}

} // namespace onnxtest

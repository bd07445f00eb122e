#pragma once
// Attribute setters shared by the ONNX exporter (OnnxExport.cpp) and its recurrent-layer hook
// (OnnxExportRecurrent.cpp). Include after <onnx/onnx-ml.pb.h>.

#include <cstdint>
#include <string>
#include <vector>

namespace engine::onnxattr {

inline void setInt(onnx::NodeProto* n, const std::string& name, std::int64_t v)
{
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

inline void setInts(
    onnx::NodeProto* n, const std::string& name, const std::vector<std::int64_t>& values)
{
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values)
        a->add_ints(v);
}

inline void setFloat(onnx::NodeProto* n, const std::string& name, float v)
{
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
}

} // namespace engine::onnxattr

#pragma once
// Reading an ONNX file into the protobuf classes of libonnx-dev, shared by readNetCanvasOnnx()
// (files NetCanvas wrote) and the importer of any ONNX model (engine/import/OnnxImport.h).
// Only with NETCANVAS_WITH_ONNX; include after nothing else onnx-related.

#ifdef NETCANVAS_WITH_ONNX

#include <onnx/checker.h> // defines ONNX_API, which onnx-ml.pb.h expects
#include <onnx/onnx-ml.pb.h>

#include <filesystem>

namespace engine {

/// Parses `file` as a ModelProto and runs onnx::checker::check_model on it. Throws InputError
/// whose where() is the file's path: "not an ONNX model (...)", "the ONNX checker rejects the
/// model: ...", or the read error.
onnx::ModelProto readCheckedOnnxModel(const std::filesystem::path& file);

} // namespace engine

#endif // NETCANVAS_WITH_ONNX

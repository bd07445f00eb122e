#pragma once

#include "Options.h"

#include "core/Types.h"

#include <iosfwd>
#include <string>

namespace cli {

/// netcanvas-train export. --weights-npy: one "<node name>.<param>.npy" per parameter in the
/// folder. --onnx: the ONNX model (engine/export/OnnxExport.h). --pytorch: a runnable PyTorch script
/// (engine/export/PyTorchExport.h). --svg: the network diagram (engine/export/DiagramSvg.h); it needs no
/// weights, so an untrained project exports too.
int runExport(const ExportOptions& options, std::ostream& out);

} // namespace cli

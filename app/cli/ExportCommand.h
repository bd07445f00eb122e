#pragma once

#include "Options.h"

#include "Types.h"

#include <iosfwd>
#include <string>

namespace cli {

/// The bytes of a NumPy .npy file (format version 1.0, dtype '<f4', C order) holding `m`.
/// A column vector (cols == 1, e.g. a bias) is written 1-D as (rows,), anything else as
/// (rows, cols) with row-major data, so np.load gives the matrix as the engine stores it
/// (a Dense W is units x inputs, like PyTorch's Linear.weight).
std::string npyBytes(const engine::Matrix& m);

/// netcanvas-train export. --weights-npy: one "<node name>.<param>.npy" per parameter in the
/// folder. --onnx: the ONNX model (engine/OnnxExport.h). --pytorch: a runnable PyTorch script
/// (engine/PyTorchExport.h). --svg: the network diagram (engine/DiagramSvg.h); it needs no
/// weights, so an untrained project exports too.
int runExport(const ExportOptions& options, std::ostream& out);

} // namespace cli

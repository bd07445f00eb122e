#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cli {

/// netcanvas-train import MODEL.onnx --out PROJECT.json: the ONNX model as a trained project
/// (engine/import/OnnxImport.h), written atomically; prints one line saying what was written.
/// `args` is the whole command line after the program name, "import" first. Throws UsageError
/// for a bad command line and CommandError (one line naming the file and every node that does
/// not map) for a model that cannot be imported; nothing is written then.
int runImport(const std::vector<std::string>& args, std::ostream& out);

} // namespace cli

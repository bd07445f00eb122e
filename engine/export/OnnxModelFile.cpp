#include "export/OnnxModelFile.h"

#ifdef NETCANVAS_WITH_ONNX

#include "core/AtomicFile.h"
#include "core/Errors.h"

#include <exception>
#include <string>

namespace engine {

onnx::ModelProto readCheckedOnnxModel(const std::filesystem::path& file)
{
    const std::string where = file.string();
    const std::string bytes = readFileBytes(file);
    onnx::ModelProto model;
    if (!model.ParseFromString(bytes))
        throw InputError(where, "not an ONNX model (the file does not parse as a ModelProto)");
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw InputError(where, std::string("the ONNX checker rejects the model: ") + e.what());
    }
    return model;
}

} // namespace engine

#endif // NETCANVAS_WITH_ONNX

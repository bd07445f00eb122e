#include "ImportCommand.h"

#include "Options.h"
#include "Support.h"
#include "TrainCommand.h"

#include "core/Errors.h"
#include "import/OnnxImport.h"
#include "project/Project.h"

#include <ostream>

namespace cli {

int runImport(const std::vector<std::string>& args, std::ostream& out)
{
    std::string model, target;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--out" || a.rfind("--out=", 0) == 0) {
            if (a == "--out" && i + 1 >= args.size())
                throw UsageError("import: --out: missing the project file to write");
            target = a == "--out" ? args[++i] : a.substr(6);
        } else if (a.rfind("--", 0) == 0) {
            throw UsageError("import: " + a + ": unknown option (see --help)");
        } else if (model.empty()) {
            model = a;
        } else {
            throw UsageError("import: " + a + ": unexpected argument");
        }
    }
    if (model.empty())
        throw UsageError("import: MODEL.onnx: missing (netcanvas-train import MODEL.onnx --out "
                         "PROJECT.json)");
    if (target.empty())
        throw UsageError("import: --out: missing (the project file to write)");

    engine::Project project;
    try {
        project = engine::importOnnx(model);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(model, oneLine(e.what())));
    }
    try {
        engine::saveProject(project, target);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(target, oneLine(e.what())));
    }
    out << "imported " << model << " as " << target << " (" << project.nodes.size()
        << " nodes, trained weights)" << std::endl;
    return ExitOk;
}

} // namespace cli

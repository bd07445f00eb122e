// Writes the ONNX seeds of fuzz_onnx (docs/fuzzing.md): each project given is compiled for its
// dataset with initial weights (seed 1; trained values do not matter to the loader) and exported
// as OUT_DIR/<name>.onnx, as `netcanvas-train export --onnx` writes it.
//
// usage: make_onnx_seeds OUT_DIR PROJECT.json...

#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "project/Project.h"

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: make_onnx_seeds OUT_DIR PROJECT.json...\n");
        return 2;
    }
    const std::filesystem::path outDir = argv[1];
    try {
        for (int i = 2; i < argc; ++i) {
            const std::filesystem::path file = argv[i];
            engine::Project project = engine::loadProject(file);
            const engine::GraphContext context
                = engine::projectContext(project, file.parent_path());
            engine::Graph graph = project.buildGraph();
            graph.compile(context, 1);
            project.weights = graph.weights();
            const std::filesystem::path out = outDir / (file.stem().string() + ".onnx");
            engine::exportOnnx(project, context, out);
            std::printf("%s\n", out.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_onnx_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}

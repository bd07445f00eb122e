// Project files (engine/Project.*): the bytes are a .json file opened as a project. A project
// that loads must survive a save/load round trip and build its graph or say why (InputError or
// ShapeError).

#include "FuzzSupport.h"
#include "project/Project.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto file = fuzz::writeInputFile("project.json", data, size);
    engine::Project project;
    if (!fuzz::expectOnlyInputErrors("loadProject", [&] { project = engine::loadProject(file); }))
        return 0;
    const bool reloaded = fuzz::expectOnlyInputErrors(
        "Project::fromJson(saved)", [&] { engine::Project::fromJson(project.toJson()); });
    fuzz::findingIf(!reloaded, "a project that loads does not load again once saved");
    fuzz::expectOnlyInputErrors("Project::buildGraph", [&] { project.buildGraph(); });
    return 0;
}

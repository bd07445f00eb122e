#pragma once
// The network of a project as an SVG diagram, headless (no Qt): `netcanvas-train export
// PROJECT.json --svg OUT.svg` uses it. The window exports what its canvas shows instead
// (widgets/export/DiagramExport): the CLI has no Qt to draw the canvas with.
//
// One rounded box per node: a coloured header with the node's name (colour by palette category,
// as on the canvas), then the layer's summary with its key settings ("Conv2D 32 3x3, ReLU,
// same"), the output shape and the parameter count, or the node's shape error in red. Edges are
// cubic curves from an output's right side to an input's left side, ending in an arrow; the
// inputs of a multi-input node (Add, Concatenate) arrive in port order from top to bottom.
//
// Layout: the canvas positions stored in the project (top-left corners), spread apart along x
// and/or y just enough that no two boxes overlap. When positions are missing (every node at the
// same place) or would need more than 3x spreading, a layered left-to-right layout is used
// instead: columns by longest path from the input, ordered within a column by stored y.

#include "graph/Graph.h"
#include "project/Project.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace engine {

struct DiagramOptions {
    bool autoLayout = false; ///< always use the layered layout, ignoring stored positions
    std::string title; ///< heading above the network; empty: the project's name
};

/// One node's box as laid out in the SVG's coordinates (for tests and callers that want to
/// place things next to the drawing).
struct DiagramBox {
    NodeId id = -1;
    double x = 0, y = 0, width = 0, height = 0;
    std::vector<std::string> lines; ///< body text lines (the name is the header)
};

/// The laid-out boxes and the picture's size.
struct DiagramLayout {
    std::vector<DiagramBox> boxes; ///< in the project's node order
    double width = 0, height = 0;
    bool autoLayout = false; ///< true when the stored positions were not used
};

/// Lays the project's nodes out. Shapes and parameter counts come from Graph::check(context)
/// (without a context, from the Input node's declared shape). Throws InputError only when the
/// project itself cannot be built (an unknown layer type, a bad attribute).
DiagramLayout layoutDiagram(const Project& project,
    const std::optional<GraphContext>& context = std::nullopt, const DiagramOptions& options = {});

/// A standalone SVG 1.1 document (UTF-8) of the diagram. Text is real text (searchable, node
/// names verbatim, XML-escaped). Throws InputError as layoutDiagram().
std::string diagramSvg(const Project& project,
    const std::optional<GraphContext>& context = std::nullopt, const DiagramOptions& options = {});

/// Writes diagramSvg() to `file` atomically. Throws InputError (where() = the file on a write
/// failure).
void exportDiagramSvg(const Project& project, const std::optional<GraphContext>& context,
    const std::filesystem::path& file, const DiagramOptions& options = {});

} // namespace engine

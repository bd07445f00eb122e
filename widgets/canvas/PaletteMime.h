#pragma once
// Drag-and-drop and clipboard formats shared by the palette, the canvas and the tests.

namespace widgets {

/// A palette entry being dragged. Payload: UTF-8 JSON {"type": "Dense", "attributes": {...}}
/// where "attributes" is the registry preset (LayerInfo::attributes), possibly empty.
inline constexpr char kLayerMimeType[] = "application/x-netcanvas-layer";

/// Copied canvas items. Payload: UTF-8 JSON {"nodes": [...], "edges": [...]} in the project
/// file's node/edge format (GraphDocument::selectionToJson()).
inline constexpr char kFragmentMimeType[] = "application/x-netcanvas-fragment";

} // namespace widgets

#pragma once

#include "document/GraphDocument.h"

#include <QPointF>
#include <QSizeF>

#include <map>
#include <vector>

namespace widgets {

/// A card to place: its id, size, and where it is now (the current vertical order seeds the
/// order inside a column, and the current top-left corner anchors the result).
struct LayoutNode {
    NodeId id = -1;
    QSizeF size;
    QPointF position;
};

/// A connection from `from`'s output to `to`'s input.
struct LayoutEdge {
    NodeId from = -1;
    NodeId to = -1;
};

struct LayoutOptions {
    double columnGap = 90.0; ///< free space between columns (edges bend in it)
    double rowGap = 40.0; ///< free space between cards of a column
    double bandGap = 110.0; ///< free space between bands (a lane for edges that wrap)
    int maxColumns = 6; ///< columns per band before the layout wraps to a new band below
    double grid = 20.0; ///< steps and the anchor are multiples of the grid (0: no snapping)
};

/// Layered left-to-right layout, a pure function of the graph (no scene, no drawing):
/// longest-path layers over a topological order (cards on a cycle go to one extra layer),
/// barycentre sweeps order each layer to reduce crossings, and layer k becomes column
/// k % maxColumns of band k / maxColumns. Bands stack top to bottom, so data flows left to right
/// in every band and downward between bands, as text reads. Every column is centred on its
/// band's axis; columns and bands share one grid of cells as large as the largest card, so the
/// gaps between columns and bands are free of cards (EdgeRoute lays edges in them).
/// Returns the new top-left corner of every node; an empty map for no nodes.
std::map<NodeId, QPointF> layoutGraph(const std::vector<LayoutNode>& nodes,
    const std::vector<LayoutEdge>& edges, const LayoutOptions& options = {});

} // namespace widgets

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

/// Which way data flows in an auto-laid-out graph.
enum class LayoutDirection {
    LeftToRight, ///< layers are columns; bands stack downward
    TopToBottom, ///< layers are rows; bands stand side by side, left to right
};

struct LayoutOptions {
    LayoutDirection direction = LayoutDirection::LeftToRight;
    double columnGap = 90.0; ///< free space between columns (edges bend in it)
    double rowGap = 40.0; ///< LeftToRight: free space between cards of a column
    /// TopToBottom: free space between rows (the lanes edges cross them in); cards of a row are
    /// columnGap apart, so that an edge's vertical legs have room beside the cards.
    double layerRowGap = 60.0;
    double bandGap = 110.0; ///< free space between bands (a lane for edges that wrap)
    int maxColumns = 6; ///< layers per band before the layout wraps to a new band
    double grid = 20.0; ///< steps and the anchor are multiples of the grid (0: no snapping)
};

/// Layered layout, a pure function of the graph (no scene, no drawing): longest-path layers
/// over a topological order (cards on a cycle go to one extra layer), barycentre sweeps order
/// each layer to reduce crossings, and layer k becomes column k % maxColumns of band
/// k / maxColumns.
/// LeftToRight: bands stack top to bottom, so data flows left to right in every band and
/// downward between bands, as text reads. TopToBottom: the same turned a quarter, layers are
/// rows and bands stand side by side, so data flows down every band and rightward between
/// bands, as newspaper columns read (cards keep their side ports: edges leave right and enter
/// left, crossing the row gaps in lanes).
/// Every layer is centred on its band's axis; layers and bands share one grid of cells as large
/// as the largest card, so the gaps between layers and bands are free of cards (EdgeRoute lays
/// edges in them).
/// Returns the new top-left corner of every node; an empty map for no nodes.
std::map<NodeId, QPointF> layoutGraph(const std::vector<LayoutNode>& nodes,
    const std::vector<LayoutEdge>& edges, const LayoutOptions& options = {});

} // namespace widgets

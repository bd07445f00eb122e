#pragma once

#include "document/GraphDocument.h"

#include <QStringList>

namespace widgets {

/// What a collapsed group's card shows, read from the document's last shape check (the shapes
/// the edge labels show) and ResourceEstimate's per-node costs.
struct GroupSummary {
    int members = 0;
    long params = 0; ///< sum of the members' known parameter counts
    double forwardFlops = 0; ///< per sample, summed over the members
    double activationBytes = 0; ///< per sample in training, summed over the members
    /// Distinct shapes entering the group: the source shape of every edge from outside, or the
    /// shape of an Input member. "?" for an unknown shape.
    QStringList inputShapes;
    /// Distinct shapes leaving it: of every member with an edge to outside; without such a
    /// member, of the members feeding nothing or only a Loss (the block's last layers).
    QStringList outputShapes;
};

/// All zero/empty for an unknown group.
GroupSummary summarizeGroup(const GraphDocument& doc, GroupId id);

} // namespace widgets

#include "document/GroupSummary.h"

#include "training/ResourceEstimate.h"

#include <algorithm>
#include <set>

namespace widgets {

namespace {

void addShape(QStringList& list, const QString& shape)
{
    const QString shown = shape.isEmpty() ? QStringLiteral("?") : shape;
    if (!list.contains(shown))
        list << shown;
}

} // namespace

GroupSummary summarizeGroup(const GraphDocument& doc, GroupId id)
{
    GroupSummary s;
    const auto* group = doc.group(id);
    if (!group)
        return s;
    const std::set<NodeId> members(group->members.begin(), group->members.end());
    const auto costs = engine::nodeCosts(doc.check(), "sgd");
    std::vector<NodeId> lastLayers;
    for (const NodeId m : doc.nodeIds()) {
        if (!members.count(m))
            continue;
        ++s.members;
        s.params += std::max(0L, doc.paramCount(m));
        if (const auto it = costs.find(m); it != costs.end()) {
            s.forwardFlops += it->second.forwardFlops;
            s.activationBytes += it->second.activationBytesPerSample;
        }
        const auto in = doc.inEdges(m);
        if (in.empty() && doc.inputArity(m) == std::pair {0, 0})
            addShape(s.inputShapes, doc.outputShape(m));
        for (const Edge& e : in)
            if (!members.count(e.from))
                addShape(s.inputShapes, doc.outputShape(e.from));
        const auto out = doc.outEdges(m);
        bool leaves = false;
        for (const Edge& e : out)
            leaves = leaves || !members.count(e.to);
        if (leaves)
            addShape(s.outputShapes, doc.outputShape(m));
        // The block's last layers: they feed nothing, or only a loss (an output layer).
        const bool last = std::all_of(
            out.begin(), out.end(), [&doc](const Edge& e) { return !doc.hasOutput(e.to); });
        if (last && doc.hasOutput(m))
            lastLayers.push_back(m);
    }
    if (s.outputShapes.isEmpty())
        for (const NodeId m : lastLayers)
            addShape(s.outputShapes, doc.outputShape(m));
    return s;
}

} // namespace widgets

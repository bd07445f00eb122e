#include "canvas/AutoLayout.h"

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

/// Longest-path layer of every node (Kahn's order); nodes left on a cycle get one extra layer.
std::map<NodeId, int> assignLayers(
    const std::vector<LayoutNode>& nodes, const std::map<NodeId, std::vector<NodeId>>& succ)
{
    std::map<NodeId, int> indegree;
    for (const LayoutNode& n : nodes)
        indegree[n.id] = 0;
    for (const auto& [from, targets] : succ)
        for (const NodeId to : targets)
            ++indegree[to];
    std::map<NodeId, int> layer;
    std::vector<NodeId> queue;
    for (const LayoutNode& n : nodes)
        if (indegree[n.id] == 0) {
            queue.push_back(n.id);
            layer[n.id] = 0;
        }
    for (std::size_t i = 0; i < queue.size(); ++i) {
        const NodeId n = queue[i];
        const auto it = succ.find(n);
        if (it == succ.end())
            continue;
        for (const NodeId s : it->second) {
            layer[s] = std::max(layer.count(s) ? layer[s] : 0, layer[n] + 1);
            if (--indegree[s] == 0)
                queue.push_back(s);
        }
    }
    int maxLayer = -1;
    for (const auto& [id, l] : layer)
        maxLayer = std::max(maxLayer, l);
    for (const LayoutNode& n : nodes)
        if (indegree[n.id] > 0)
            layer[n.id] = maxLayer + 1;
    return layer;
}

/// Reorders every column by the barycentre of its neighbours' ranks, sweeping right then left.
void reduceCrossings(std::vector<std::vector<NodeId>>& columns,
    const std::map<NodeId, std::vector<NodeId>>& pred,
    const std::map<NodeId, std::vector<NodeId>>& succ)
{
    std::map<NodeId, double> rank;
    auto rankColumn = [&rank](const std::vector<NodeId>& col) {
        for (std::size_t i = 0; i < col.size(); ++i)
            rank[col[i]] = static_cast<double>(i) - (static_cast<double>(col.size()) - 1) / 2;
    };
    for (const auto& col : columns)
        rankColumn(col);
    auto sweep = [&](std::vector<NodeId>& col, const std::map<NodeId, std::vector<NodeId>>& nb) {
        std::map<NodeId, double> bary;
        for (const NodeId id : col) {
            const auto it = nb.find(id);
            if (it == nb.end() || it->second.empty()) {
                bary[id] = rank[id];
                continue;
            }
            double sum = 0;
            for (const NodeId n : it->second)
                sum += rank[n];
            bary[id] = sum / static_cast<double>(it->second.size());
        }
        std::stable_sort(
            col.begin(), col.end(), [&](NodeId a, NodeId b) { return bary[a] < bary[b]; });
        rankColumn(col);
    };
    for (int pass = 0; pass < 4; ++pass) {
        for (std::size_t c = 1; c < columns.size(); ++c)
            sweep(columns[c], pred);
        for (std::size_t c = columns.size() - 1; c-- > 0;)
            sweep(columns[c], succ);
    }
}

double snapUp(double v, double grid)
{
    return grid > 0 ? std::ceil(v / grid) * grid : v;
}

double snap(double v, double grid)
{
    return grid > 0 ? std::round(v / grid) * grid : v;
}

} // namespace

std::map<NodeId, QPointF> layoutGraph(const std::vector<LayoutNode>& nodes,
    const std::vector<LayoutEdge>& edges, const LayoutOptions& options)
{
    if (nodes.empty())
        return {};
    std::map<NodeId, std::vector<NodeId>> succ;
    std::map<NodeId, std::vector<NodeId>> pred;
    for (const LayoutEdge& e : edges) {
        succ[e.from].push_back(e.to);
        pred[e.to].push_back(e.from);
    }
    std::map<NodeId, int> layer = assignLayers(nodes, succ);
    int layers = 0;
    for (const auto& [id, l] : layer)
        layers = std::max(layers, l + 1);

    const bool down = options.direction == LayoutDirection::TopToBottom;
    // Layers start in the current order across the flow (vertical for columns, horizontal
    // for rows).
    auto across = [down](const QPointF& p) { return down ? p.x() : p.y(); };
    std::vector<LayoutNode> ordered = nodes;
    std::stable_sort(ordered.begin(), ordered.end(), [&](const LayoutNode& a, const LayoutNode& b) {
        return across(a.position) < across(b.position);
    });
    std::vector<std::vector<NodeId>> columns(static_cast<std::size_t>(layers));
    for (const LayoutNode& n : ordered)
        columns[static_cast<std::size_t>(layer[n.id])].push_back(n.id);
    reduceCrossings(columns, pred, succ);

    // One cell size for all cards keeps layers and bands aligned across the whole layout.
    QSizeF cell;
    QPointF origin(nodes.front().position);
    for (const LayoutNode& n : nodes) {
        cell = cell.expandedTo(n.size);
        origin.setX(std::min(origin.x(), n.position.x()));
        origin.setY(std::min(origin.y(), n.position.y()));
    }
    origin = QPointF(snap(origin.x(), options.grid), snap(origin.y(), options.grid));
    // "Along" is the direction data flows in a band, "cross" the one layers stack cards in.
    const double alongStep = down ? snapUp(cell.height() + options.layerRowGap, options.grid)
                                  : snapUp(cell.width() + options.columnGap, options.grid);
    const double crossStep = down ? snapUp(cell.width() + options.columnGap, options.grid)
                                  : snapUp(cell.height() + options.rowGap, options.grid);
    const double crossGap = down ? options.columnGap : options.rowGap;
    const double bandGap = snapUp(std::max(0.0, options.bandGap - crossGap), options.grid);
    const int perBand = std::max(1, options.maxColumns);
    const double alongOrigin = down ? origin.y() : origin.x();

    std::map<NodeId, QPointF> out;
    double bandStart = down ? origin.x() : origin.y();
    for (int first = 0; first < layers; first += perBand) {
        const int last = std::min(layers, first + perBand);
        std::size_t widest = 1;
        for (int c = first; c < last; ++c)
            widest = std::max(widest, columns[static_cast<std::size_t>(c)].size());
        for (int c = first; c < last; ++c) {
            const auto& col = columns[static_cast<std::size_t>(c)];
            // Centred on the band's axis, in whole grid steps.
            const double offset
                = snap((static_cast<double>(widest - col.size())) / 2 * crossStep, options.grid);
            for (std::size_t i = 0; i < col.size(); ++i) {
                const double along = alongOrigin + (c - first) * alongStep;
                const double cross = bandStart + offset + static_cast<double>(i) * crossStep;
                out[col[i]] = down ? QPointF(cross, along) : QPointF(along, cross);
            }
        }
        bandStart += static_cast<double>(widest) * crossStep + bandGap;
    }
    return out;
}

} // namespace widgets

#include "export/DiagramSvg.h"

#include "core/AtomicFile.h"
#include "layers/LayerRegistry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace engine {

namespace {

constexpr double kMargin = 28;
constexpr double kTitleHeight = 52; // title and subtitle lines above the network
constexpr double kHeader = 26;
constexpr double kLine = 17;
constexpr double kPadX = 11;
constexpr double kMinWidth = 170;
constexpr double kMaxWidth = 330;
constexpr double kGapX = 56; // room for the curves and their arrows between columns
constexpr double kGapY = 26;
constexpr double kMaxSpread = 3.0; // vertical; more and the stored positions are not worth keeping
constexpr double kArrow = 8;
constexpr double kHeaderFont = 13;
constexpr double kBodyFont = 12;
constexpr int kMaxErrorLines = 3;

// Generous average glyph widths (DejaVu Sans is among the widest common sans fonts), so text
// never spills out of its box whichever sans-serif font the viewer substitutes.
constexpr double kBoldCharWidth = 0.66;
constexpr double kCharWidth = 0.6;

/// Number of characters (UTF-8 code points) in `s`.
std::size_t glyphs(const std::string& s)
{
    return std::size_t(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

double textWidth(const std::string& s, double fontSize, bool bold = false)
{
    return double(glyphs(s)) * fontSize * (bold ? kBoldCharWidth : kCharWidth);
}

/// `s` cut to at most `maxGlyphs` characters, ending in an ellipsis when cut.
std::string elided(const std::string& s, std::size_t maxGlyphs)
{
    if (glyphs(s) <= maxGlyphs || maxGlyphs < 2)
        return s;
    std::string out;
    std::size_t count = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++count == maxGlyphs)
            break;
        out += c;
    }
    return out + "\xE2\x80\xA6";
}

/// Words of `text` wrapped into lines of at most `maxGlyphs` characters (long words are cut).
std::vector<std::string> wrapped(const std::string& text, std::size_t maxGlyphs)
{
    std::vector<std::string> lines;
    std::istringstream words(text);
    std::string word, line;
    while (words >> word) {
        if (!line.empty() && glyphs(line) + 1 + glyphs(word) > maxGlyphs) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + elided(word, maxGlyphs);
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

std::string xmlEscaped(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // XML 1.0 forbids most control characters even as references.
            out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        }
    }
    return out;
}

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
        s.resize(s.size() - 2);
    return s;
}

std::string withThousands(long n)
{
    std::string digits = std::to_string(n < 0 ? -n : n);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(std::size_t(i), ",");
    return (n < 0 ? "-" : "") + digits;
}

/// Header colours by palette category, as the canvas cards (widgets/canvas/LayerNodeItem.cpp).
std::string categoryColor(const std::string& type)
{
    static const std::map<std::string, std::string> byCategory = {
        {"Input", "#4c9a50"},
        {"Core", "#3b7dd8"},
        {"Activations", "#c77a16"},
        {"Regularization", "#8e5cc4"},
        {"Merge", "#2a9d8f"},
        {"Output", "#c0504d"},
        {"Convolution", "#1f6f8b"},
        {"Recurrent", "#7a5c3a"},
        {"Normalization", "#6d6db0"},
    };
    if (type == "Input")
        return byCategory.at("Input");
    if (type == "Loss")
        return byCategory.at("Output");
    for (const LayerInfo& info : LayerRegistry::entries()) {
        if (info.type != type)
            continue;
        const auto it = byCategory.find(info.category);
        if (it != byCategory.end())
            return it->second;
        break;
    }
    return "#707880";
}

std::string nodeTitle(const NodeRecord& n)
{
    return n.name.empty() ? n.type + "_" + std::to_string(n.id) : n.name;
}

/// The summary plus the settings it leaves out ("same" padding of windowed layers).
std::string keySettings(const Layer& layer)
{
    std::string s = layer.summary();
    const nlohmann::json a = layer.attributes();
    if (a.is_object() && a.contains("padding") && a["padding"] == "same"
        && (layer.type() == "Conv2D" || layer.type() == "MaxPool2D"
            || layer.type() == "AveragePool2D"))
        s += ", same";
    return s;
}

struct Placed {
    NodeRecord record;
    std::string header;
    std::string color;
    DiagramBox box;
    bool error = false;
    std::size_t errorFrom = std::numeric_limits<std::size_t>::max(); ///< first error line
};

/// Top-left positions from the canvas, pushed apart just enough that no two boxes overlap and
/// every left-to-right edge has a free gap: rows spread vertically by one factor where boxes of
/// a column would touch, then a sweep by stored x shifts boxes right (never left), keeping the
/// canvas's spacing elsewhere. False when positions are missing or would need too much spreading.
bool placeFromStoredPositions(std::vector<Placed>& nodes, const std::vector<Edge>& edges)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    double sy = 1;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (std::size_t j = i + 1; j < nodes.size(); ++j) {
            const NodeRecord& a = nodes[i].record;
            const NodeRecord& b = nodes[j].record;
            if (a.x == b.x && a.y == b.y)
                return false; // two nodes at the same place: positions are missing
            // Boxes whose stored x ranges overlap form a column: only height can separate them.
            const double dx = b.x - a.x, dy = b.y - a.y;
            const bool column = dx >= 0 ? dx < nodes[i].box.width : -dx < nodes[j].box.width;
            if (!column)
                continue;
            const double needY = dy > 0 ? (nodes[i].box.height + kGapY) / dy
                : dy < 0                ? (nodes[j].box.height + kGapY) / -dy
                                        : inf;
            if (needY != inf)
                sy = std::max(sy, needY);
        }
    }
    if (sy > kMaxSpread)
        return false;

    std::map<NodeId, std::size_t> index;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        index[nodes[i].record.id] = i;
        nodes[i].box.y = nodes[i].record.y * sy;
    }
    std::vector<std::vector<std::size_t>> sourcesOf(nodes.size());
    for (const Edge& e : edges)
        if (index.count(e.from) && index.count(e.to))
            sourcesOf[index[e.to]].push_back(index[e.from]);
    std::vector<std::size_t> order(nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
        [&](std::size_t a, std::size_t b) { return nodes[a].record.x < nodes[b].record.x; });
    double shift = 0;
    std::vector<bool> placed(nodes.size(), false);
    for (std::size_t i : order) {
        DiagramBox& box = nodes[i].box;
        double required = -inf;
        for (std::size_t j = 0; j < nodes.size(); ++j) {
            if (!placed[j])
                continue;
            const DiagramBox& other = nodes[j].box;
            const bool sameRows
                = box.y < other.y + other.height + kGapY && other.y < box.y + box.height + kGapY;
            const bool feeds = nodes[j].record.x < nodes[i].record.x
                && std::find(sourcesOf[i].begin(), sourcesOf[i].end(), j) != sourcesOf[i].end();
            if (sameRows || feeds)
                required = std::max(required, other.x + other.width + kGapX);
        }
        shift = std::max(shift, required - nodes[i].record.x);
        box.x = nodes[i].record.x + shift;
        placed[i] = true;
    }
    return true;
}

/// Layered left-to-right layout: column = longest path from a node without inputs.
void placeInColumns(std::vector<Placed>& nodes, const std::vector<Edge>& edges)
{
    std::map<NodeId, int> depth;
    for (const Placed& p : nodes)
        depth[p.record.id] = 0;
    // Relaxation; a cycle (reported by the graph check) stops growing after nodes.size() rounds.
    for (std::size_t round = 0; round < nodes.size(); ++round) {
        bool changed = false;
        for (const Edge& e : edges) {
            if (!depth.count(e.from) || !depth.count(e.to))
                continue;
            if (depth[e.to] < depth[e.from] + 1 && depth[e.from] + 1 <= int(nodes.size())) {
                depth[e.to] = depth[e.from] + 1;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    std::map<int, std::vector<Placed*>> columns;
    for (Placed& p : nodes)
        columns[depth[p.record.id]].push_back(&p);
    double tallest = 0;
    std::map<int, double> heights;
    for (auto& [column, members] : columns) {
        std::stable_sort(members.begin(), members.end(),
            [](const Placed* a, const Placed* b) { return a->record.y < b->record.y; });
        double h = -kGapY;
        for (const Placed* p : members)
            h += p->box.height + kGapY;
        heights[column] = h;
        tallest = std::max(tallest, h);
    }
    double x = 0;
    for (auto& [column, members] : columns) {
        double width = 0;
        double y = (tallest - heights[column]) / 2;
        for (Placed* p : members) {
            p->box.x = x;
            p->box.y = y;
            y += p->box.height + kGapY;
            width = std::max(width, p->box.width);
        }
        x += width + kGapX;
    }
}

struct Drawing {
    std::vector<Placed> nodes;
    DiagramLayout layout;
    std::string title;
    std::string subtitle;
};

Drawing layOut(const Project& project, const std::optional<GraphContext>& context,
    const DiagramOptions& options)
{
    Graph graph = project.buildGraph();
    const GraphCheck check = graph.check(context);

    Drawing d;
    for (const NodeRecord& n : project.nodes) {
        Placed p;
        p.record = n;
        p.color = categoryColor(n.type);
        const std::size_t maxGlyphs
            = std::size_t((kMaxWidth - 2 * kPadX) / (kBodyFont * kCharWidth));
        const std::size_t maxHeader
            = std::size_t((kMaxWidth - 2 * kPadX) / (kHeaderFont * kBoldCharWidth));
        p.header = elided(nodeTitle(n), maxHeader);
        std::vector<std::string>& lines = p.box.lines;
        lines.push_back(elided(keySettings(graph.layer(n.id)), maxGlyphs));
        const auto shape = check.shapes.find(n.id);
        if (shape != check.shapes.end() && !shape->second.empty() && n.type != "Loss")
            lines.push_back("output " + shape->second.toString());
        const auto params = check.paramCounts.find(n.id);
        if (params != check.paramCounts.end() && params->second > 0)
            lines.push_back(withThousands(params->second)
                + (params->second == 1 ? " parameter" : " parameters"));
        const std::string errors = check.errorsFor(n.id);
        if (!errors.empty()) {
            p.error = true;
            p.errorFrom = lines.size();
            std::vector<std::string> wrappedErrors = wrapped("\xE2\x9A\xA0 " + errors, maxGlyphs);
            if (wrappedErrors.size() > std::size_t(kMaxErrorLines)) {
                wrappedErrors.resize(std::size_t(kMaxErrorLines));
                wrappedErrors.back() = elided(wrappedErrors.back() + " \xE2\x80\xA6", maxGlyphs);
            }
            lines.insert(lines.end(), wrappedErrors.begin(), wrappedErrors.end());
        }
        double width = textWidth(p.header, kHeaderFont, true);
        for (const std::string& l : lines)
            width = std::max(width, textWidth(l, kBodyFont));
        p.box.id = n.id;
        p.box.width = std::ceil(std::clamp(width + 2 * kPadX, kMinWidth, kMaxWidth));
        p.box.height = kHeader + 8 + kLine * double(lines.size()) + 2;
        d.nodes.push_back(std::move(p));
    }

    d.layout.autoLayout = options.autoLayout || !placeFromStoredPositions(d.nodes, project.edges);
    if (d.layout.autoLayout)
        placeInColumns(d.nodes, project.edges);

    d.title
        = options.title.empty() ? (project.name.empty() ? "Network" : project.name) : options.title;
    d.subtitle
        = std::to_string(project.nodes.size()) + (project.nodes.size() == 1 ? " node" : " nodes");
    if (check.ok())
        d.subtitle += ", " + withThousands(check.totalParams()) + " parameters";
    else
        d.subtitle += ", " + std::to_string(check.errors.size())
            + (check.errors.size() == 1 ? " problem" : " problems");
    if (const auto in = check.shapes.find(check.inputNode); in != check.shapes.end())
        d.subtitle += ", input " + in->second.toString();

    // Shift into the picture, below the title.
    double minX = std::numeric_limits<double>::max(), minY = minX, maxX = 0, maxY = 0;
    for (const Placed& p : d.nodes) {
        minX = std::min(minX, p.box.x);
        minY = std::min(minY, p.box.y);
    }
    if (d.nodes.empty())
        minX = minY = 0;
    for (Placed& p : d.nodes) {
        p.box.x = std::round(p.box.x - minX + kMargin);
        p.box.y = std::round(p.box.y - minY + kMargin + kTitleHeight);
        maxX = std::max(maxX, p.box.x + p.box.width);
        maxY = std::max(maxY, p.box.y + p.box.height);
        d.layout.boxes.push_back(p.box);
    }
    const double titleWidth
        = std::max(textWidth(d.title, 16, true), textWidth(d.subtitle, kBodyFont));
    d.layout.width = std::ceil(std::max(maxX, kMargin + titleWidth) + kMargin);
    d.layout.height = std::ceil(std::max(maxY, kMargin + kTitleHeight) + kMargin);
    return d;
}

} // namespace

DiagramLayout layoutDiagram(const Project& project, const std::optional<GraphContext>& context,
    const DiagramOptions& options)
{
    return layOut(project, context, options).layout;
}

std::string diagramSvg(const Project& project, const std::optional<GraphContext>& context,
    const DiagramOptions& options)
{
    const Drawing d = layOut(project, context, options);
    std::map<NodeId, const Placed*> byId;
    for (const Placed& p : d.nodes)
        byId[p.record.id] = &p;

    std::ostringstream svg;
    const std::string w = number(d.layout.width), h = number(d.layout.height);
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << w
        << "\" height=\"" << h << "\" viewBox=\"0 0 " << w << " " << h
        << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        << "  <title>" << xmlEscaped(d.title) << "</title>\n"
        << "  <rect x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << h
        << "\" fill=\"#ffffff\"/>\n"
        << "  <text x=\"" << number(kMargin) << "\" y=\"" << number(kMargin + 16)
        << "\" font-size=\"16\" font-weight=\"bold\" fill=\"#22262b\">" << xmlEscaped(d.title)
        << "</text>\n"
        << "  <text x=\"" << number(kMargin) << "\" y=\"" << number(kMargin + 35)
        << "\" font-size=\"" << number(kBodyFont) << "\" fill=\"#5f666d\">"
        << xmlEscaped(d.subtitle) << "</text>\n";

    // Edges first, so boxes cover their ends. Inputs of a node arrive in port order from top to
    // bottom; outputs leave in the order of their targets' heights.
    std::map<NodeId, std::vector<const Edge*>> incoming, outgoing;
    for (const Edge& e : project.edges) {
        if (!byId.count(e.from) || !byId.count(e.to))
            continue;
        incoming[e.to].push_back(&e);
        outgoing[e.from].push_back(&e);
    }
    for (auto& [id, list] : incoming)
        std::stable_sort(list.begin(), list.end(),
            [](const Edge* a, const Edge* b) { return a->toPort < b->toPort; });
    for (auto& [id, list] : outgoing)
        std::stable_sort(list.begin(), list.end(), [&](const Edge* a, const Edge* b) {
            const DiagramBox& ba = byId.at(a->to)->box;
            const DiagramBox& bb = byId.at(b->to)->box;
            return ba.y + ba.height / 2 < bb.y + bb.height / 2;
        });
    auto slot = [](const DiagramBox& b, std::size_t i, std::size_t n) {
        // Spread over the body, below the header.
        const double top = b.y + kHeader, span = b.height - kHeader;
        return top + span * double(i + 1) / double(n + 1);
    };
    svg << "  <g fill=\"none\" stroke=\"#7a828a\" stroke-width=\"1.6\">\n";
    std::ostringstream arrows;
    for (const Edge& e : project.edges) {
        if (!byId.count(e.from) || !byId.count(e.to))
            continue;
        const DiagramBox& from = byId.at(e.from)->box;
        const DiagramBox& to = byId.at(e.to)->box;
        const auto& outs = outgoing[e.from];
        const auto& ins = incoming[e.to];
        const std::size_t oi = std::size_t(std::find(outs.begin(), outs.end(), &e) - outs.begin());
        const std::size_t ii = std::size_t(std::find(ins.begin(), ins.end(), &e) - ins.begin());
        const double x1 = from.x + from.width, y1 = slot(from, oi, outs.size());
        const double x2 = to.x - kArrow, y2 = slot(to, ii, ins.size());
        // Forward edges bend within their gap (no overshoot); backward ones loop around.
        const double bend = x2 >= x1 ? (x2 - x1) * 0.5 : std::max(60.0, (x1 - x2) * 0.5);
        svg << "    <path d=\"M " << number(x1) << " " << number(y1) << " C " << number(x1 + bend)
            << " " << number(y1) << ", " << number(x2 - bend) << " " << number(y2) << ", "
            << number(x2) << " " << number(y2) << "\"/>\n";
        arrows << "    <path d=\"M " << number(x2 - 1) << " " << number(y2 - 4.5) << " L "
               << number(x2 + kArrow) << " " << number(y2) << " L " << number(x2 - 1) << " "
               << number(y2 + 4.5) << " Z\"/>\n";
    }
    svg << "  </g>\n  <g fill=\"#7a828a\" stroke=\"none\">\n" << arrows.str() << "  </g>\n";

    for (const Placed& p : d.nodes) {
        const DiagramBox& b = p.box;
        const std::string x = number(b.x), y = number(b.y), bw = number(b.width);
        svg << "  <g>\n"
            << "    <title>" << xmlEscaped(nodeTitle(p.record) + " (" + p.record.type + ")")
            << "</title>\n"
            << "    <rect x=\"" << number(b.x + 2) << "\" y=\"" << number(b.y + 3) << "\" width=\""
            << bw << "\" height=\"" << number(b.height)
            << "\" rx=\"8\" fill=\"#000000\" fill-opacity=\"0.10\"/>\n"
            << "    <rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bw << "\" height=\""
            << number(b.height) << "\" rx=\"8\" fill=\"#ffffff\"/>\n"
            << "    <rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bw << "\" height=\""
            << number(kHeader) << "\" rx=\"8\" fill=\"" << p.color << "\"/>\n"
            << "    <rect x=\"" << x << "\" y=\"" << number(b.y + kHeader - 8) << "\" width=\""
            << bw << "\" height=\"8\" fill=\"" << p.color << "\"/>\n"
            << "    <rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bw << "\" height=\""
            << number(b.height) << "\" rx=\"8\" fill=\"none\" stroke=\""
            << (p.error ? "#d32f2f" : "#c8cdd3") << "\" stroke-width=\"" << (p.error ? "2" : "1")
            << "\"/>\n"
            << "    <text x=\"" << number(b.x + kPadX) << "\" y=\"" << number(b.y + 18)
            << "\" font-size=\"" << number(kHeaderFont)
            << "\" font-weight=\"bold\" fill=\"#ffffff\">" << xmlEscaped(p.header) << "</text>\n";
        for (std::size_t i = 0; i < b.lines.size(); ++i) {
            const char* fill = i >= p.errorFrom ? "#c62828" : i == 0 ? "#22262b" : "#5f666d";
            svg << "    <text x=\"" << number(b.x + kPadX) << "\" y=\""
                << number(b.y + kHeader + 17 + kLine * double(i)) << "\" font-size=\""
                << number(kBodyFont) << "\" fill=\"" << fill << "\">" << xmlEscaped(b.lines[i])
                << "</text>\n";
        }
        svg << "  </g>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

void exportDiagramSvg(const Project& project, const std::optional<GraphContext>& context,
    const std::filesystem::path& file, const DiagramOptions& options)
{
    writeFileAtomically(file, diagramSvg(project, context, options));
}

} // namespace engine

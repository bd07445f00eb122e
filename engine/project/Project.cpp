#include "project/Project.h"

#include "project/TrainerStateJson.h"

#include "core/AtomicFile.h"
#include "core/DataFile.h"
#include "core/Errors.h"
#include "core/JsonPath.h"
#include "core/JsonText.h"
#include "layers/LayerRegistry.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <type_traits>

namespace engine {

namespace {

using jsonpath::indexed;
using jsonpath::join;
using jsonpath::prefixed;

/// Matrices up to this many elements are written as readable numbers, larger ones as base64.
constexpr long kMaxPlainElements = 1024;

const std::set<std::string>& knownKeys()
{
    static const std::set<std::string> keys {"format", "version", "name", "description", "nodes",
        "edges", "groups", "dataset", "training", "history", "weights", "trainingState", "runs"};
    return keys;
}

std::string typeName(const nlohmann::json& v)
{
    return std::string(v.type_name()) + " " + v.dump();
}

// --- base64 (RFC 4648, with padding) --------------------------------------------------------

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(const std::vector<unsigned char>& bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < bytes.size()) {
        std::uint32_t v = bytes[i] << 16;
        if (i + 1 < bytes.size())
            v |= bytes[i + 1] << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Returns false on a character outside the alphabet or a bad length. Whitespace is skipped.
bool base64Decode(const std::string& text, std::vector<unsigned char>& out)
{
    static const auto table = [] {
        std::array<int, 256> t {};
        t.fill(-1);
        for (int k = 0; k < 64; ++k)
            t[static_cast<unsigned char>(kAlphabet[k])] = k;
        return t;
    }();
    out.clear();
    out.reserve(text.size() / 4 * 3);
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char ch : text) {
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        if (ch == '=') {
            ++padding;
            continue;
        }
        const int v = table[static_cast<unsigned char>(ch)];
        if (v < 0 || padding > 0)
            return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
        }
    }
    return padding <= 2 && bits < 6;
}

std::uint32_t toLittleEndian(std::uint32_t v)
{
    if constexpr (std::endian::native == std::endian::big)
        v = ((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24);
    return v;
}

// --- matrices -------------------------------------------------------------------------------

/// The double nlohmann should print for a weight: for float, the shortest decimal that reads back
/// as the same float (0.1f is written "0.1", not "0.10000000149011612"), checked, with the exact
/// widened value as the fallback.
[[maybe_unused]] double plainNumber(float f)
{
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
    if (ec == std::errc()) {
        double d = 0;
        const auto parsed = std::from_chars(buf, end, d);
        if (parsed.ec == std::errc() && static_cast<float>(d) == f)
            return d;
    }
    return static_cast<double>(f);
}
[[maybe_unused]] double plainNumber(double d)
{
    return d;
}

nlohmann::json matrixToJson(const Matrix& m)
{
    nlohmann::json j;
    j["shape"] = {m.rows(), m.cols()};
    // nlohmann writes NaN and infinities as null, so such matrices go through base64 too.
    if (m.size() <= kMaxPlainElements && m.allFinite()) {
        auto data = nlohmann::json::array();
        for (Eigen::Index i = 0; i < m.size(); ++i)
            data.push_back(plainNumber(m.data()[i]));
        j["data"] = std::move(data);
        return j;
    }
    std::vector<unsigned char> bytes(static_cast<std::size_t>(m.size()) * 4);
    for (Eigen::Index i = 0; i < m.size(); ++i) {
        const std::uint32_t v
            = toLittleEndian(std::bit_cast<std::uint32_t>(static_cast<float>(m.data()[i])));
        std::memcpy(bytes.data() + 4 * i, &v, 4);
    }
    j["base64"] = base64Encode(bytes);
    return j;
}

Matrix matrixFromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError("",
            "expected an object {\"shape\": [rows, cols], \"data\": [...]}, got " + typeName(j));
    const auto shape = j.find("shape");
    if (shape == j.end())
        throw InputError("shape", "missing");
    const auto isCount = [](const nlohmann::json& v) {
        return v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0);
    };
    if (!shape->is_array() || shape->size() != 2 || !isCount((*shape)[0]) || !isCount((*shape)[1]))
        throw InputError(
            "shape", "expected [rows, cols] of non-negative integers, got " + shape->dump());
    const auto rows = (*shape)[0].get<std::uint64_t>();
    const auto cols = (*shape)[1].get<std::uint64_t>();
    if (rows > (1u << 30) || cols > (1u << 30) || (cols > 0 && rows > (1ull << 34) / cols))
        throw InputError("shape", "too large: " + shape->dump());
    const std::uint64_t n = rows * cols;

    const auto data = j.find("data");
    const auto b64 = j.find("base64");
    if ((data == j.end()) == (b64 == j.end()))
        throw InputError("", "expected exactly one of \"data\" and \"base64\"");
    Matrix m;
    if (data != j.end()) {
        if (!data->is_array())
            throw InputError("data", "expected an array of numbers, got " + typeName(*data));
        if (data->size() != n)
            throw InputError("data",
                "expected " + std::to_string(n) + " numbers for shape " + shape->dump() + ", got "
                    + std::to_string(data->size()));
        m.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
        for (std::size_t i = 0; i < n; ++i) {
            const auto& v = (*data)[i];
            if (!v.is_number())
                throw InputError(
                    "data[" + std::to_string(i) + "]", "expected a number, got " + typeName(v));
            const double d = v.get<double>();
            // Halfway between FLT_MAX and 2^128 and beyond rounds to infinity.
            constexpr double limit = std::is_same_v<Scalar, float>
                ? 0x1.ffffffp+127
                : std::numeric_limits<double>::infinity();
            if (!(std::abs(d) < limit))
                throw InputError(
                    "data[" + std::to_string(i) + "]", "number out of range: " + v.dump());
            m.data()[i] = static_cast<Scalar>(d);
        }
        return m;
    }
    if (!b64->is_string())
        throw InputError("base64", "expected a string, got " + typeName(*b64));
    std::vector<unsigned char> bytes;
    if (!base64Decode(b64->get_ref<const std::string&>(), bytes))
        throw InputError("base64", "not valid base64 text");
    if (bytes.size() != n * 4)
        throw InputError("base64",
            "expected " + std::to_string(n * 4) + " bytes (" + std::to_string(n)
                + " float32 values) for shape " + shape->dump() + ", got "
                + std::to_string(bytes.size()));
    m.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t v;
        std::memcpy(&v, bytes.data() + 4 * i, 4);
        m.data()[i] = static_cast<Scalar>(std::bit_cast<float>(toLittleEndian(v)));
    }
    return m;
}

// --- typed field reads ----------------------------------------------------------------------

const nlohmann::json* field(const nlohmann::json& obj, const char* key)
{
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

std::string readString(
    const nlohmann::json& obj, const char* key, const std::string& where, std::string fallback = {})
{
    const auto* v = field(obj, key);
    if (!v)
        return fallback;
    if (!v->is_string())
        throw InputError(join(where, key), "expected a string, got " + typeName(*v));
    return v->get<std::string>();
}

long long readInt(const nlohmann::json& obj, const char* key, const std::string& where,
    std::optional<long long> fallback, long long min)
{
    const auto* v = field(obj, key);
    if (!v) {
        if (!fallback)
            throw InputError(join(where, key), "missing");
        return *fallback;
    }
    if (!v->is_number_integer() || v->get<long long>() < min)
        throw InputError(join(where, key),
            "expected an integer of at least " + std::to_string(min) + ", got " + typeName(*v));
    return v->get<long long>();
}

NodeRecord nodeFromJson(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_object())
        throw InputError(where,
            "expected a node object {\"id\": 1, \"type\": \"Dense\", ...}, got " + typeName(j));
    NodeRecord n;
    n.id = readInt(j, "id", where, std::nullopt, 0);
    n.type = readString(j, "type", where);
    if (n.type.empty())
        throw InputError(join(where, "type"), field(j, "type") ? "must not be empty" : "missing");
    n.name = readString(j, "name", where);
    if (const auto* pos = field(j, "position")) {
        if (!pos->is_array() || pos->size() != 2 || !(*pos)[0].is_number()
            || !(*pos)[1].is_number())
            throw InputError(
                join(where, "position"), "expected [x, y] of two numbers, got " + typeName(*pos));
        n.x = (*pos)[0].get<double>();
        n.y = (*pos)[1].get<double>();
    }
    if (const auto* attrs = field(j, "attributes")) {
        if (!attrs->is_object())
            throw InputError(
                join(where, "attributes"), "expected an object, got " + typeName(*attrs));
        n.attributes = *attrs;
    }
    return n;
}

Edge edgeFromJson(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_object())
        throw InputError(
            where, "expected an edge object {\"from\": 1, \"to\": 2}, got " + typeName(j));
    Edge e;
    e.from = readInt(j, "from", where, std::nullopt, 0);
    e.fromPort = static_cast<int>(readInt(j, "fromPort", where, 0, 0));
    e.to = readInt(j, "to", where, std::nullopt, 0);
    e.toPort = static_cast<int>(readInt(j, "toPort", where, 0, 0));
    return e;
}

/// The file text: the well-known keys first in reading order, then unknown ones, and the weights
/// last, one node per line rather than one number per line.
std::string formatProject(const nlohmann::json& j)
{
    constexpr auto replace = nlohmann::json::error_handler_t::replace;
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const char* key : {"format", "version", "name", "description", "nodes", "edges", "groups",
             "dataset", "training", "history"})
        if (const auto it = j.find(key); it != j.end())
            out[key] = nlohmann::ordered_json(*it);
    for (const auto& [key, value] : j.items())
        if (!knownKeys().contains(key))
            out[key] = nlohmann::ordered_json(value);
    std::string s = out.dump(2, ' ', false, replace);
    const auto weights = j.find("weights");
    const auto state = j.find("trainingState");
    const bool hasWeights = weights != j.end() && weights->is_object() && !weights->empty();
    const bool hasState = state != j.end() && state->is_object();
    const auto runs = j.find("runs");
    const bool hasRuns = runs != j.end() && runs->is_array() && !runs->empty();
    if (!hasWeights && !hasState && !hasRuns)
        return s + "\n";
    s.pop_back(); // the closing brace
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    s += out.empty() ? "\n" : ",\n";
    // One node per line: a reader scrolls past numbers instead of through them.
    const auto block = [&](const char* key, const nlohmann::json& entries) {
        s += "  \"" + std::string(key) + "\": {\n";
        bool first = true;
        for (const auto& [name, value] : entries.items()) {
            if (!first)
                s += ",\n";
            first = false;
            s += "    " + nlohmann::json(name).dump() + ": " + value.dump(-1, ' ', false, replace);
        }
        s += "\n  }";
    };
    if (hasWeights)
        block("weights", *weights);
    if (hasState) {
        if (hasWeights)
            s += ",\n";
        block("trainingState", *state);
    }
    // One run per line, after the weights: its checkpoints are as long as they are.
    if (hasRuns) {
        if (hasWeights || hasState)
            s += ",\n";
        s += "  \"runs\": [\n";
        for (std::size_t i = 0; i < runs->size(); ++i)
            s += "    " + (*runs)[i].dump(-1, ' ', false, replace)
                + (i + 1 < runs->size() ? ",\n" : "\n");
        s += "  ]";
    }
    s += "\n}\n";
    return s;
}

} // namespace

// --- weights --------------------------------------------------------------------------------

nlohmann::json weightsToJson(const WeightMap& w)
{
    auto j = nlohmann::json::object();
    for (const auto& [id, params] : w) {
        auto node = nlohmann::json::object();
        for (const auto& [name, m] : params)
            node[name] = matrixToJson(m);
        j[std::to_string(id)] = std::move(node);
    }
    return j;
}

WeightMap weightsFromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError(
            "", "expected an object {\"<node id>\": {\"<param>\": {...}}}, got " + typeName(j));
    WeightMap w;
    for (const auto& [key, params] : j.items()) {
        NodeId id = -1;
        std::size_t used = 0;
        try {
            id = std::stoll(key, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != key.size() || id < 0)
            throw InputError(key, "expected a node id (a non-negative integer) as key");
        if (!params.is_object())
            throw InputError(
                key, "expected an object of named parameters, got " + typeName(params));
        auto& node = w[id];
        for (const auto& [name, m] : params.items())
            node[name] = prefixed(key + "." + name, [&value = m] { return matrixFromJson(value); });
    }
    return w;
}

// --- Project --------------------------------------------------------------------------------

Graph Project::buildGraph() const
{
    Graph g;
    std::map<NodeId, std::size_t> seen;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const NodeRecord& n = nodes[i];
        const std::string where = indexed("nodes", i);
        if (n.id < 0)
            throw InputError(
                where + ".id", "expected a non-negative integer, got " + std::to_string(n.id));
        if (const auto it = seen.find(n.id); it != seen.end())
            throw InputError(where + ".id",
                "node id " + std::to_string(n.id) + " is already used by nodes["
                    + std::to_string(it->second) + "]");
        seen.emplace(n.id, i);
        auto layer = LayerRegistry::create(n.type);
        if (!layer)
            throw InputError(where + ".type", "unknown layer type '" + n.type + "'");
        try {
            g.addNode(std::move(layer), n.id, n.name);
        } catch (const std::invalid_argument& e) {
            throw InputError(where, e.what());
        }
        if (!n.attributes.is_null())
            prefixed(where + ".attributes", [&] { g.setAttributes(n.id, n.attributes); });
    }
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge& e = edges[k];
        const std::string where = indexed("edges", k);
        for (NodeId end : {e.from, e.to})
            if (!g.hasNode(end))
                throw InputError(where, "node " + std::to_string(end) + " does not exist");
        try {
            g.connect(e);
        } catch (const std::invalid_argument& ex) {
            throw InputError(where, ex.what());
        }
    }
    return g;
}

void Project::setGraph(const Graph& g)
{
    std::map<NodeId, std::pair<double, double>> positions;
    for (const NodeRecord& n : nodes)
        positions[n.id] = {n.x, n.y};
    std::vector<NodeRecord> records;
    for (NodeId id : g.nodeIds()) {
        NodeRecord r;
        r.id = id;
        r.type = g.layer(id).type();
        r.name = g.name(id);
        if (const auto it = positions.find(id); it != positions.end())
            std::tie(r.x, r.y) = it->second;
        r.attributes = g.layer(id).attributes();
        records.push_back(std::move(r));
    }
    nodes = std::move(records);
    edges = g.edges();
    // Weights of removed nodes would attach to a later node that happens to reuse the id.
    std::erase_if(weights, [&](const auto& entry) { return !g.hasNode(entry.first); });
    const std::vector<NodeId> ids = g.nodeIds();
    pruneGroups(groups, std::set<NodeId>(ids.begin(), ids.end()));
}

nlohmann::json Project::toJson() const
{
    nlohmann::json j = extra.is_object() ? extra : nlohmann::json::object();
    for (const auto& key : knownKeys())
        j.erase(key);
    j["format"] = "netcanvas";
    j["version"] = kFormatVersion;
    j["name"] = name;
    j["description"] = description;
    auto jn = nlohmann::json::array();
    for (const NodeRecord& n : nodes)
        jn.push_back({{"id", n.id}, {"type", n.type}, {"name", n.name}, {"position", {n.x, n.y}},
            {"attributes", n.attributes.is_null() ? nlohmann::json::object() : n.attributes}});
    j["nodes"] = std::move(jn);
    auto je = nlohmann::json::array();
    for (const Edge& e : edges)
        je.push_back(
            {{"from", e.from}, {"fromPort", e.fromPort}, {"to", e.to}, {"toPort", e.toPort}});
    j["edges"] = std::move(je);
    if (!groups.empty()) // files without groups stay as older versions wrote them
        j["groups"] = groupsToJson(groups);
    j["dataset"] = dataset.toJson();
    j["training"] = training.toJson();
    if (!history.empty())
        j["history"] = history.toJson();
    if (!weights.empty())
        j["weights"] = weightsToJson(weights);
    if (trainingState && !weights.empty())
        j["trainingState"] = trainerStateToJson(*trainingState);
    if (!runs.empty())
        j["runs"] = savedRunsToJson(runs, true);
    return j;
}

Project Project::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError(
            "", "expected a NetCanvas project (a JSON object), got " + std::string(j.type_name()));
    const auto* format = field(j, "format");
    if (!format)
        throw InputError("format",
            "missing: this is not a NetCanvas project file "
            "(expected \"format\": \"netcanvas\")");
    if (*format != "netcanvas")
        throw InputError("format",
            "expected \"netcanvas\", got " + format->dump()
                + ": this is not a NetCanvas project file");
    const auto* version = field(j, "version");
    if (!version)
        throw InputError("version", "missing (expected " + std::to_string(kFormatVersion) + ")");
    if (!version->is_number_integer() || version->get<long long>() < 1)
        throw InputError("version", "expected a positive integer, got " + typeName(*version));
    if (version->get<long long>() > kFormatVersion)
        throw InputError("version",
            "made by a newer NetCanvas (version " + std::to_string(version->get<long long>())
                + "); this one reads version " + std::to_string(kFormatVersion));

    Project p;
    p.name = readString(j, "name", "");
    p.description = readString(j, "description", "");
    const auto array = [&](const char* key) -> const nlohmann::json* {
        const auto* v = field(j, key);
        if (v && !v->is_array())
            throw InputError(key, "expected an array, got " + typeName(*v));
        return v;
    };
    if (const auto* nodes = array("nodes"))
        for (std::size_t i = 0; i < nodes->size(); ++i)
            p.nodes.push_back(nodeFromJson((*nodes)[i], indexed("nodes", i)));
    if (const auto* edges = array("edges"))
        for (std::size_t k = 0; k < edges->size(); ++k)
            p.edges.push_back(edgeFromJson((*edges)[k], indexed("edges", k)));
    if (const auto* groups = field(j, "groups")) {
        std::set<NodeId> ids;
        for (const NodeRecord& n : p.nodes)
            ids.insert(n.id);
        p.groups = groupsFromJson(*groups, ids);
    }
    if (const auto* d = field(j, "dataset"))
        p.dataset = prefixed("dataset", [&] { return DatasetSpec::fromJson(*d); });
    if (const auto* t = field(j, "training")) {
        if (!t->is_object())
            throw InputError("training", "expected an object, got " + typeName(*t));
        p.training = prefixed("training", [&] { return TrainingConfig::fromJson(*t); });
    }
    if (const auto* h = field(j, "history"))
        p.history = prefixed("history", [&] { return TrainingHistory::fromJson(*h); });
    if (const auto* w = field(j, "weights"))
        p.weights = prefixed("weights", [&] { return weightsFromJson(*w); });
    if (const auto* t = field(j, "trainingState"))
        p.trainingState = prefixed("trainingState", [&] { return trainerStateFromJson(*t); });
    if (const auto* r = field(j, "runs")) {
        // "runs[1].parent", not "runs.[1].parent".
        try {
            p.runs = savedRunsFromJson(*r);
            checkSavedRunsFit(p.runs, p.weights);
        } catch (const InputError& e) {
            throw InputError("runs" + e.where(), e.message());
        } catch (const nlohmann::json::exception& e) {
            throw InputError("runs", jsonErrorText(e));
        }
    }
    for (const auto& [key, value] : j.items())
        if (!knownKeys().contains(key))
            p.extra[key] = value;

    // Building the graph validates types, attributes and edges the way the canvas will use them.
    p.buildGraph();
    return p;
}

// --- files ----------------------------------------------------------------------------------

Project loadProject(const std::filesystem::path& file)
{
    const std::string fileName = file.string();
    const std::string text = readDataFile(file);

    const nlohmann::json j = parseJsonText(text, fileName);
    try {
        return Project::fromJson(j);
    } catch (const InputError& e) {
        throw InputError(e.where().empty() ? fileName : fileName + ": " + e.where(), e.message());
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fileName, jsonErrorText(e));
    } catch (const std::exception& e) {
        throw InputError(fileName, e.what());
    }
}

std::string projectFileText(const Project& project)
{
    return formatProject(project.toJson());
}

bool saveProject(
    const Project& project, const std::filesystem::path& file, const std::function<bool()>& commit)
{
    return writeFileAtomically(file, projectFileText(project), commit);
}

} // namespace engine

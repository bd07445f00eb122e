#include "document/GraphDocument.h"

#include "data/Autoencoder.h"
#include "data/DatasetLoading.h"
#include "layers/LayerRegistry.h"
#include "project/NodeGroups.h"

#include <QtGlobal>

#include <algorithm>
#include <set>

namespace widgets {

namespace {

// Generators are cheap at this size; only the shapes and class count are used.
constexpr int kContextSamples = 8;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

GraphDocument::GraphDocument(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<engine::Edge>();
    recomputeContext();
    revalidate();
}

GraphDocument::~GraphDocument() = default;

nlohmann::json GraphDocument::toJson() const
{
    return m_project.toJson();
}

const engine::NodeRecord* GraphDocument::node(NodeId id) const
{
    const auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_project.nodes[it->second];
}

engine::NodeRecord* GraphDocument::mutableNode(NodeId id)
{
    const auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_project.nodes[it->second];
}

std::vector<NodeId> GraphDocument::nodeIds() const
{
    std::vector<NodeId> ids;
    ids.reserve(m_project.nodes.size());
    for (const auto& n : m_project.nodes)
        ids.push_back(n.id);
    return ids;
}

int GraphDocument::nodeIndex(NodeId id) const
{
    const auto it = m_index.find(id);
    return it == m_index.end() ? -1 : static_cast<int>(it->second);
}

bool GraphDocument::hasEdge(const Edge& e) const
{
    return edgeIndex(e) >= 0;
}

int GraphDocument::edgeIndex(const Edge& e) const
{
    const auto& edges = m_project.edges;
    const auto it = std::find(edges.begin(), edges.end(), e);
    return it == edges.end() ? -1 : static_cast<int>(it - edges.begin());
}

std::vector<Edge> GraphDocument::edgesOf(NodeId id) const
{
    std::vector<Edge> out;
    for (const auto& e : m_project.edges)
        if (e.from == id || e.to == id)
            out.push_back(e);
    return out;
}

std::vector<Edge> GraphDocument::inEdges(NodeId id) const
{
    std::vector<Edge> out;
    for (const auto& e : m_project.edges)
        if (e.to == id)
            out.push_back(e);
    return out;
}

std::vector<Edge> GraphDocument::outEdges(NodeId id) const
{
    std::vector<Edge> out;
    for (const auto& e : m_project.edges)
        if (e.from == id)
            out.push_back(e);
    return out;
}

QPointF GraphDocument::position(NodeId id) const
{
    const auto* n = node(id);
    return n ? QPointF(n->x, n->y) : QPointF();
}

nlohmann::json GraphDocument::attributes(NodeId id) const
{
    const auto* n = node(id);
    return n ? n->attributes : nlohmann::json::object();
}

QString GraphDocument::nodeType(NodeId id) const
{
    const auto* n = node(id);
    return n ? qs(n->type) : QString();
}

QString GraphDocument::nodeName(NodeId id) const
{
    const auto* n = node(id);
    return n ? qs(n->name) : QString();
}

// --- groups -----------------------------------------------------------------------------------

const engine::NodeGroup* GraphDocument::group(GroupId id) const
{
    const int i = groupIndex(id);
    return i < 0 ? nullptr : &m_project.groups[std::size_t(i)];
}

int GraphDocument::groupIndex(GroupId id) const
{
    const auto& groups = m_project.groups;
    for (std::size_t i = 0; i < groups.size(); ++i)
        if (groups[i].id == id)
            return static_cast<int>(i);
    return -1;
}

GroupId GraphDocument::groupOf(NodeId node) const
{
    for (const auto& g : m_project.groups)
        if (std::find(g.members.begin(), g.members.end(), node) != g.members.end())
            return g.id;
    return -1;
}

bool GraphDocument::isCollapsedMember(NodeId node) const
{
    const auto* g = group(groupOf(node));
    return g && g->collapsed;
}

GroupId GraphDocument::nextGroupId() const
{
    GroupId next = 1;
    for (const auto& g : m_project.groups)
        next = std::max(next, g.id + 1);
    return next;
}

QString GraphDocument::uniqueGroupName() const
{
    std::set<std::string> used;
    for (const auto& g : m_project.groups)
        used.insert(g.name);
    for (int i = 1;; ++i) {
        const QString candidate = QStringLiteral("group_%1").arg(i);
        if (!used.count(candidate.toStdString()))
            return candidate;
    }
}

// --- validation -------------------------------------------------------------------------------

void GraphDocument::setContextOverride(std::optional<engine::GraphContext> context)
{
    m_hasOverride = context.has_value();
    m_contextOverride = std::move(context);
    recomputeContext();
    revalidate();
}

QString GraphDocument::errorsFor(NodeId id) const
{
    return qs(m_check.errorsFor(id));
}

QString GraphDocument::summary(NodeId id) const
{
    const auto it = m_info.find(id);
    return it == m_info.end() ? nodeType(id) : it->second.summary;
}

QString GraphDocument::outputShape(NodeId id) const
{
    const auto it = m_check.shapes.find(id);
    return it == m_check.shapes.end() ? QString() : qs(it->second.toString());
}

long GraphDocument::paramCount(NodeId id) const
{
    const auto it = m_check.paramCounts.find(id);
    return it == m_check.paramCounts.end() ? -1 : it->second;
}

std::pair<int, int> GraphDocument::inputArity(NodeId id) const
{
    const auto it = m_info.find(id);
    return it == m_info.end() ? std::pair {1, 1} : it->second.arity;
}

bool GraphDocument::hasOutput(NodeId id) const
{
    return nodeType(id) != QLatin1String("Loss");
}

std::optional<QString> GraphDocument::connectionProblem(const Edge& e) const
{
    if (!hasNode(e.from) || !hasNode(e.to))
        return tr("Both ends of a connection must be layers.");
    // A throw-away graph of bare layers: connectionProblem() only needs structure and arity.
    engine::Graph g;
    try {
        for (const auto& n : m_project.nodes) {
            auto layer = engine::LayerRegistry::create(n.type);
            if (!layer)
                return tr("Unknown layer type '%1'.").arg(qs(n.type));
            g.addNode(std::move(layer), n.id, n.name);
        }
        for (const auto& edge : m_project.edges)
            g.connect(edge);
        if (auto problem = g.connectionProblem(e))
            return qs(*problem);
    } catch (const std::exception& ex) {
        return qs(ex.what());
    }
    return std::nullopt;
}

GraphDocument::NodeInfo GraphDocument::infoFor(const engine::NodeRecord& record) const
{
    NodeInfo info;
    info.summary = qs(record.type);
    auto layer = engine::LayerRegistry::create(record.type);
    if (!layer)
        return info;
    info.known = true;
    info.arity = layer->inputArity();
    try {
        layer->setAttributes(record.attributes);
    } catch (const std::exception&) {
        // The error is reported by revalidate(); the summary shows the defaults meanwhile.
    }
    try {
        info.summary = qs(layer->summary());
    } catch (const std::exception&) { }
    return info;
}

void GraphDocument::recomputeContext()
{
    m_datasetProblem.clear();
    if (m_hasOverride) {
        m_context = m_contextOverride;
        return;
    }
    m_context.reset();
    const auto& spec = m_project.dataset;
    if (spec.source == "generator") {
        try {
            // A few samples are enough for the shapes; the options (e.g. a sequence's length)
            // decide them too.
            engine::DatasetSpec small = spec;
            small.samples = std::max(kContextSamples, 1);
            const engine::Dataset d = engine::generateDataset(small);
            engine::GraphContext ctx;
            ctx.inputShape = d.inputShape;
            ctx.numClasses = d.task == engine::TaskKind::Classification ? d.numClasses : 0;
            ctx.targetRows = d.targetRows();
            m_context = ctx;
        } catch (const std::exception& ex) {
            m_datasetProblem = qs(ex.what());
        }
    } else if (spec.source == "fashion-mnist" || spec.source == "mnist") {
        // Known without reading the files: 28x28 grey images of 10 classes.
        engine::GraphContext ctx;
        ctx.inputShape = engine::Shape {28, 28, 1};
        ctx.numClasses = std::max(10, int(spec.classNames.size())); // more names: more classes
        ctx.targetRows = 1;
        try {
            if (engine::reconstructionTargetRequested(spec.options, spec.source)) {
                ctx.numClasses = 0; // an autoencoder: the image itself is the target
                ctx.targetRows = ctx.inputShape.size();
            }
        } catch (const std::exception& ex) {
            m_datasetProblem = qs(ex.what());
        }
        m_context = ctx;
    }
}

void GraphDocument::revalidate()
{
    m_info.clear();
    engine::GraphCheck result;
    std::vector<engine::GraphIssue> attributeErrors;
    try {
        engine::Graph g;
        for (const auto& n : m_project.nodes) {
            m_info[n.id] = infoFor(n);
            auto layer = engine::LayerRegistry::create(n.type);
            if (!layer) {
                result.errors.push_back({n.id, "unknown layer type '" + n.type + "'"});
                continue;
            }
            try {
                layer->setAttributes(n.attributes);
            } catch (const engine::InputError& ex) {
                // Keep the node (with its defaults) so that wiring problems still show.
                attributeErrors.push_back({n.id, ex.what()});
            } catch (const std::exception& ex) {
                attributeErrors.push_back({n.id, ex.what()});
            }
            g.addNode(std::move(layer), n.id, n.name);
        }
        if (!result.errors.empty()) {
            m_check = std::move(result);
            emit validationChanged();
            return;
        }
        for (const auto& e : m_project.edges) {
            try {
                g.connect(e);
            } catch (const std::exception& ex) {
                result.errors.push_back({e.to, ex.what()});
            }
        }
        engine::GraphCheck checked = g.check(m_context);
        for (auto& issue : result.errors)
            checked.errors.push_back(std::move(issue));
        for (auto& issue : attributeErrors)
            checked.errors.push_back(std::move(issue));
        result = std::move(checked);
    } catch (const std::exception& ex) {
        result.errors.push_back({-1, ex.what()});
    }
    if (!m_datasetProblem.isEmpty())
        result.errors.push_back({-1, "dataset: " + m_datasetProblem.toStdString()});
    m_check = std::move(result);
    emit validationChanged();
}

// --- helpers ----------------------------------------------------------------------------------

NodeId GraphDocument::nextNodeId() const
{
    NodeId next = 1;
    for (const auto& n : m_project.nodes)
        next = std::max(next, n.id + 1);
    return next;
}

QString GraphDocument::uniqueName(const QString& type) const
{
    const QString base = type.toLower();
    std::set<std::string> used;
    for (const auto& n : m_project.nodes)
        used.insert(n.name);
    for (int i = 1;; ++i) {
        const QString candidate = QStringLiteral("%1_%2").arg(base).arg(i);
        if (!used.count(candidate.toStdString()))
            return candidate;
    }
}

nlohmann::json GraphDocument::selectionToJson(const std::vector<NodeId>& ids) const
{
    const std::set<NodeId> chosen(ids.begin(), ids.end());
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& n : m_project.nodes) {
        if (!chosen.count(n.id))
            continue;
        nodes.push_back({{"id", n.id}, {"type", n.type}, {"name", n.name}, {"position", {n.x, n.y}},
            {"attributes", n.attributes}});
    }
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& e : m_project.edges) {
        if (chosen.count(e.from) && chosen.count(e.to))
            edges.push_back(
                {{"from", e.from}, {"fromPort", e.fromPort}, {"to", e.to}, {"toPort", e.toPort}});
    }
    std::vector<engine::NodeGroup> groups;
    for (const auto& g : m_project.groups)
        if (std::all_of(
                g.members.begin(), g.members.end(), [&](NodeId m) { return chosen.count(m) > 0; }))
            groups.push_back(g);
    return {{"nodes", nodes}, {"edges", edges}, {"groups", engine::groupsToJson(groups)}};
}

std::vector<engine::NodeGroup> GraphDocument::groupsFromFragment(
    const nlohmann::json& j, const std::map<NodeId, NodeId>& remap) const
{
    std::vector<engine::NodeGroup> groups;
    std::set<std::string> names;
    for (const auto& g : m_project.groups)
        names.insert(g.name);
    std::set<NodeId> grouped;
    GroupId next = nextGroupId();
    for (const auto& jg : j) {
        try {
            engine::NodeGroup g;
            for (const auto& m : jg.at("members")) {
                const auto to = remap.find(m.get<NodeId>());
                if (to == remap.end() || !grouped.insert(to->second).second)
                    throw std::invalid_argument("member not pasted or in two groups");
                g.members.push_back(to->second);
            }
            if (g.members.empty())
                continue;
            g.id = next++;
            g.collapsed = jg.value("collapsed", false);
            std::string name = jg.value("name", std::string());
            if (name.empty())
                name = uniqueGroupName().toStdString();
            g.name = name;
            for (int i = 2; names.count(g.name); ++i)
                g.name = name + " " + std::to_string(i);
            names.insert(g.name);
            groups.push_back(std::move(g));
        } catch (const std::exception&) {
            continue; // a malformed group pastes its layers loose
        }
    }
    return groups;
}

GraphFragment GraphDocument::fragmentFromJson(const nlohmann::json& j, QPointF offset) const
{
    GraphFragment fragment;
    if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array())
        return fragment;
    NodeId next = nextNodeId();
    std::map<NodeId, NodeId> remap;
    std::set<std::string> used;
    for (const auto& n : m_project.nodes)
        used.insert(n.name);
    for (const auto& jn : j["nodes"]) {
        try {
            if (!jn.is_object())
                continue;
            const NodeId oldId = jn.at("id").get<NodeId>();
            const std::string type = jn.at("type").get<std::string>();
            if (!engine::LayerRegistry::create(type) || remap.count(oldId))
                continue;
            engine::NodeRecord r;
            r.id = next++;
            r.type = type;
            std::string name = jn.value("name", std::string());
            if (name.empty() || used.count(name)) {
                // "dense_1" pasted becomes the first free "dense_<n>".
                const std::string base = QString::fromStdString(type).toLower().toStdString();
                for (int i = 1;; ++i) {
                    name = base + "_" + std::to_string(i);
                    if (!used.count(name))
                        break;
                }
            }
            used.insert(name);
            r.name = name;
            if (jn.contains("position") && jn["position"].is_array()
                && jn["position"].size() == 2) {
                r.x = jn["position"][0].get<double>() + offset.x();
                r.y = jn["position"][1].get<double>() + offset.y();
            } else {
                r.x = offset.x();
                r.y = offset.y();
            }
            r.attributes = jn.value("attributes", nlohmann::json::object());
            if (!r.attributes.is_object())
                r.attributes = nlohmann::json::object();
            remap[oldId] = r.id;
            fragment.nodes.push_back(std::move(r));
        } catch (const std::exception&) {
            continue;
        }
    }
    if (j.contains("edges") && j["edges"].is_array()) {
        for (const auto& je : j["edges"]) {
            try {
                Edge e;
                e.from = je.at("from").get<NodeId>();
                e.to = je.at("to").get<NodeId>();
                e.fromPort = je.value("fromPort", 0);
                e.toPort = je.value("toPort", 0);
                if (!remap.count(e.from) || !remap.count(e.to))
                    continue;
                e.from = remap[e.from];
                e.to = remap[e.to];
                if (std::find(fragment.edges.begin(), fragment.edges.end(), e)
                    == fragment.edges.end())
                    fragment.edges.push_back(e);
            } catch (const std::exception&) {
                continue;
            }
        }
    }
    if (j.contains("groups") && j["groups"].is_array())
        fragment.groups = groupsFromFragment(j["groups"], remap);
    return fragment;
}

engine::NodeRecord GraphDocument::makeNode(
    const QString& type, const nlohmann::json& attributes, QPointF position) const
{
    engine::NodeRecord r;
    r.id = nextNodeId();
    r.type = type.toStdString();
    r.name = uniqueName(type).toStdString();
    r.x = position.x();
    r.y = position.y();
    nlohmann::json attrs = nlohmann::json::object();
    if (auto layer = engine::LayerRegistry::create(r.type)) {
        try {
            attrs = layer->attributes();
            if (attributes.is_object())
                layer->setAttributes(attributes);
            attrs = layer->attributes();
        } catch (const std::exception&) {
            // An invalid preset is stored as given, so validation shows the problem.
            if (attributes.is_object())
                attrs.update(attributes);
        }
    } else if (attributes.is_object()) {
        attrs = attributes;
    }
    if (!attrs.is_object())
        attrs = nlohmann::json::object();
    r.attributes = attrs;
    return r;
}

// --- mutators ---------------------------------------------------------------------------------

void GraphDocument::reindex()
{
    m_index.clear();
    for (std::size_t i = 0; i < m_project.nodes.size(); ++i)
        m_index[m_project.nodes[i].id] = i;
}

void GraphDocument::insertNode(const engine::NodeRecord& record, int index)
{
    if (hasNode(record.id) || record.id < 0)
        return;
    auto& nodes = m_project.nodes;
    if (index < 0 || index > static_cast<int>(nodes.size()))
        index = static_cast<int>(nodes.size());
    nodes.insert(nodes.begin() + index, record);
    reindex();
    emit nodeAdded(record.id);
    revalidate();
}

void GraphDocument::removeNode(NodeId id)
{
    if (!hasNode(id))
        return;
    auto& edges = m_project.edges;
    for (std::size_t i = edges.size(); i-- > 0;) {
        if (edges[i].from == id || edges[i].to == id) {
            const Edge e = edges[i];
            edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(i));
            emit edgeRemoved(e);
        }
    }
    auto& nodes = m_project.nodes;
    nodes.erase(nodes.begin() + static_cast<std::ptrdiff_t>(m_index[id]));
    reindex();
    const auto groupsBefore = m_project.groups;
    std::set<NodeId> remaining;
    for (const auto& n : nodes)
        remaining.insert(n.id);
    engine::pruneGroups(m_project.groups, remaining);
    emit nodeRemoved(id);
    if (m_project.groups != groupsBefore)
        emit groupsChanged();
    revalidate();
}

void GraphDocument::insertGroup(const engine::NodeGroup& group, int index)
{
    if (group.id < 0 || groupIndex(group.id) >= 0 || group.members.empty())
        return;
    std::set<NodeId> seen;
    for (const NodeId m : group.members)
        if (!hasNode(m) || groupOf(m) >= 0 || !seen.insert(m).second)
            return;
    auto& groups = m_project.groups;
    if (index < 0 || index > static_cast<int>(groups.size()))
        index = static_cast<int>(groups.size());
    groups.insert(groups.begin() + index, group);
    emit groupsChanged();
}

void GraphDocument::removeGroup(GroupId id)
{
    const int i = groupIndex(id);
    if (i < 0)
        return;
    m_project.groups.erase(m_project.groups.begin() + i);
    emit groupsChanged();
}

void GraphDocument::setGroupCollapsed(GroupId id, bool collapsed)
{
    const int i = groupIndex(id);
    if (i < 0 || m_project.groups[std::size_t(i)].collapsed == collapsed)
        return;
    m_project.groups[std::size_t(i)].collapsed = collapsed;
    emit groupsChanged();
}

void GraphDocument::setGroupName(GroupId id, const QString& name)
{
    const int i = groupIndex(id);
    const std::string s = name.toStdString();
    if (i < 0 || m_project.groups[std::size_t(i)].name == s)
        return;
    m_project.groups[std::size_t(i)].name = s;
    emit groupsChanged();
}

void GraphDocument::setGroups(std::vector<engine::NodeGroup> groups)
{
    std::set<NodeId> ids;
    for (const auto& n : m_project.nodes)
        ids.insert(n.id);
    engine::pruneGroups(groups, ids);
    if (groups == m_project.groups)
        return;
    m_project.groups = std::move(groups);
    emit groupsChanged();
}

void GraphDocument::addEdge(const Edge& e, int index)
{
    if (hasEdge(e) || !hasNode(e.from) || !hasNode(e.to))
        return;
    auto& edges = m_project.edges;
    if (index < 0 || index > static_cast<int>(edges.size()))
        index = static_cast<int>(edges.size());
    edges.insert(edges.begin() + index, e);
    emit edgeAdded(e);
    revalidate();
}

void GraphDocument::removeEdge(const Edge& e)
{
    const int i = edgeIndex(e);
    if (i < 0)
        return;
    m_project.edges.erase(m_project.edges.begin() + i);
    emit edgeRemoved(e);
    revalidate();
}

void GraphDocument::setPosition(NodeId id, QPointF pos)
{
    auto* n = mutableNode(id);
    if (!n || (n->x == pos.x() && n->y == pos.y()))
        return;
    n->x = pos.x();
    n->y = pos.y();
    emit nodeMoved(id);
}

void GraphDocument::setPositions(const std::map<NodeId, QPointF>& positions)
{
    emit movesStarted();
    for (const auto& [id, pos] : positions)
        setPosition(id, pos);
    emit movesFinished();
}

void GraphDocument::setAttributes(NodeId id, const nlohmann::json& attributes)
{
    auto* n = mutableNode(id);
    if (!n || n->attributes == attributes)
        return;
    n->attributes = attributes;
    // Revalidate first so that views reading summary()/shapes in the slot see the new values.
    revalidate();
    emit attributesChanged(id);
}

void GraphDocument::setNodeName(NodeId id, const QString& name)
{
    auto* n = mutableNode(id);
    const std::string s = name.toStdString();
    if (!n || n->name == s)
        return;
    n->name = s;
    revalidate(); // messages quote node names
    emit attributesChanged(id);
}

void GraphDocument::setDatasetSpec(const engine::DatasetSpec& spec)
{
    if (spec.toJson() == m_project.dataset.toJson())
        return;
    m_project.dataset = spec;
    recomputeContext();
    revalidate();
    emit settingsChanged();
}

void GraphDocument::setTrainingConfig(const engine::TrainingConfig& config)
{
    if (config.toJson() == m_project.training.toJson())
        return;
    m_project.training = config;
    emit settingsChanged();
}

void GraphDocument::setWeights(engine::WeightMap weights, engine::TrainingHistory history,
    std::optional<engine::TrainerState> state)
{
    m_project.weights = std::move(weights);
    m_project.history = std::move(history);
    m_project.trainingState = std::move(state);
    emit weightsChanged();
}

void GraphDocument::setProjectInfo(const QString& name, const QString& description)
{
    const std::string n = name.toStdString();
    const std::string d = description.toStdString();
    if (n == m_project.name && d == m_project.description)
        return;
    m_project.name = n;
    m_project.description = d;
    emit settingsChanged();
}

void GraphDocument::load(engine::Project project)
{
    m_project = std::move(project);
    reindex();
    recomputeContext();
    revalidate();
    emit reset();
}

void GraphDocument::clear()
{
    load(engine::Project {});
}

} // namespace widgets

#include "graph/Graph.h"

#include "graph/Loss.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>
#include <sstream>
#include <stdexcept>

namespace engine {

struct Graph::Node {
    NodeId id = -1;
    std::string name;
    std::unique_ptr<Layer> layer;

    // Execution state, valid after compile().
    std::vector<Node*> inputs;
    Matrix out;
    /// The output of the last forward(): &out, or for a layer that passes its input's values
    /// through (Layer::passesValuesThrough), that input's output.
    const Matrix* value = &out;
    Matrix grad;
    bool executed = false;
    bool needsGrad = false; ///< dL/d(out) is needed: this node or an ancestor has params
    bool gradValid = false; ///< grad holds this backward pass's dL/d(out)
};

namespace {

bool isInput(const Layer& l)
{
    return l.type() == "Input";
}
bool isLoss(const Layer& l)
{
    return l.type() == "Loss";
}

std::string defaultNamePrefix(const std::string& type)
{
    std::string s;
    for (char c : type)
        s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

long GraphCheck::totalParams() const
{
    long n = 0;
    for (const auto& [id, count] : paramCounts)
        n += count;
    return n;
}

std::string GraphCheck::errorsFor(NodeId node) const
{
    std::string s;
    for (const auto& e : errors)
        if (e.node == node)
            s += (s.empty() ? "" : "\n") + e.message;
    return s;
}

std::string GraphCheck::summary() const
{
    std::string s;
    for (const auto& e : errors)
        s += (s.empty() ? "" : "\n") + e.message;
    return s;
}

Graph::Graph() = default;
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;

Graph::Node& Graph::node(NodeId id)
{
    auto it = m_byId.find(id);
    if (it == m_byId.end())
        throw std::invalid_argument("node " + std::to_string(id) + " does not exist");
    return *it->second;
}

const Graph::Node& Graph::node(NodeId id) const
{
    return const_cast<Graph*>(this)->node(id);
}

NodeId Graph::addNode(std::unique_ptr<Layer> layer, NodeId id, std::string name)
{
    if (!layer)
        throw std::invalid_argument("addNode: no layer");
    if (id < 0)
        id = m_nextId;
    if (m_byId.count(id))
        throw std::invalid_argument("node id " + std::to_string(id) + " is used twice");
    m_nextId = std::max(m_nextId, id + 1);
    if (name.empty()) {
        const std::string prefix = defaultNamePrefix(layer->type());
        std::set<std::string> used;
        for (const auto& n : m_nodes)
            used.insert(n->name);
        for (int i = 1; name.empty() || used.count(name); ++i)
            name = prefix + "_" + std::to_string(i);
    }
    auto n = std::make_unique<Node>();
    n->id = id;
    n->name = std::move(name);
    n->layer = std::move(layer);
    m_byId[id] = n.get();
    m_nodes.push_back(std::move(n));
    invalidate();
    return id;
}

void Graph::removeNode(NodeId id)
{
    node(id);
    std::erase_if(m_edges, [id](const Edge& e) { return e.from == id || e.to == id; });
    std::erase_if(m_nodes, [id](const auto& n) { return n->id == id; });
    m_byId.erase(id);
    invalidate();
}

bool Graph::hasNode(NodeId id) const
{
    return m_byId.count(id) > 0;
}

std::vector<NodeId> Graph::nodeIds() const
{
    std::vector<NodeId> ids;
    for (const auto& n : m_nodes)
        ids.push_back(n->id);
    return ids;
}

Layer& Graph::layer(NodeId id)
{
    return *node(id).layer;
}
const Layer& Graph::layer(NodeId id) const
{
    return *node(id).layer;
}
const std::string& Graph::name(NodeId id) const
{
    return node(id).name;
}
void Graph::setName(NodeId id, std::string name)
{
    node(id).name = std::move(name);
}

void Graph::setAttributes(NodeId id, const nlohmann::json& attrs)
{
    node(id).layer->setAttributes(attrs);
    invalidate();
}

void Graph::connect(const Edge& e)
{
    if (!hasNode(e.from))
        throw std::invalid_argument("node " + std::to_string(e.from) + " does not exist");
    if (!hasNode(e.to))
        throw std::invalid_argument("node " + std::to_string(e.to) + " does not exist");
    if (std::find(m_edges.begin(), m_edges.end(), e) != m_edges.end())
        throw std::invalid_argument("the connection " + std::to_string(e.from) + " -> "
            + std::to_string(e.to) + " exists already");
    m_edges.push_back(e);
    invalidate();
}

void Graph::disconnect(const Edge& e)
{
    std::erase(m_edges, e);
    invalidate();
}

std::vector<NodeId> Graph::inputsOf(NodeId id) const
{
    std::vector<const Edge*> in;
    for (const auto& e : m_edges)
        if (e.to == id)
            in.push_back(&e);
    std::stable_sort(
        in.begin(), in.end(), [](const Edge* a, const Edge* b) { return a->toPort < b->toPort; });
    std::vector<NodeId> ids;
    for (const Edge* e : in)
        ids.push_back(e->from);
    return ids;
}

bool Graph::wouldCreateCycle(NodeId from, NodeId to) const
{
    if (from == to)
        return true;
    // A cycle appears iff `from` is reachable from `to`.
    std::vector<NodeId> stack {to};
    std::set<NodeId> seen {to};
    while (!stack.empty()) {
        const NodeId n = stack.back();
        stack.pop_back();
        for (const auto& e : m_edges)
            if (e.from == n && seen.insert(e.to).second) {
                if (e.to == from)
                    return true;
                stack.push_back(e.to);
            }
    }
    return false;
}

std::optional<std::string> Graph::connectionProblem(const Edge& e) const
{
    if (!hasNode(e.from) || !hasNode(e.to))
        return "both ends must be layers";
    if (e.from == e.to)
        return "a layer cannot feed itself";
    const Layer& src = layer(e.from);
    const Layer& dst = layer(e.to);
    if (isLoss(src))
        return "the Loss node is the end of the network: it has no output";
    if (dst.inputArity().second == 0)
        return dst.type() + " takes no inputs";
    for (const auto& existing : m_edges) {
        if (existing.from == e.from && existing.to == e.to)
            return "these layers are already connected";
    }
    if (wouldCreateCycle(e.from, e.to))
        return "this connection would create a cycle";
    const auto current = inputsOf(e.to).size();
    if (dst.inputArity().second > 0 && long(current) >= dst.inputArity().second)
        return "'" + name(e.to) + "' takes " + std::to_string(dst.inputArity().second)
            + (dst.inputArity().second == 1 ? " input" : " inputs") + " and is already connected";
    return std::nullopt;
}

GraphCheck Graph::check(const std::optional<GraphContext>& context) const
{
    GraphCheck c;
    auto error = [&c](NodeId n, std::string msg) { c.errors.push_back({n, std::move(msg)}); };
    auto quoted = [this](NodeId n) { return "'" + name(n) + "'"; };

    for (const auto& n : m_nodes) {
        if (isInput(*n->layer)) {
            if (c.inputNode < 0)
                c.inputNode = n->id;
            else
                error(n->id,
                    "only one Input node is supported; " + quoted(c.inputNode)
                        + " is already the input");
        }
        if (isLoss(*n->layer)) {
            if (c.lossNode < 0)
                c.lossNode = n->id;
            else
                error(n->id,
                    "only one Loss node is supported; " + quoted(c.lossNode)
                        + " is already the loss");
        }
    }
    if (c.inputNode < 0)
        error(-1, "the network has no Input node");
    if (c.lossNode < 0)
        error(-1, "missing loss: connect the output layer to a Loss node");

    // Arity.
    std::map<NodeId, std::vector<NodeId>> inputs;
    for (const auto& n : m_nodes) {
        inputs[n->id] = inputsOf(n->id);
        const auto [lo, hi] = n->layer->inputArity();
        const long count = long(inputs[n->id].size());
        if (count < lo) {
            if (count == 0)
                error(n->id,
                    "unconnected input: " + quoted(n->id) + " (" + n->layer->type() + ") needs "
                        + (lo == 1 ? "an input" : std::to_string(lo) + " inputs"));
            else
                error(n->id,
                    quoted(n->id) + " needs at least " + std::to_string(lo) + " inputs, has "
                        + std::to_string(count));
        } else if (hi >= 0 && count > hi) {
            error(n->id,
                quoted(n->id) + " takes " + std::to_string(hi) + " input" + (hi == 1 ? "" : "s")
                    + " but has " + std::to_string(count));
        }
    }
    for (const auto& e : m_edges)
        if (hasNode(e.from) && isLoss(layer(e.from)))
            error(e.from, "the Loss node cannot feed other layers");

    // Topological order (Kahn); whatever remains sits on a cycle.
    std::map<NodeId, int> indegree;
    for (const auto& n : m_nodes)
        indegree[n->id] = int(inputs[n->id].size());
    std::deque<NodeId> ready;
    for (const auto& n : m_nodes)
        if (indegree[n->id] == 0)
            ready.push_back(n->id);
    while (!ready.empty()) {
        const NodeId n = ready.front();
        ready.pop_front();
        c.order.push_back(n);
        for (const auto& e : m_edges)
            if (e.from == n && --indegree[e.to] == 0)
                ready.push_back(e.to);
    }
    if (c.order.size() != m_nodes.size()) {
        for (const auto& n : m_nodes)
            if (indegree[n->id] > 0)
                error(n->id, quoted(n->id) + " is part of a cycle: data must flow one way");
        c.order.clear();
        return c;
    }

    // Shapes, in order; a node whose inputs have no shape is skipped (the cause is upstream).
    for (NodeId id : c.order) {
        const Layer& l = layer(id);
        if (isInput(l)) {
            const Shape declared = l.declaredShape();
            if (context && !context->inputShape.empty()) {
                if (!declared.empty() && declared.size() != context->inputShape.size())
                    error(id,
                        "Input shape " + declared.toString() + " does not match the dataset's "
                            + context->inputShape.toString());
                else
                    c.shapes[id] = declared.empty() ? context->inputShape : declared;
            } else if (!declared.empty()) {
                c.shapes[id] = declared;
            } else {
                c.warnings.push_back({id, "the input shape comes from the dataset"});
            }
            continue;
        }
        std::vector<Shape> inShapes;
        bool known = !inputs[id].empty();
        for (NodeId in : inputs[id]) {
            auto it = c.shapes.find(in);
            if (it == c.shapes.end()) {
                known = false;
                break;
            }
            inShapes.push_back(it->second);
        }
        if (!known)
            continue;
        try {
            c.shapes[id] = l.outputShape(inShapes);
            if (long p = l.paramCountFor(inShapes))
                c.paramCounts[id] = p;
            if (const auto work = l.weightWorkFor(inShapes))
                c.weightWork[id] = *work;
        } catch (const ShapeError& e) {
            error(id, e.what());
        }
    }

    for (NodeId id : c.order) {
        const auto& in = inputs[id];
        if (c.paramCounts.count(id) || std::any_of(in.begin(), in.end(), [&](NodeId i) {
                return c.gradientNodes.count(i);
            }))
            c.gradientNodes.insert(id);
    }
    c.inputs = inputs;

    if (c.lossNode >= 0) {
        const auto& in = inputs[c.lossNode];
        if (in.size() == 1)
            c.outputNode = in.front();
        auto it = c.shapes.find(c.lossNode);
        if (context && it != c.shapes.end()) {
            const std::string lossName
                = layer(c.lossNode).attributes().value("loss", std::string());
            if (auto loss = Loss::create(lossName)) {
                if (auto problem = loss->checkOutput(
                        it->second.size(), context->numClasses, context->targetRows))
                    error(c.lossNode, *problem);
            }
        }
        // Nodes that do not lead to the loss are not trained; say so without failing.
        std::set<NodeId> ancestors {c.lossNode};
        for (auto it2 = c.order.rbegin(); it2 != c.order.rend(); ++it2)
            if (ancestors.count(*it2))
                for (NodeId in2 : inputs[*it2])
                    ancestors.insert(in2);
        for (const auto& n : m_nodes)
            if (!ancestors.count(n->id))
                c.warnings.push_back(
                    {n->id, quoted(n->id) + " does not lead to the Loss node and is not trained"});
    }
    return c;
}

void Graph::compile(const GraphContext& context, std::uint64_t seed)
{
    GraphCheck c = check(context);
    if (!c.ok())
        throw ShapeError(c.summary());
    if (c.outputNode < 0)
        throw ShapeError("the Loss node has no input");

    // Execute only the ancestors of the prediction.
    std::set<NodeId> needed {c.outputNode};
    for (auto it = c.order.rbegin(); it != c.order.rend(); ++it)
        if (needed.count(*it))
            for (NodeId in : inputsOf(*it))
                needed.insert(in);
    m_execOrder.clear();
    for (const auto& n : m_nodes) {
        n->executed = false;
        n->value = &n->out; // not another forward()'s input
    }
    m_input = nullptr;
    for (NodeId id : c.order) {
        if (!needed.count(id))
            continue;
        Node& n = node(id);
        n.executed = true;
        n.inputs.clear();
        std::vector<Shape> inShapes;
        for (NodeId in : inputsOf(id)) {
            n.inputs.push_back(&node(in));
            inShapes.push_back(c.shapes.at(in));
        }
        Rng rng(Rng::derive(seed, std::uint64_t(id)));
        n.layer->build(inShapes, rng);
        n.needsGrad = !n.layer->params().empty();
        for (Node* in : n.inputs)
            n.needsGrad = n.needsGrad || in->needsGrad;
        m_execOrder.push_back(id);
    }
    m_check = std::move(c);
    m_compiled = true;
}

const Matrix& Graph::forward(const Matrix& x, Mode mode)
{
    if (!m_compiled)
        throw std::logic_error("Graph::forward before compile()");
    const Shape& inShape = m_check.shapes.at(m_check.inputNode);
    if (x.rows() != inShape.size())
        throw ShapeError("the input has " + std::to_string(x.rows())
            + " features per sample, the network expects " + inShape.toString());
    m_input = &x;
    std::vector<const Matrix*> ins;
    for (NodeId id : m_execOrder) {
        Node& n = node(id);
        if (isInput(*n.layer))
            continue;
        ins.clear();
        for (Node* in : n.inputs)
            ins.push_back(isInput(*in->layer) ? m_input : in->value);
        // A flatten of the input was 1 % of the MLP's inference, copying 784 values a sample.
        if (n.layer->passesValuesThrough() && ins.size() == 1) {
            n.value = ins[0];
            continue;
        }
        n.layer->forward(ins, n.out, mode);
        n.value = &n.out;
    }
    const Node& out = node(m_check.outputNode);
    return isInput(*out.layer) ? *m_input : *out.value;
}

void Graph::backward(const Matrix& gradPred)
{
    if (!m_compiled || !m_input)
        throw std::logic_error("Graph::backward before forward()");
    for (NodeId id : m_execOrder)
        node(id).gradValid = false;
    Node& outNode = node(m_check.outputNode);
    outNode.grad = gradPred;
    outNode.gradValid = true;

    std::vector<const Matrix*> ins;
    std::vector<Matrix*> gradIns;
    std::vector<Matrix> scratch;
    for (auto it = m_execOrder.rbegin(); it != m_execOrder.rend(); ++it) {
        Node& n = node(*it);
        if (!n.gradValid || !n.needsGrad || isInput(*n.layer))
            continue;
        ins.clear();
        gradIns.assign(n.inputs.size(), nullptr);
        scratch.resize(n.inputs.size());
        std::vector<bool> accumulate(n.inputs.size(), false);
        for (std::size_t i = 0; i < n.inputs.size(); ++i) {
            Node* in = n.inputs[i];
            ins.push_back(isInput(*in->layer) ? m_input : in->value);
            if (!in->needsGrad)
                continue;
            const bool taken = in->gradValid
                || std::find(n.inputs.begin(), n.inputs.begin() + long(i), in)
                    != n.inputs.begin() + long(i);
            accumulate[i] = taken;
            gradIns[i] = taken ? &scratch[i] : &in->grad;
        }
        n.layer->backward(ins, *n.value, n.grad, gradIns);
        for (std::size_t i = 0; i < n.inputs.size(); ++i) {
            if (!gradIns[i])
                continue;
            Node* in = n.inputs[i];
            if (accumulate[i])
                in->grad += scratch[i];
            in->gradValid = true;
        }
    }
}

std::vector<Param> Graph::params()
{
    std::vector<Param> p;
    for (NodeId id : m_execOrder)
        for (Param& q : node(id).layer->params())
            if (q.trainable)
                p.push_back(q);
    return p;
}

std::vector<std::pair<NodeId, Param>> Graph::nodeParams()
{
    std::vector<std::pair<NodeId, Param>> p;
    for (NodeId id : m_execOrder)
        for (Param& q : node(id).layer->params())
            if (q.trainable)
                p.emplace_back(id, q);
    return p;
}

const Matrix& Graph::output(NodeId id) const
{
    const Node& n = node(id);
    if (isInput(*n.layer) && m_input)
        return *m_input;
    return *n.value;
}

const Matrix* Graph::outputGradient(NodeId id) const
{
    const Node& n = node(id);
    return n.gradValid ? &n.grad : nullptr;
}

std::string Graph::lossType() const
{
    if (m_check.lossNode < 0)
        return {};
    return layer(m_check.lossNode).attributes().value("loss", std::string());
}

std::map<NodeId, std::map<std::string, Matrix>> Graph::weights() const
{
    std::map<NodeId, std::map<std::string, Matrix>> w;
    for (NodeId id : m_execOrder)
        for (const Param& p : node(id).layer->params())
            w[id][p.name] = *p.value;
    return w;
}

void Graph::setWeights(const std::map<NodeId, std::map<std::string, Matrix>>& w, bool requireAll)
{
    auto where = [](NodeId id, const std::string& name) {
        return "weights." + std::to_string(id) + "." + name;
    };
    auto dims
        = [](const Matrix& m) { return std::to_string(m.rows()) + "x" + std::to_string(m.cols()); };
    // Validate everything first so a bad entry changes nothing.
    for (const auto& [id, params] : w) {
        if (!hasNode(id) || !node(id).executed)
            throw InputError(
                "weights." + std::to_string(id), "no trained layer with this id in the network");
        auto layerParams = node(id).layer->params();
        for (const auto& [name, value] : params) {
            auto it = std::find_if(layerParams.begin(), layerParams.end(),
                [&paramName = name](const Param& p) { return p.name == paramName; });
            if (it == layerParams.end())
                throw InputError(where(id, name),
                    "layer '" + node(id).name + "' has no parameter '" + name + "'");
            if (it->value->rows() != value.rows() || it->value->cols() != value.cols())
                throw InputError(
                    where(id, name), "expected " + dims(*it->value) + ", got " + dims(value));
            if (!value.allFinite())
                throw InputError(where(id, name), "contains NaN or infinite values");
        }
    }
    if (requireAll)
        for (NodeId id : m_execOrder)
            for (const Param& p : node(id).layer->params()) {
                auto it = w.find(id);
                if (it == w.end() || !it->second.count(p.name))
                    throw InputError(where(id, p.name), "missing");
            }
    for (const auto& [id, params] : w) {
        auto layerParams = node(id).layer->params();
        for (const auto& [name, value] : params)
            for (Param& p : layerParams)
                if (p.name == name)
                    *p.value = value;
    }
}

int Graph::setMatchingWeights(const std::map<NodeId, std::map<std::string, Matrix>>& w)
{
    int loaded = 0;
    for (const auto& [id, params] : w) {
        if (!hasNode(id))
            continue;
        try {
            setWeights({{id, params}}, false);
            ++loaded;
        } catch (const InputError&) {
            // A stale entry: setWeights() changed nothing.
        }
    }
    return loaded;
}

std::map<NodeId, std::string> Graph::randomStates() const
{
    std::map<NodeId, std::string> states;
    for (NodeId id : m_execOrder)
        if (std::string s = node(id).layer->randomState(); !s.empty())
            states.emplace(id, std::move(s));
    return states;
}

std::vector<NodeId> Graph::setRandomStates(const std::map<NodeId, std::string>& states)
{
    std::vector<NodeId> rejected;
    for (const auto& [id, state] : states) {
        if (!hasNode(id) || node(id).layer->randomState().empty())
            continue;
        if (!node(id).layer->setRandomState(state))
            rejected.push_back(id);
    }
    return rejected;
}

} // namespace engine

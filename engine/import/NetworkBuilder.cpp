#include "import/NetworkBuilder.h"

#include <algorithm>

namespace engine::onnximport {

NodeId NetworkBuilder::add(const std::string& type, const std::string& name,
    nlohmann::json attributes, const std::vector<NodeId>& inputs)
{
    std::string unique = name.empty() ? type : name;
    for (int i = 2; m_names.count(unique); ++i)
        unique = (name.empty() ? type : name) + " " + std::to_string(i);
    m_names.insert(unique);
    NodeRecord r;
    r.id = m_next++;
    r.type = type;
    r.name = unique;
    r.attributes = std::move(attributes);
    m_project.nodes.push_back(r);
    for (std::size_t port = 0; port < inputs.size(); ++port)
        m_project.edges.push_back({inputs[port], 0, r.id, int(port)});
    return r.id;
}

void NetworkBuilder::setWeight(NodeId node, const std::string& param, Matrix value)
{
    m_project.weights[node][param] = std::move(value);
}

NodeRecord& NetworkBuilder::node(NodeId id)
{
    return *std::find_if(m_project.nodes.begin(), m_project.nodes.end(),
        [id](const NodeRecord& n) { return n.id == id; });
}

std::vector<NodeId> NetworkBuilder::inputsOf(NodeId id) const
{
    std::vector<Edge> in;
    for (const Edge& e : m_project.edges)
        if (e.to == id)
            in.push_back(e);
    std::sort(
        in.begin(), in.end(), [](const Edge& a, const Edge& b) { return a.toPort < b.toPort; });
    std::vector<NodeId> ids;
    for (const Edge& e : in)
        ids.push_back(e.from);
    return ids;
}

int NetworkBuilder::consumerCount(NodeId id) const
{
    return int(std::count_if(m_project.edges.begin(), m_project.edges.end(),
        [id](const Edge& e) { return e.from == id; }));
}

void NetworkBuilder::bypass(NodeId id)
{
    const NodeId source = inputsOf(id).at(0);
    auto& edges = m_project.edges;
    edges.erase(
        std::remove_if(edges.begin(), edges.end(), [id](const Edge& e) { return e.to == id; }),
        edges.end());
    for (Edge& e : edges)
        if (e.from == id)
            e.from = source;
    auto& nodes = m_project.nodes;
    nodes.erase(std::remove_if(
                    nodes.begin(), nodes.end(), [id](const NodeRecord& n) { return n.id == id; }),
        nodes.end());
    m_project.weights.erase(id);
}

} // namespace engine::onnximport

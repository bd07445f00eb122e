#pragma once
// Writes the imported network into a Project: nodes with unique card names, edges in input
// order, and the weights of each node.

#include "project/Project.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace engine::onnximport {

class NetworkBuilder {
public:
    /// Adds a node fed by `inputs` (port order) and returns its id. `name` becomes the card's
    /// name, made unique with " 2", " 3", ...
    NodeId add(const std::string& type, const std::string& name, nlohmann::json attributes,
        const std::vector<NodeId>& inputs);
    void setWeight(NodeId node, const std::string& param, Matrix value);
    NodeRecord& node(NodeId id);
    /// The ids feeding `id`, in port order.
    std::vector<NodeId> inputsOf(NodeId id) const;
    /// Nodes reading `id`'s output.
    int consumerCount(NodeId id) const;
    /// Removes a node with one input, connecting its consumers to that input instead.
    void bypass(NodeId id);

    Project& project() { return m_project; }

private:
    Project m_project;
    std::set<std::string> m_names;
    NodeId m_next = 1;
};

} // namespace engine::onnximport

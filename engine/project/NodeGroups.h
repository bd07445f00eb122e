#pragma once
// Groups of cards in a project file (docs/project-format.md, "groups"): a named set of nodes the
// canvas can draw as one collapsible block (a ResNet stage, an encoder). They are view data:
// the engine never needs them to build or train a graph.

#include "core/Types.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace engine {

using GroupId = std::int64_t;

struct NodeGroup {
    GroupId id = -1;
    std::string name;
    std::vector<NodeId> members; ///< in the order the file lists them, each in one group only
    bool collapsed = false; ///< drawn as one card instead of a frame around its members
    bool operator==(const NodeGroup&) const = default;
};

/// [{"id":1,"name":"stage 1","members":[2,3],"collapsed":true}, ...]
nlohmann::json groupsToJson(const std::vector<NodeGroup>& groups);

/// Reads and validates the "groups" array against the project's node ids. Throws InputError
/// whose where() names the place, e.g. "groups[1].members[2]" ("node 9 does not exist"), for a
/// wrong type, a duplicate group id, an unknown node, a node listed twice (in one group or two) or
/// a group without members.
std::vector<NodeGroup> groupsFromJson(const nlohmann::json& j, const std::set<NodeId>& nodeIds);

/// Removes the nodes not in `nodeIds` from every group, then the groups left without members.
void pruneGroups(std::vector<NodeGroup>& groups, const std::set<NodeId>& nodeIds);

} // namespace engine

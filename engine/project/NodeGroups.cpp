#include "project/NodeGroups.h"

#include "core/Errors.h"
#include "core/JsonPath.h"

#include <algorithm>
#include <map>

namespace engine {

namespace {

std::string shown(const nlohmann::json& v)
{
    return std::string(v.type_name()) + " " + v.dump();
}

} // namespace

nlohmann::json groupsToJson(const std::vector<NodeGroup>& groups)
{
    auto j = nlohmann::json::array();
    for (const NodeGroup& g : groups)
        j.push_back(
            {{"id", g.id}, {"name", g.name}, {"members", g.members}, {"collapsed", g.collapsed}});
    return j;
}

std::vector<NodeGroup> groupsFromJson(const nlohmann::json& j, const std::set<NodeId>& nodeIds)
{
    if (!j.is_array())
        throw InputError("groups",
            "expected an array of groups [{\"id\": 1, \"name\": \"...\", \"members\": [2, 3]}], "
            "got "
                + shown(j));
    std::vector<NodeGroup> groups;
    std::map<GroupId, std::size_t> seenIds;
    std::map<NodeId, std::size_t> owner; // node -> index of the group listing it
    for (std::size_t i = 0; i < j.size(); ++i) {
        const nlohmann::json& jg = j[i];
        const std::string where = "groups[" + std::to_string(i) + "]";
        if (!jg.is_object())
            throw InputError(where, "expected a group object, got " + shown(jg));
        NodeGroup g;
        const auto id = jg.find("id");
        if (id == jg.end())
            throw InputError(where + ".id", "missing");
        if (!id->is_number_integer() || id->get<long long>() < 0)
            throw InputError(where + ".id", "expected a non-negative integer, got " + shown(*id));
        g.id = id->get<GroupId>();
        if (const auto it = seenIds.find(g.id); it != seenIds.end())
            throw InputError(where + ".id",
                "group id " + std::to_string(g.id) + " is already used by groups["
                    + std::to_string(it->second) + "]");
        seenIds.emplace(g.id, i);
        if (const auto name = jg.find("name"); name != jg.end()) {
            if (!name->is_string())
                throw InputError(where + ".name", "expected a string, got " + shown(*name));
            g.name = name->get<std::string>();
        }
        if (const auto collapsed = jg.find("collapsed"); collapsed != jg.end()) {
            if (!collapsed->is_boolean())
                throw InputError(
                    where + ".collapsed", "expected true or false, got " + shown(*collapsed));
            g.collapsed = collapsed->get<bool>();
        }
        const auto members = jg.find("members");
        if (members == jg.end())
            throw InputError(where + ".members", "missing");
        if (!members->is_array() || members->empty())
            throw InputError(where + ".members",
                "expected a non-empty array of node ids, got " + shown(*members));
        for (std::size_t k = 0; k < members->size(); ++k) {
            const nlohmann::json& m = (*members)[k];
            const std::string at = where + ".members[" + std::to_string(k) + "]";
            if (!m.is_number_integer())
                throw InputError(at, "expected a node id (an integer), got " + shown(m));
            const NodeId node = m.get<NodeId>();
            if (!nodeIds.count(node))
                throw InputError(at, "node " + std::to_string(node) + " does not exist");
            if (const auto it = owner.find(node); it != owner.end())
                throw InputError(at,
                    "node " + std::to_string(node) + " is already a member of "
                        + (it->second == i ? std::string("this group")
                                           : "groups[" + std::to_string(it->second) + "]"));
            owner.emplace(node, i);
            g.members.push_back(node);
        }
        groups.push_back(std::move(g));
    }
    return groups;
}

void pruneGroups(std::vector<NodeGroup>& groups, const std::set<NodeId>& nodeIds)
{
    for (NodeGroup& g : groups)
        std::erase_if(g.members, [&nodeIds](NodeId id) { return !nodeIds.count(id); });
    std::erase_if(groups, [](const NodeGroup& g) { return g.members.empty(); });
}

} // namespace engine

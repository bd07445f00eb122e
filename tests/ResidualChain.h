#pragma once
// A large graph for layout tests and the canvas bench: an input, a stem and residual blocks
// (dense, dense, add of the block's input), laid in one long row as an imported file might be,
// a ResNet-sized network of exactly `nodes` layers (at least 5).

#include "project/Project.h"

#include <algorithm>
#include <string>

namespace testgraphs {

inline engine::Project residualChain(int nodes)
{
    engine::Project p;
    p.name = "residual chain of " + std::to_string(nodes) + " layers";
    const auto dense = [](const char* activation) {
        return nlohmann::json {
            {"units", 16}, {"activation", activation}, {"use_bias", true}, {"initializer", "auto"}};
    };
    engine::NodeId next = 1;
    const auto add = [&](const std::string& type, const std::string& name, nlohmann::json attrs) {
        engine::NodeRecord r;
        r.id = next++;
        r.type = type;
        r.name = name;
        r.x = 60 + 220.0 * double(r.id - 1);
        r.y = 120;
        r.attributes = std::move(attrs);
        p.nodes.push_back(r);
        return r.id;
    };
    const auto connect = [&](engine::NodeId from, engine::NodeId to, int port = 0) {
        p.edges.push_back({from, 0, to, port});
    };
    const engine::NodeId input = add("Input", "input", {{"shape", nlohmann::json::array()}});
    engine::NodeId blockIn = add("Dense", "stem", dense("identity"));
    connect(input, blockIn);
    int block = 1;
    while (int(p.nodes.size()) + 3 <= nodes) {
        const engine::NodeId a
            = add("Dense", "dense_" + std::to_string(block) + "a", dense("relu"));
        const engine::NodeId b
            = add("Dense", "dense_" + std::to_string(block) + "b", dense("identity"));
        const engine::NodeId sum = add("Add", "skip_" + std::to_string(block), {});
        connect(blockIn, a);
        connect(a, b);
        connect(b, sum, 0);
        connect(blockIn, sum, 1); // the skip over the block
        blockIn = sum;
        ++block;
    }
    while (int(p.nodes.size()) < nodes) { // the tail: plain layers
        const engine::NodeId d
            = add("Dense", "tail_" + std::to_string(p.nodes.size()), dense("relu"));
        connect(blockIn, d);
        blockIn = d;
    }
    return p;
}

} // namespace testgraphs

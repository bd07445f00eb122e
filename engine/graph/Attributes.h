#pragma once
// Typed reads of layer attributes from JSON. Each throws InputError whose where() is the
// attribute's key, so the project loader can prefix "nodes[3].attributes.".

#include "core/Errors.h"
#include "graph/Layer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace engine::attr {

/// If `attrs` has `key`, checks it against `spec` (kind, range, choices) and stores it in `out`.
void read(const nlohmann::json& attrs, const AttributeSpec& spec, int& out);
void read(const nlohmann::json& attrs, const AttributeSpec& spec, double& out);
void read(const nlohmann::json& attrs, const AttributeSpec& spec, bool& out);
void read(const nlohmann::json& attrs, const AttributeSpec& spec, std::string& out);
void read(const nlohmann::json& attrs, const AttributeSpec& spec, std::vector<int>& out);
/// An IntList attribute: a list of spec.length integers in [min, max] goes to `list` (and `word`
/// is cleared); without choices a bare integer n means spec.length copies of n; with choices, one
/// of those words goes to `word` (and `list` is cleared).
void readIntList(const nlohmann::json& attrs, const AttributeSpec& spec, std::vector<int>& list,
    std::string& word);

AttributeSpec intSpec(std::string name, std::string label, int min, int max, std::string help = {});
AttributeSpec floatSpec(std::string name, std::string label, double min, double max,
                        std::string help = {});
AttributeSpec boolSpec(std::string name, std::string label, std::string help = {});
AttributeSpec choiceSpec(std::string name, std::string label, std::vector<std::string> choices,
                         std::string help = {});
AttributeSpec shapeSpec(std::string name, std::string label, std::string help = {});
/// An integer in [min, max] or a list of `length` of them; with `choices`, also one of those words.
AttributeSpec intListSpec(std::string name, std::string label, int length, int min, int max,
    std::vector<std::string> choices = {}, std::string help = {});

} // namespace engine::attr

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

AttributeSpec intSpec(std::string name, std::string label, int min, int max, std::string help = {});
AttributeSpec floatSpec(std::string name, std::string label, double min, double max,
                        std::string help = {});
AttributeSpec boolSpec(std::string name, std::string label, std::string help = {});
AttributeSpec choiceSpec(std::string name, std::string label, std::vector<std::string> choices,
                         std::string help = {});
AttributeSpec shapeSpec(std::string name, std::string label, std::string help = {});

} // namespace engine::attr

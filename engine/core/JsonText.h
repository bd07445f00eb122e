#pragma once
// JSON text from untrusted files parsed into errors that name their place (the CLI contract):
// nlohmann's own messages carry no file and, for a number overflow, no position.

#include <nlohmann/json.hpp>

#include <string>

namespace engine {

/// Parses `text`. Throws InputError whose where() is "<where>: line L, column C" for a syntax
/// error and for a number beyond double's range (1e999), with nlohmann's explanation as the
/// message ("syntax error while parsing value - ...", "number overflow parsing '1e999'").
nlohmann::json parseJsonText(const std::string& text, const std::string& where);

/// nlohmann's what() without its "[json.exception.type_error.302] " tag.
std::string jsonErrorText(const nlohmann::json::exception& e);

} // namespace engine

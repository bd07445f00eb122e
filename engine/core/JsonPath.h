#pragma once
// Where in a JSON document an error is: the project and lesson loaders build paths such as
// "nodes[3].attributes.units" by prefixing the InputError a nested parser throws.

#include "core/Errors.h"
#include "core/JsonText.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace engine::jsonpath {

/// "prefix.where", or either alone when the other is empty.
inline std::string join(const std::string& prefix, const std::string& where)
{
    if (where.empty())
        return prefix;
    if (prefix.empty())
        return where;
    return prefix + "." + where;
}

/// "array[i]".
inline std::string indexed(const char* array, std::size_t i)
{
    return std::string(array) + "[" + std::to_string(i) + "]";
}

/// Runs `parse`, re-throwing its InputError (and any nlohmann error a sub-parser lets through)
/// with `prefix` in front of where(), so the message names the place in the file.
template <typename F> auto prefixed(const std::string& prefix, F&& parse)
{
    try {
        return parse();
    } catch (const InputError& e) {
        throw InputError(join(prefix, e.where()), e.message());
    } catch (const nlohmann::json::exception& e) {
        throw InputError(prefix, jsonErrorText(e));
    }
}

} // namespace engine::jsonpath

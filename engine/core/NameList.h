#pragma once

#include <string>
#include <vector>

namespace engine {

/// "a, b, c": the choices an "expected one of: ..." message lists.
inline std::string joinedNames(const std::vector<std::string>& names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i)
        s += (i ? ", " : "") + names[i];
    return s;
}

} // namespace engine

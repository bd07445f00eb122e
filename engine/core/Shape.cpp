#include "core/Shape.h"

namespace engine {

long Shape::size() const
{
    if (m_dims.empty())
        return 0;
    long n = 1;
    for (int d : m_dims)
        n *= d;
    return n;
}

std::string Shape::toString() const
{
    if (m_dims.empty())
        return "?";
    std::string s;
    for (std::size_t i = 0; i < m_dims.size(); ++i) {
        if (i)
            s += 'x';
        s += std::to_string(m_dims[i]);
    }
    return s;
}

} // namespace engine

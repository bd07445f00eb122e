#include "graph/Layer.h"

#include <nlohmann/json.hpp>

namespace engine {

void Layer::build(const std::vector<Shape>&, Rng&) {}

long Layer::paramCount()
{
    long n = 0;
    for (const Param& p : params())
        n += static_cast<long>(p.value->size());
    return n;
}

nlohmann::json Layer::attributes() const { return nlohmann::json::object(); }

void Layer::setAttributes(const nlohmann::json&) {}

} // namespace engine

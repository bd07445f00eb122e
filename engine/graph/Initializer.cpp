#include "graph/Initializer.h"

#include <array>
#include <cmath>

namespace engine {

namespace {
constexpr std::array<std::pair<Initializer, const char*>, 5> kNames{{
    {Initializer::GlorotUniform, "glorot_uniform"},
    {Initializer::GlorotNormal, "glorot_normal"},
    {Initializer::HeUniform, "he_uniform"},
    {Initializer::HeNormal, "he_normal"},
    {Initializer::Zeros, "zeros"},
}};
}

std::string initializerName(Initializer i)
{
    for (const auto& [k, n] : kNames)
        if (k == i)
            return n;
    return "glorot_uniform";
}

std::optional<Initializer> initializerFromName(const std::string& name)
{
    for (const auto& [k, n] : kNames)
        if (name == n)
            return k;
    return std::nullopt;
}

std::vector<std::string> initializerNames()
{
    std::vector<std::string> v;
    for (const auto& kn : kNames)
        v.emplace_back(kn.second);
    return v;
}

void initialize(Matrix& w, Initializer init, long fanIn, long fanOut, Rng& rng)
{
    fanIn = std::max(1L, fanIn);
    fanOut = std::max(1L, fanOut);
    double limit = 0;
    double stddev = 0;
    bool uniform = true;
    switch (init) {
    case Initializer::GlorotUniform: limit = std::sqrt(6.0 / double(fanIn + fanOut)); break;
    case Initializer::GlorotNormal:
        uniform = false;
        stddev = std::sqrt(2.0 / double(fanIn + fanOut));
        break;
    case Initializer::HeUniform: limit = std::sqrt(6.0 / double(fanIn)); break;
    case Initializer::HeNormal:
        uniform = false;
        stddev = std::sqrt(2.0 / double(fanIn));
        break;
    case Initializer::Zeros: w.setZero(); return;
    }
    Scalar* p = w.data();
    for (Eigen::Index i = 0; i < w.size(); ++i)
        p[i] = static_cast<Scalar>(uniform ? rng.uniform(-limit, limit) : rng.normal(0, stddev));
}

} // namespace engine

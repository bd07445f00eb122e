#pragma once

#include "core/Rng.h"
#include "core/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace engine {

enum class Initializer {
    GlorotUniform, ///< U(-l, l), l = sqrt(6 / (fanIn + fanOut))   [Glorot & Bengio 2010]
    GlorotNormal,  ///< N(0, 2 / (fanIn + fanOut))
    HeUniform,     ///< U(-l, l), l = sqrt(6 / fanIn)              [He et al. 2015]
    HeNormal,      ///< N(0, 2 / fanIn)
    Zeros
};

/// JSON names: "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros".
std::string initializerName(Initializer i);
std::optional<Initializer> initializerFromName(const std::string& name);
std::vector<std::string> initializerNames();

/// Fills `w` (any shape) from the distribution, drawing from `rng` in column-major order so the
/// result depends only on the seed.
void initialize(Matrix& w, Initializer init, long fanIn, long fanOut, Rng& rng);

} // namespace engine

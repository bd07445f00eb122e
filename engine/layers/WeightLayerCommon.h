#pragma once

// Pieces shared by the layers that compute f(W x + b) with a fused activation (Dense, Conv2D):
// the "auto" initializer rule, the W/b parameter list and the initializer attribute spec, so a
// rule changed in one place changes for every such layer.

#include "graph/Activations.h"
#include "graph/Attributes.h"
#include "graph/Initializer.h"
#include "graph/Layer.h"

#include <string>
#include <vector>

namespace engine::weightlayer {

/// `requested` is an initializer name or "auto"; "auto" picks He for the ReLU family (which
/// halves the variance of its input) and Glorot otherwise.
inline Initializer resolveInitializer(const std::string& requested, ActivationKind activation)
{
    if (requested != "auto")
        return initializerFromName(requested).value_or(Initializer::GlorotUniform);
    switch (activation) {
    case ActivationKind::ReLU:
    case ActivationKind::ReLU6:
    case ActivationKind::LeakyReLU:
    case ActivationKind::ELU:
    case ActivationKind::GELU:
        return Initializer::HeUniform;
    default:
        return Initializer::GlorotUniform;
    }
}

/// "W" (regularized) and, with a bias, "b" (not regularized), in that order.
inline std::vector<Param> weightAndBias(
    Matrix& w, Matrix& gradW, Matrix& b, Matrix& gradB, bool useBias)
{
    std::vector<Param> p {{"W", &w, &gradW, true}};
    if (useBias)
        p.push_back({"b", &b, &gradB, false});
    return p;
}

inline AttributeSpec initializerSpec()
{
    auto inits = initializerNames();
    inits.insert(inits.begin(), "auto");
    return attr::choiceSpec(
        "initializer", "Initializer", inits, "auto: He for the ReLU family, Glorot otherwise");
}

} // namespace engine::weightlayer

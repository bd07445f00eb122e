#pragma once
// Element-wise activation functions, shared by the Activation layer and by layers with a fused
// activation (Dense). Softmax is column-wise (per sample).

#include "core/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace engine {

enum class ActivationKind {
    Identity, ///< a = z
    Sigmoid, ///< a = 1 / (1 + e^-z)
    Tanh, ///< a = tanh z
    ReLU, ///< a = max(0, z)
    LeakyReLU, ///< a = z if z > 0 else alpha z
    ELU, ///< a = z if z > 0 else alpha (e^z - 1)
    GELU, ///< a = z Phi(z) = z/2 (1 + erf(z / sqrt 2))
    Softmax, ///< a_i = e^z_i / sum_j e^z_j over a sample's features
    ReLU6, ///< a = min(max(0, z), 6)
    LogSoftmax ///< a_i = z_i - log sum_j e^z_j over a sample's features
};

/// JSON name: "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softmax",
/// "relu6", "log_softmax".
std::string activationName(ActivationKind k);
/// Display name: "Identity", "Sigmoid", "Tanh", "ReLU", "Leaky ReLU", "ELU", "GELU", "Softmax",
/// "ReLU6", "Log-softmax".
std::string activationLabel(ActivationKind k);
/// True for Softmax and LogSoftmax, which normalize over all features of a sample (the whole
/// flat sample, also of an image); the others act on each value alone.
bool isPerSample(ActivationKind k);
std::optional<ActivationKind> activationFromName(const std::string& name);
std::vector<std::string> activationNames();

/// a = f(z), same shape as z.
void activationForward(ActivationKind k, Scalar alpha, const Matrix& z, Matrix& a);

/// z += bias (one value per row of z viewed as bias.rows() x (z.size() / bias.rows()): for
/// Conv2D filters x (positions * batch)), then a = f(z) in the same pass over memory. With k
/// Identity only z changes (the caller's output is z). An empty bias adds nothing.
void addBiasAndActivate(ActivationKind k, Scalar alpha, const Matrix& bias, Matrix& z, Matrix& a);

/// gradZ = dL/dz given z, a = f(z) and gradA = dL/da. gradZ may alias gradA.
void activationBackward(ActivationKind k, Scalar alpha, const Matrix& z, const Matrix& a,
                        const Matrix& gradA, Matrix& gradZ);

} // namespace engine

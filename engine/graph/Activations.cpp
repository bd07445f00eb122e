#include "graph/Activations.h"

#include "core/Kernels.h"
#include "core/Parallel.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <array>
#include <cmath>
#include <numbers>

namespace engine {

namespace {

struct ActivationInfo {
    ActivationKind kind;
    const char* name;
    const char* label;
};

constexpr std::array<ActivationInfo, 10> kActivations {{
    {ActivationKind::Identity, "identity", "Identity"},
    {ActivationKind::Sigmoid, "sigmoid", "Sigmoid"},
    {ActivationKind::Tanh, "tanh", "Tanh"},
    {ActivationKind::ReLU, "relu", "ReLU"},
    {ActivationKind::LeakyReLU, "leaky_relu", "Leaky ReLU"},
    {ActivationKind::ELU, "elu", "ELU"},
    {ActivationKind::GELU, "gelu", "GELU"},
    {ActivationKind::Softmax, "softmax", "Softmax"},
    {ActivationKind::ReLU6, "relu6", "ReLU6"},
    {ActivationKind::LogSoftmax, "log_softmax", "Log-softmax"},
}};

// Element-wise kernels run over column ranges so large batches split across threads.
template <typename Fn> void forColumns(const Matrix& m, long cost, Fn&& fn)
{
    parallelRanges(
        m.cols(), m.rows() * cost, [&](long begin, long end) { fn(begin, end - begin); });
}

} // namespace

std::string activationName(ActivationKind k)
{
    for (const auto& a : kActivations)
        if (a.kind == k)
            return a.name;
    return "identity";
}

std::string activationLabel(ActivationKind k)
{
    for (const auto& a : kActivations)
        if (a.kind == k)
            return a.label;
    return "Identity";
}

std::optional<ActivationKind> activationFromName(const std::string& name)
{
    for (const auto& a : kActivations)
        if (name == a.name)
            return a.kind;
    if (name == "linear" || name == "none")
        return ActivationKind::Identity;
    return std::nullopt;
}

bool isPerSample(ActivationKind k)
{
    return k == ActivationKind::Softmax || k == ActivationKind::LogSoftmax;
}

std::vector<std::string> activationNames()
{
    std::vector<std::string> names;
    for (const auto& a : kActivations)
        names.emplace_back(a.name);
    return names;
}

void activationForward(ActivationKind k, Scalar alpha, const Matrix& z, Matrix& a)
{
    a.resize(z.rows(), z.cols());
    const Scalar invSqrt2 = Scalar(1) / std::numbers::sqrt2_v<Scalar>;
    forColumns(z, k == ActivationKind::ReLU ? 1 : 20, [&](long c0, long n) {
        auto in = z.middleCols(c0, n).array();
        auto out = a.middleCols(c0, n).array();
        switch (k) {
        case ActivationKind::Identity:
            out = in;
            break;
        case ActivationKind::Sigmoid:
            out = Scalar(1) / (Scalar(1) + (-in).exp());
            break;
        case ActivationKind::Tanh:
            out = in.tanh();
            break;
        case ActivationKind::ReLU:
            kernels().reluForward(z.data() + c0 * z.rows(), a.data() + c0 * z.rows(), n * z.rows());
            break;
        case ActivationKind::LeakyReLU:
            out = (in > 0).select(in, alpha * in);
            break;
        case ActivationKind::ELU:
            out = (in > 0).select(in, alpha * (in.exp() - Scalar(1)));
            break;
        case ActivationKind::GELU:
            out = Scalar(0.5) * in * (Scalar(1) + (in * invSqrt2).erf());
            break;
        case ActivationKind::Softmax: {
            // Subtracting the column max keeps exp() from overflowing.
            RowVector mx = in.matrix().colwise().maxCoeff();
            out = (in.rowwise() - mx.array()).exp();
            RowVector sum = out.matrix().colwise().sum();
            out.rowwise() /= sum.array();
            break;
        }
        case ActivationKind::ReLU6:
            out = in.max(Scalar(0)).min(Scalar(6));
            break;
        case ActivationKind::LogSoftmax: {
            // z - max - log sum e^(z - max): finite for any finite z.
            RowVector mx = in.matrix().colwise().maxCoeff();
            out = in.rowwise() - mx.array();
            RowVector logSum = out.exp().matrix().colwise().sum().array().log().matrix();
            out.rowwise() -= logSum.array();
            break;
        }
        }
    });
}

void addBiasAndActivate(ActivationKind k, Scalar alpha, const Matrix& bias, Matrix& z, Matrix& a)
{
    const long rows = bias.rows();
    if (rows > 0) {
        const long cols = z.size() / rows;
        const ElementwiseKernels& kern = kernels();
        if (k == ActivationKind::ReLU) {
            a.resize(z.rows(), z.cols());
            parallelRanges(cols, rows * 2, [&](long begin, long end) {
                kern.addBiasRelu(z.data() + begin * rows, bias.data(), a.data() + begin * rows,
                    rows, end - begin);
            });
            return;
        }
        parallelRanges(cols, rows, [&](long begin, long end) {
            kern.addBias(z.data() + begin * rows, bias.data(), rows, end - begin);
        });
    }
    if (k != ActivationKind::Identity)
        activationForward(k, alpha, z, a);
}

void activationBackward(ActivationKind k, Scalar alpha, const Matrix& z, const Matrix& a,
    const Matrix& gradA, Matrix& gradZ)
{
    if (&gradZ != &gradA)
        gradZ.resize(z.rows(), z.cols());
    const Scalar invSqrt2 = Scalar(1) / std::numbers::sqrt2_v<Scalar>;
    const Scalar invSqrt2Pi = Scalar(1) / std::sqrt(Scalar(2) * std::numbers::pi_v<Scalar>);
    forColumns(z, 20, [&](long c0, long n) {
        auto zin = z.middleCols(c0, n).array();
        auto act = a.middleCols(c0, n).array();
        auto g = gradA.middleCols(c0, n).array();
        auto out = gradZ.middleCols(c0, n).array();
        switch (k) {
        case ActivationKind::Identity:
            out = g;
            break;
        case ActivationKind::Sigmoid:
            out = g * act * (Scalar(1) - act);
            break;
        case ActivationKind::Tanh:
            out = g * (Scalar(1) - act.square());
            break;
        case ActivationKind::ReLU: // Eigen's select() runs scalar: the kernel vectorizes
        {
            const long at = c0 * z.rows();
            kernels().reluBackward(
                z.data() + at, gradA.data() + at, gradZ.data() + at, n * z.rows());
            break;
        }
        case ActivationKind::LeakyReLU:
            out = (zin > 0).select(g, alpha * g);
            break;
        case ActivationKind::ELU:
            out = (zin > 0).select(g, g * (act + alpha));
            break;
        case ActivationKind::GELU: {
            // d/dz [z Phi(z)] = Phi(z) + z phi(z)
            auto phi = invSqrt2Pi * (Scalar(-0.5) * zin.square()).exp();
            auto Phi = Scalar(0.5) * (Scalar(1) + (zin * invSqrt2).erf());
            out = g * (Phi + zin * phi);
            break;
        }
        case ActivationKind::Softmax: {
            // Jacobian-vector product: dz = a * (g - sum(g * a)) per column.
            RowVector dot = (g * act).matrix().colwise().sum();
            out = act * (g.rowwise() - dot.array());
            break;
        }
        case ActivationKind::ReLU6:
            out = (zin > 0 && zin < Scalar(6)).select(g, Scalar(0));
            break;
        case ActivationKind::LogSoftmax: {
            // dz_i = g_i - softmax_i sum_j g_j, with softmax = e^a.
            RowVector sum = g.matrix().colwise().sum();
            out = g - act.exp().rowwise() * sum.array();
            break;
        }
        }
    });
}

} // namespace engine

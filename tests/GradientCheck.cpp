#include "GradientCheck.h"

#include "core/Rng.h"

#include <cmath>

namespace testutil {

using engine::Matrix;

namespace {

void note(GradientReport& r, double err, const std::string& where)
{
    if (err > r.maxRelativeError) {
        r.maxRelativeError = err;
        r.worst = where;
    }
}

std::vector<const Matrix*> pointers(const std::vector<Matrix>& v)
{
    std::vector<const Matrix*> p;
    for (const auto& m : v)
        p.push_back(&m);
    return p;
}

} // namespace

GradientReport checkLayer(
    engine::Layer& layer, std::vector<Matrix> inputs, engine::Mode mode, double eps)
{
    engine::Rng rng(42);
    Matrix out;
    layer.forward(pointers(inputs), out, mode);
    Matrix r(out.rows(), out.cols());
    for (Eigen::Index i = 0; i < r.size(); ++i)
        r.data()[i] = rng.uniform(-1, 1);

    const auto objective = [&]() {
        Matrix o;
        layer.forward(pointers(inputs), o, mode);
        return (o.array() * r.array()).sum();
    };

    // Analytic pass.
    layer.forward(pointers(inputs), out, mode);
    std::vector<Matrix> gradIn(inputs.size());
    std::vector<Matrix*> gradPtrs;
    for (auto& g : gradIn)
        gradPtrs.push_back(&g);
    layer.backward(pointers(inputs), out, r, gradPtrs);
    std::vector<Matrix> paramGrads;
    for (const auto& p : layer.params())
        paramGrads.push_back(*p.grad);

    GradientReport report;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        for (Eigen::Index i = 0; i < inputs[k].size(); ++i) {
            double& x = inputs[k].data()[i];
            const double saved = x;
            x = saved + eps;
            const double up = objective();
            x = saved - eps;
            const double down = objective();
            x = saved;
            note(report, relativeError(gradIn[k].data()[i], (up - down) / (2 * eps)),
                "input " + std::to_string(k) + "[" + std::to_string(i) + "]");
        }
    }
    auto params = layer.params();
    for (std::size_t k = 0; k < params.size(); ++k) {
        Matrix& value = *params[k].value;
        for (Eigen::Index i = 0; i < value.size(); ++i) {
            double& w = value.data()[i];
            const double saved = w;
            w = saved + eps;
            const double up = objective();
            w = saved - eps;
            const double down = objective();
            w = saved;
            note(report, relativeError(paramGrads[k].data()[i], (up - down) / (2 * eps)),
                params[k].name + "[" + std::to_string(i) + "]");
        }
    }
    return report;
}

GradientReport checkLoss(const engine::Loss& loss, Matrix pred, const Matrix& target, double eps)
{
    Matrix grad;
    loss.gradient(pred, target, grad);
    GradientReport report;
    for (Eigen::Index i = 0; i < pred.size(); ++i) {
        double& p = pred.data()[i];
        const double saved = p;
        p = saved + eps;
        const double up = loss.value(pred, target);
        p = saved - eps;
        const double down = loss.value(pred, target);
        p = saved;
        note(report, relativeError(grad.data()[i], (up - down) / (2 * eps)),
            "pred[" + std::to_string(i) + "]");
    }
    return report;
}

} // namespace testutil

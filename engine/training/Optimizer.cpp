#include "training/Optimizer.h"

#include "core/Errors.h"
#include "core/JsonFields.h"
#include "core/Kernels.h"
#include "training/Schedule.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace engine {

namespace {

bool isKnownType(const std::string& type)
{
    for (const auto& t : OptimizerConfig::types())
        if (t == type)
            return true;
    return false;
}

std::string knownTypesText()
{
    std::string s;
    for (const auto& t : OptimizerConfig::types())
        s += (s.empty() ? "\"" : ", \"") + t + "\"";
    return s;
}

bool usable(const Param& p)
{
    return p.value && p.grad && p.value->size() > 0;
}

// The updates below follow torch.optim's conventions, so that learning rates and momenta tuned
// in PyTorch carry over: momentum is the heavy ball v = mu v + g, w -= lr v (the learning rate
// scales the whole velocity), Nesterov uses PyTorch's look-ahead form.

class Sgd final : public Optimizer {
public:
    using Optimizer::Optimizer;

protected:
    void update(std::span<const Param> params, double lr) override
    {
        const auto rate = Scalar(lr);
        for (const Param& p : params)
            if (usable(p))
                kernels().sgdStep(p.value->data(), p.grad->data(), rate, p.value->size());
    }
};

class Momentum final : public Optimizer {
public:
    Momentum(const OptimizerConfig& config, bool nesterov)
        : Optimizer(config)
        , m_nesterov(nesterov)
    { }
    void reset() override
    {
        Optimizer::reset();
        m_velocity.clear();
    }
    SlotLists slotLists() override { return {{"velocity", &m_velocity}}; }

protected:
    void update(std::span<const Param> params, double lr) override
    {
        const auto rate = Scalar(lr);
        const auto mu = Scalar(m_config.momentum);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            if (!usable(p))
                continue;
            Matrix& v = slot(m_velocity, i, p);
            // Nesterov: w -= lr (g + mu v), with v already updated.
            kernels().momentumStep(
                p.value->data(), v.data(), p.grad->data(), mu, rate, m_nesterov, p.value->size());
        }
    }

private:
    bool m_nesterov;
    std::vector<Matrix> m_velocity;
};

class RmsProp final : public Optimizer {
public:
    using Optimizer::Optimizer;
    void reset() override
    {
        Optimizer::reset();
        m_square.clear();
    }
    SlotLists slotLists() override { return {{"square", &m_square}}; }

protected:
    // s = rho s + (1 - rho) g^2;  w -= lr g / (sqrt(s) + eps)  [Hinton, Coursera lecture 6e]
    void update(std::span<const Param> params, double lr) override
    {
        const auto rate = Scalar(lr);
        const auto rho = Scalar(m_config.rho);
        const auto eps = Scalar(m_config.epsilon);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            if (!usable(p))
                continue;
            Matrix& s = slot(m_square, i, p);
            s.array() = rho * s.array() + (Scalar(1) - rho) * p.grad->array().square();
            p.value->array() -= rate * p.grad->array() / (s.array().sqrt() + eps);
        }
    }

private:
    std::vector<Matrix> m_square;
};

class Adam final : public Optimizer {
public:
    Adam(const OptimizerConfig& config, bool decoupledDecay)
        : Optimizer(config)
        , m_decoupledDecay(decoupledDecay)
    { }
    void reset() override
    {
        Optimizer::reset();
        m_first.clear();
        m_second.clear();
    }
    SlotLists slotLists() override { return {{"first", &m_first}, {"second", &m_second}}; }

protected:
    // [Kingma & Ba 2015, Algorithm 1] with t = m_steps (one per step(), shared by all params):
    //   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
    //   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    // AdamW first shrinks regularized weights: w -= lr * wd * w [Loshchilov & Hutter 2019],
    // as torch.optim.AdamW (the decay is scaled by lr, not by the Adam step).
    void update(std::span<const Param> params, double lr) override
    {
        const auto t = double(m_steps);
        const double b1 = m_config.beta1;
        const double b2 = m_config.beta2;
        // The corrections are computed in double: for float, 1 - 0.999^t loses digits early on.
        const AdamFactors factors {Scalar(b1), Scalar(1 - b1), Scalar(b2), Scalar(1 - b2),
            Scalar(lr / (1.0 - std::pow(b1, t))), Scalar(1.0 / (1.0 - std::pow(b2, t))),
            Scalar(m_config.epsilon)};
        const auto decay = Scalar(1.0 - lr * m_config.weightDecay);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            if (!usable(p))
                continue;
            Matrix& m = slot(m_first, i, p);
            Matrix& v = slot(m_second, i, p);
            if (m_decoupledDecay && p.regularized)
                p.value->array() *= decay;
            kernels().adamStep(
                p.value->data(), m.data(), v.data(), p.grad->data(), factors, p.value->size());
        }
    }

private:
    bool m_decoupledDecay;
    std::vector<Matrix> m_first;
    std::vector<Matrix> m_second;
};

} // namespace

std::vector<std::string> OptimizerConfig::types()
{
    return {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"};
}

nlohmann::json OptimizerConfig::toJson() const
{
    return {{"type", type}, {"learningRate", learningRate}, {"momentum", momentum}, {"rho", rho},
        {"beta1", beta1}, {"beta2", beta2}, {"epsilon", epsilon}, {"weightDecay", weightDecay},
        {"l1", l1}, {"l2", l2}};
}

OptimizerConfig OptimizerConfig::fromJson(const nlohmann::json& j)
{
    using fields::readReal;
    fields::requireObject(j, "the optimizer settings");
    OptimizerConfig c;
    if (auto it = j.find("type"); it != j.end()) {
        if (!it->is_string() || !isKnownType(it->get<std::string>()))
            throw InputError("type", "expected one of " + knownTypesText() + ", got " + it->dump());
        c.type = it->get<std::string>();
    }
    const auto fraction = [](double v) { return v >= 0 && v < 1; };
    fields::readRange(j, "learningRate", c.learningRate, 0, kMaxLearningRate, true);
    readReal(j, "momentum", c.momentum, fraction, "a number from 0 up to (not including) 1");
    readReal(j, "rho", c.rho, fraction, "a number from 0 up to (not including) 1");
    readReal(j, "beta1", c.beta1, fraction, "a number from 0 up to (not including) 1");
    readReal(j, "beta2", c.beta2, fraction, "a number from 0 up to (not including) 1");
    fields::readRange(j, "epsilon", c.epsilon, 0, 1, true);
    // Penalties beyond 1000 only wreck the weights; far beyond, they overflow float.
    fields::readRange(j, "weightDecay", c.weightDecay, 0, 1000);
    fields::readRange(j, "l1", c.l1, 0, 1000);
    fields::readRange(j, "l2", c.l2, 0, 1000);
    return c;
}

void Optimizer::step(std::span<const Param> params, double lr)
{
    ++m_steps;
    const auto l1 = Scalar(m_config.l1);
    const auto l2 = Scalar(m_config.l2);
    if (l1 != Scalar(0) || l2 != Scalar(0)) {
        // Gradient of l1 * |w|_1 + l2/2 * |w|^2 (sign(0) = 0: no push on exact zeros).
        for (const Param& p : params)
            if (usable(p) && p.regularized)
                p.grad->array() += l2 * p.value->array() + l1 * p.value->array().sign();
    }
    update(params, lr);
}

void Optimizer::reset()
{
    m_steps = 0;
}

Matrix& Optimizer::slot(std::vector<Matrix>& slots, std::size_t index, const Param& p)
{
    if (slots.size() <= index)
        slots.resize(index + 1);
    Matrix& s = slots[index];
    // A param of another shape at this position means the layer was rebuilt: its old state is
    // meaningless, so start again from zero.
    if (s.rows() != p.value->rows() || s.cols() != p.value->cols())
        s.setZero(p.value->rows(), p.value->cols());
    return s;
}

std::unique_ptr<Optimizer> Optimizer::create(const OptimizerConfig& config)
{
    if (config.type == "sgd")
        return std::make_unique<Sgd>(config);
    if (config.type == "momentum")
        return std::make_unique<Momentum>(config, false);
    if (config.type == "nesterov")
        return std::make_unique<Momentum>(config, true);
    if (config.type == "rmsprop")
        return std::make_unique<RmsProp>(config);
    if (config.type == "adam")
        return std::make_unique<Adam>(config, false);
    if (config.type == "adamw")
        return std::make_unique<Adam>(config, true);
    throw InputError(
        "type", "unknown optimizer \"" + config.type + "\"; expected one of " + knownTypesText());
}

} // namespace engine

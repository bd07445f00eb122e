#include "layers/Lstm.h"

#include "graph/Attributes.h"

namespace engine {

namespace {
// ONNX gate order.
constexpr int kI = 0, kO = 1, kF = 2, kC = 3;
} // namespace

void Lstm::buildExtra(Rng&)
{
    m_b.middleRows(long(kF) * m_units, m_units).setConstant(Scalar(m_forgetBias));
}

nlohmann::json Lstm::attributes() const
{
    nlohmann::json a = RecurrentLayer::attributes();
    a["forget_bias"] = m_forgetBias;
    return a;
}

void Lstm::setAttributes(const nlohmann::json& attrs)
{
    RecurrentLayer::setAttributes(attrs);
    attr::read(attrs, attributeSpecs().back(), m_forgetBias);
}

std::vector<AttributeSpec> Lstm::attributeSpecs() const
{
    std::vector<AttributeSpec> specs = RecurrentLayer::attributeSpecs();
    specs.push_back(attr::floatSpec("forget_bias", "Forget bias", 0.0, 10.0,
        "Initial bias of the forget gate: 1 keeps 73% of the cell per step at the start, "
        "3 keeps 95% (for memories over tens of steps)"));
    return specs;
}

void Lstm::beginForward(long batch)
{
    m_c.resize(long(m_steps) * m_units, batch);
    m_tc.resize(long(m_steps) * m_units, batch);
}

void Lstm::stepForward(int t, long begin, long count, const Matrix& rec)
{
    // Gate pre-activations are replaced by the activated gates, which backward needs.
    auto all = m_pre.block(long(t) * 4 * m_units, begin, 4L * m_units, count);
    all += rec.middleCols(begin, count);
    auto sig = all.topRows(3L * m_units).array();
    sig = sig.logistic();
    auto g = all.bottomRows(m_units).array();
    g = g.tanh();
    const auto i = gate(m_pre, t, kI, begin, count).array();
    const auto f = gate(m_pre, t, kF, begin, count).array();
    const auto o = gate(m_pre, t, kO, begin, count).array();
    auto c = step(m_c, t, begin, count).array();
    if (t == 0)
        c = i * g;
    else
        c = f * step(m_c, t - 1, begin, count).array() + i * g;
    auto tc = step(m_tc, t, begin, count).array();
    tc = c.tanh();
    step(m_hs, t, begin, count).array() = o * tc;
}

void Lstm::beginBackward(long batch)
{
    m_dC = Matrix::Zero(m_units, batch);
}

void Lstm::stepBackward(int t, long begin, long count, Matrix& dH)
{
    const auto i = gate(m_pre, t, kI, begin, count).array();
    const auto o = gate(m_pre, t, kO, begin, count).array();
    const auto f = gate(m_pre, t, kF, begin, count).array();
    const auto g = gate(m_pre, t, kC, begin, count).array();
    const auto tc = step(m_tc, t, begin, count).array();
    auto dh = dH.middleCols(begin, count).array();
    auto dc = m_dC.middleCols(begin, count).array();

    dc += dh * o * (1 - tc.square());
    gate(m_dPre, t, kO, begin, count).array() = dh * tc * o * (1 - o);
    gate(m_dPre, t, kI, begin, count).array() = dc * g * i * (1 - i);
    gate(m_dPre, t, kC, begin, count).array() = dc * i * (1 - g.square());
    if (t > 0)
        gate(m_dPre, t, kF, begin, count).array()
            = dc * step(m_c, t - 1, begin, count).array() * f * (1 - f);
    else
        gate(m_dPre, t, kF, begin, count).setZero();
    dc *= f;
    dh.setZero();
}

} // namespace engine

#include "layers/Gru.h"

namespace engine {

namespace {
// ONNX gate order.
constexpr int kZ = 0, kR = 1, kH = 2;
} // namespace

void Gru::buildExtra(Rng&)
{
    m_rb = Matrix::Zero(m_units, 1);
    m_gradRb = Matrix::Zero(m_units, 1);
}

void Gru::appendExtraParams(std::vector<Param>& p)
{
    p.push_back({"Rb", &m_rb, &m_gradRb, false});
}

void Gru::beginForward(long batch)
{
    m_hn.resize(long(m_steps) * m_units, batch);
}

void Gru::stepForward(int t, long begin, long count, const Matrix& rec)
{
    // z and r replace their pre-activations; the candidate n replaces W_h x_t + b_h.
    auto zr = m_pre.block(long(t) * 3 * m_units, begin, 2L * m_units, count);
    zr += rec.block(0, begin, 2L * m_units, count);
    zr.array() = zr.array().logistic();
    auto hn = step(m_hn, t, begin, count);
    hn = rec.block(2L * m_units, begin, m_units, count);
    hn.colwise() += m_rb.col(0);
    const auto z = gate(m_pre, t, kZ, begin, count).array();
    const auto r = gate(m_pre, t, kR, begin, count).array();
    auto n = gate(m_pre, t, kH, begin, count).array();
    n = (n + r * hn.array()).tanh();
    step(m_hs, t, begin, count).array() = (1 - z) * n + z * hPrev(t, begin, count).array();
}

void Gru::stepBackward(int t, long begin, long count, Matrix& dH)
{
    const auto z = gate(m_pre, t, kZ, begin, count).array();
    const auto r = gate(m_pre, t, kR, begin, count).array();
    const auto n = gate(m_pre, t, kH, begin, count).array();
    const auto hn = step(m_hn, t, begin, count).array();
    auto dh = dH.middleCols(begin, count).array();

    gate(m_dPre, t, kZ, begin, count).array()
        = dh * (hPrev(t, begin, count).array() - n) * z * (1 - z);
    auto dn = gate(m_dPre, t, kH, begin, count).array();
    dn = dh * (1 - z) * (1 - n.square());
    gate(m_dPre, t, kR, begin, count).array() = dn * hn * r * (1 - r);
    gate(m_dRec, t, kZ, begin, count) = gate(m_dPre, t, kZ, begin, count);
    gate(m_dRec, t, kR, begin, count) = gate(m_dPre, t, kR, begin, count);
    gate(m_dRec, t, kH, begin, count).array() = dn * r;
    dh *= z;
}

void Gru::finishBackward()
{
    const long gh = 3L * m_units;
    const Eigen::Map<const Matrix> dRec(m_dRec.data(), gh, m_dRec.size() / gh);
    m_gradRb = dRec.bottomRows(m_units).rowwise().sum();
}

} // namespace engine

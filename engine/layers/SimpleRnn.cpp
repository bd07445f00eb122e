#include "layers/SimpleRnn.h"

namespace engine {

void SimpleRnn::stepForward(int t, long begin, long count, const Matrix& rec)
{
    step(m_hs, t, begin, count)
        = (gate(m_pre, t, 0, begin, count) + rec.middleCols(begin, count)).array().tanh();
}

void SimpleRnn::stepBackward(int t, long begin, long count, Matrix& dH)
{
    const auto h = step(m_hs, t, begin, count).array();
    auto d = dH.middleCols(begin, count);
    gate(m_dPre, t, 0, begin, count) = d.array() * (1 - h.square());
    d.setZero();
}

} // namespace engine

#pragma once

#include "layers/RecurrentCommon.h"

namespace engine {

/// Gated recurrent unit (Cho et al. 2014), exactly ONNX's GRU with linear_before_reset = 1,
/// which is also PyTorch's nn.GRU:
///   z = sigmoid(W_z x_t + R_z h_{t-1} + b_z),  r = sigmoid(W_r x_t + R_r h_{t-1} + b_r),
///   n = tanh(W_h x_t + b_h + r (R_h h_{t-1} + Rb_h)),  h_t = (1 - z) n + z h_{t-1}.
/// Gate blocks of W (3 units x f), R (3 units x units) and b in ONNX order z, r, h; the extra
/// parameter "Rb" (units x 1) is the recurrent bias of the candidate, inside the reset product.
class Gru final : public RecurrentLayer {
public:
    Gru()
        : RecurrentLayer(3, "GRU")
    { }
    std::string type() const override { return "GRU"; }

protected:
    void buildExtra(Rng& rng) override;
    void appendExtraParams(std::vector<Param>& p) override;
    long extraParamCount() const override { return m_units; }
    void beginForward(long batch) override;
    void stepForward(int t, long begin, long count, const Matrix& rec) override;
    // dz = dh (h_{t-1} - n); dn = dh (1 - z); dr = dn (1 - n^2) (R_h h_{t-1} + Rb_h); ...
    void stepBackward(int t, long begin, long count, Matrix& dH) override;
    void finishBackward() override;
    Matrix& recGrad() override { return m_dRec; }

private:
    Matrix m_rb, m_gradRb;
    Matrix m_hn; ///< t*H x batch: R_h h_{t-1} + Rb_h
    Matrix m_dRec; ///< t*3H x batch: dL/d(R h_{t-1} + [0; 0; Rb_h])
};

} // namespace engine

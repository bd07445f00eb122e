#pragma once

#include "layers/RecurrentCommon.h"

namespace engine {

/// Elman recurrent layer, ONNX RNN with tanh: h_t = tanh(W x_t + R h_{t-1} + b), h_{-1} = 0.
/// W: units x f, R: units x units, b: units x 1 (RecurrentCommon.h).
class SimpleRnn final : public RecurrentLayer {
public:
    SimpleRnn()
        : RecurrentLayer(1, "SimpleRNN")
    { }
    std::string type() const override { return "SimpleRNN"; }

protected:
    void stepForward(int t, long begin, long count, const Matrix& rec) override;
    // dPre_t = dh_t (1 - h_t^2)
    void stepBackward(int t, long begin, long count, Matrix& dH) override;
};

} // namespace engine

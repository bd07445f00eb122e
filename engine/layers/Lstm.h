#pragma once

#include "layers/RecurrentCommon.h"

namespace engine {

/// Long short-term memory (Hochreiter & Schmidhuber 1997), exactly ONNX's LSTM without peepholes:
///   i = sigmoid(pre_i), o = sigmoid(pre_o), f = sigmoid(pre_f), g = tanh(pre_c),
///   pre = W x_t + R h_{t-1} + b,  c_t = f c_{t-1} + i g,  h_t = o tanh(c_t),  h_{-1} = c_{-1} = 0.
/// Gate blocks of W (4 units x f), R (4 units x units) and b in ONNX order i, o, f, c; the
/// forget-gate bias starts at attribute forget_bias, default 1 (Jozefowicz et al. 2015), so the
/// cell keeps most of its content at first and early gradients reach far back. Larger values
/// (3: f = 0.95 at the start) suit memories that must last tens of steps.
class Lstm final : public RecurrentLayer {
public:
    Lstm()
        : RecurrentLayer(4, "LSTM")
    { }
    std::string type() const override { return "LSTM"; }

    /// Cell states c_t of the last forward(): t*units x batch, time-major (for views).
    const Matrix& cellStates() const { return m_c; }

    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;

protected:
    void buildExtra(Rng& rng) override;
    void beginForward(long batch) override;
    void stepForward(int t, long begin, long count, const Matrix& rec) override;
    void beginBackward(long batch) override;
    // dc_t = dc_{t+1} f_{t+1} + dh_t o (1 - tanh^2 c_t); d pre_i = dc g i (1 - i), ...
    void stepBackward(int t, long begin, long count, Matrix& dH) override;

private:
    double m_forgetBias = 1.0;
    Matrix m_c; ///< t*H x batch: c_t
    Matrix m_tc; ///< t*H x batch: tanh(c_t)
    Matrix m_dC; ///< H x batch: dL/dc_t carried back from step t + 1
};

} // namespace engine

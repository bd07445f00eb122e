#pragma once

#include "graph/Layer.h"

#include <vector>

namespace engine {

/// Looks up a learned vector per integer token: a sequence of t token ids (input {t} or {t, 1},
/// ids stored as numbers 0 .. vocab_size - 1) becomes {t, units}, step k holding E[:, id_k].
/// E: units x vocab_size, one column per token, initialized U(-0.05, 0.05) as in Keras.
/// Ids are not differentiable: the input gradient is zero.
class Embedding final : public Layer {
public:
    std::string type() const override { return "Embedding"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in: t x batch token ids; out: t*units x batch, time-major. Throws InputError for an id
    // outside the vocabulary.
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // dL/dE[:, id] = sum of dL/d(out step k) over the steps k with that id
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int vocabSize() const { return m_vocab; }
    int units() const { return m_units; }

private:
    int m_vocab = 64;
    int m_units = 16;
    Matrix m_e, m_gradE;
    std::vector<int> m_ids; ///< step-major per sample, kept for backward
};

} // namespace engine

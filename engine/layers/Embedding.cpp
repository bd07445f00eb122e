#include "layers/Embedding.h"

#include "graph/Attributes.h"

#include <cmath>

namespace engine {

Shape Embedding::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Embedding needs one input with a known shape");
    const Shape& in = inputs[0];
    if (in.rank() > 2 || in.stepFeatures() != 1)
        throw ShapeError("Embedding needs a sequence of token ids T or Tx1, got " + in.toString());
    return Shape {in.steps(), m_units};
}

void Embedding::build(const std::vector<Shape>&, Rng& rng)
{
    m_e.resize(m_units, m_vocab);
    for (long c = 0; c < m_e.cols(); ++c)
        for (long r = 0; r < m_e.rows(); ++r)
            m_e(r, c) = Scalar(rng.uniform(-0.05, 0.05));
    m_gradE = Matrix::Zero(m_units, m_vocab);
}

void Embedding::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    const long steps = in.rows();
    m_ids.resize(std::size_t(in.size()));
    for (long s = 0; s < in.cols(); ++s) {
        for (long k = 0; k < steps; ++k) {
            const double v = double(in(k, s));
            const long id = std::lround(v);
            if (!(std::abs(v - double(id)) < 1e-3) || id < 0 || id >= m_vocab)
                throw InputError("Embedding",
                    "expected token ids 0 to " + std::to_string(m_vocab - 1) + " (vocab_size), got "
                        + std::to_string(v) + " at step " + std::to_string(k + 1) + " of sample "
                        + std::to_string(s + 1));
            m_ids[std::size_t(s * steps + k)] = int(id);
        }
    }
    out.resize(steps * m_units, in.cols());
    for (long s = 0; s < in.cols(); ++s)
        for (long k = 0; k < steps; ++k)
            out.block(k * m_units, s, m_units, 1) = m_e.col(m_ids[std::size_t(s * steps + k)]);
}

void Embedding::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const Matrix& in = *inputs[0];
    const long steps = in.rows();
    m_gradE.setZero();
    for (long s = 0; s < in.cols(); ++s)
        for (long k = 0; k < steps; ++k)
            m_gradE.col(m_ids[std::size_t(s * steps + k)])
                += gradOut.block(k * m_units, s, m_units, 1);
    if (gradInputs[0])
        gradInputs[0]->setZero(in.rows(), in.cols());
}

std::vector<Param> Embedding::params()
{
    return {{"E", &m_e, &m_gradE, true}};
}

long Embedding::paramCountFor(const std::vector<Shape>&) const
{
    return long(m_vocab) * m_units;
}

nlohmann::json Embedding::attributes() const
{
    return {{"vocab_size", m_vocab}, {"units", m_units}};
}

void Embedding::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    int vocab = m_vocab;
    int units = m_units;
    attr::read(attrs, specs[0], vocab);
    attr::read(attrs, specs[1], units);
    m_vocab = vocab;
    m_units = units;
}

std::vector<AttributeSpec> Embedding::attributeSpecs() const
{
    return {attr::intSpec("vocab_size", "Vocabulary", 1, 1 << 20,
                "Number of distinct tokens; ids run from 0 to vocab_size - 1"),
        attr::intSpec("units", "Units", 1, 4096, "Length of each token's vector")};
}

std::string Embedding::summary() const
{
    return "Embedding " + std::to_string(m_vocab) + " -> " + std::to_string(m_units);
}

} // namespace engine

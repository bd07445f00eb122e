#include "layers/Add.h"

namespace engine {

Shape Add::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() < 2)
        throw ShapeError("Add needs at least two inputs, got " + std::to_string(inputs.size()));
    for (std::size_t i = 1; i < inputs.size(); ++i)
        if (inputs[i] != inputs[0])
            throw ShapeError("Add needs inputs of the same shape: input 1 is "
                + inputs[0].toString() + ", input " + std::to_string(i + 1) + " is "
                + inputs[i].toString());
    return inputs[0];
}

void Add::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    out = *inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i)
        out += *inputs[i];
}

void Add::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    for (Matrix* g : gradInputs)
        if (g)
            *g = gradOut;
}

Shape Concatenate::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() < 2)
        throw ShapeError(
            "Concatenate needs at least two inputs, got " + std::to_string(inputs.size()));
    std::vector<int> dims = inputs[0].dims();
    for (std::size_t i = 1; i < inputs.size(); ++i) {
        const auto& d = inputs[i].dims();
        const bool sameLeading = d.size() == dims.size()
            && std::equal(d.begin(), d.end() - 1, inputs[0].dims().begin());
        if (!sameLeading)
            throw ShapeError("Concatenate joins the last axis; the others must agree: input 1 is "
                + inputs[0].toString() + ", input " + std::to_string(i + 1) + " is "
                + inputs[i].toString());
        dims.back() += d.back();
    }
    return Shape(dims);
}

void Concatenate::build(const std::vector<Shape>& inputs, Rng&)
{
    m_channels.clear();
    for (const Shape& s : inputs)
        m_channels.push_back(s.dims().back());
    m_positions = inputs[0].size() / m_channels[0];
}

// With channels fastest (H x W x C), each position holds a run of every input's channels.
void Concatenate::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    long total = 0;
    for (long c : m_channels)
        total += c;
    out.resize(total * m_positions, inputs[0]->cols());
    long offset = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const long c = m_channels[i];
        for (long p = 0; p < m_positions; ++p)
            out.middleRows(p * total + offset, c) = inputs[i]->middleRows(p * c, c);
        offset += c;
    }
}

void Concatenate::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    long total = 0;
    for (long c : m_channels)
        total += c;
    long offset = 0;
    for (std::size_t i = 0; i < gradInputs.size(); ++i) {
        const long c = m_channels[i];
        if (Matrix* g = gradInputs[i]) {
            g->resize(c * m_positions, gradOut.cols());
            for (long p = 0; p < m_positions; ++p)
                g->middleRows(p * c, c) = gradOut.middleRows(p * total + offset, c);
        }
        offset += c;
    }
}

} // namespace engine

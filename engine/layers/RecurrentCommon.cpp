#include "layers/RecurrentCommon.h"

#include "core/Parallel.h"
#include "graph/Attributes.h"
#include "graph/Initializer.h"

#include <Eigen/QR>

#include <cmath>

namespace engine {

namespace {

using ConstMap = Eigen::Map<const Matrix>;
using MutableMap = Eigen::Map<Matrix>;

// Element-wise work of one step costs roughly this many scalar operations per gate value
// (exp/tanh included), which decides whether splitting the columns over threads pays.
constexpr long kStepCostPerValue = 24;

/// Scalar operations of one sample's whole sequence: per step the recurrent GEMM column
/// (2 * G*H * H) and the element-wise gate work.
long sequenceCost(int steps, long gateRows, int units)
{
    return long(steps) * gateRows * (2L * units + kStepCostPerValue);
}

} // namespace

void initializeOrthogonalBlocks(Matrix& r, int units, Rng& rng)
{
    const long blocks = r.rows() / units;
    for (long g = 0; g < blocks; ++g) {
        Matrix a(units, units);
        for (long c = 0; c < units; ++c)
            for (long i = 0; i < units; ++i)
                a(i, c) = Scalar(rng.normal());
        Eigen::HouseholderQR<Matrix> qr(a);
        Matrix q = qr.householderQ() * Matrix::Identity(units, units);
        const Matrix rr = qr.matrixQR().triangularView<Eigen::Upper>();
        for (long c = 0; c < units; ++c)
            if (rr(c, c) < 0)
                q.col(c) = -q.col(c);
        r.middleRows(g * units, units) = q;
    }
}

Shape RecurrentLayer::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError(m_label + " needs one input with a known shape");
    const Shape& in = inputs[0];
    if (in.rank() > 2)
        throw ShapeError(m_label + " needs a sequence input TxF (time steps x features), got "
            + in.toString() + ": add a Reshape to " + std::to_string(in[0]) + "x"
            + std::to_string(in.size() / in[0]) + " or use Input shape TxF");
    if (m_returnSequences)
        return Shape {in.steps(), m_units};
    return Shape {m_units};
}

void RecurrentLayer::build(const std::vector<Shape>& inputs, Rng& rng)
{
    const Shape& in = inputs.at(0);
    m_steps = in.steps();
    m_features = in.stepFeatures();
    const long gh = long(m_gates) * m_units;
    // Glorot over the stacked gates, as Keras does: fan-in f, fan-out G*H.
    m_w.resize(gh, m_features);
    initialize(m_w, Initializer::GlorotUniform, m_features, gh, rng);
    m_r.resize(gh, m_units);
    if (m_recurrentInit == kUniformRecurrentInit) {
        // PyTorch's default: U(-1/sqrt(H), 1/sqrt(H)). R's spectral radius starts below 1, so
        // without gates the gradient shrinks at every step back in time (lesson 8 shows it).
        const Scalar bound = Scalar(1.0 / std::sqrt(double(m_units)));
        for (long c = 0; c < m_r.cols(); ++c)
            for (long i = 0; i < m_r.rows(); ++i)
                m_r(i, c) = Scalar(rng.uniform(-bound, bound));
    } else {
        initializeOrthogonalBlocks(m_r, m_units, rng);
    }
    m_b = Matrix::Zero(gh, 1);
    m_gradW = Matrix::Zero(gh, m_features);
    m_gradR = Matrix::Zero(gh, m_units);
    m_gradB = Matrix::Zero(gh, 1);
    buildExtra(rng);
}

void RecurrentLayer::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const long gh = long(m_gates) * m_units;
    const long tn = long(m_steps) * batch;
    if (in.rows() != long(m_steps) * m_features)
        throw ShapeError(m_label + " was built for " + std::to_string(m_steps) + "x"
            + std::to_string(m_features) + " inputs, got " + std::to_string(in.rows())
            + " values per sample");

    // All steps of all samples at once: column s*t + k of the f x (t*batch) view is step k of
    // sample s, and the (G*H) x (t*batch) result viewed as t*G*H x batch is m_pre.
    m_pre.resize(long(m_steps) * gh, batch);
    MutableMap pre(m_pre.data(), gh, tn);
    pre.noalias() = m_w * ConstMap(in.data(), m_features, tn);
    pre.colwise() += m_b.col(0);

    m_hs.resize(long(m_steps) * m_units, batch);
    if (m_zeros.rows() != m_units || m_zeros.cols() != batch)
        m_zeros = Matrix::Zero(m_units, batch);
    m_rec.resize(gh, batch);
    beginForward(batch);
    // Samples never interact, so each thread runs the whole recurrence over its own columns:
    // one fork/join per sequence instead of two per step. A team that meets 2T times per
    // batch waits for a descheduled thread at every meeting on a busy machine (2 threads ran
    // 17x slower than 1); the per-step GEMMs inside the region run single-threaded.
    parallelRanges(batch, sequenceCost(m_steps, gh, m_units), [&](long begin, long end) {
        const long count = end - begin;
        auto rec = m_rec.middleCols(begin, count);
        for (int t = 0; t < m_steps; ++t) {
            if (t == 0)
                rec.setZero();
            else
                rec.noalias() = m_r * m_hs.block(long(t - 1) * m_units, begin, m_units, count);
            stepForward(t, begin, count, m_rec);
        }
    });
    if (m_returnSequences)
        out = m_hs;
    else
        out = m_hs.bottomRows(m_units);
}

void RecurrentLayer::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const long gh = long(m_gates) * m_units;
    const long tn = long(m_steps) * batch;
    m_dPre.resize(long(m_steps) * gh, batch);
    Matrix& dRec = recGrad();
    if (&dRec != &m_dPre)
        dRec.resize(long(m_steps) * gh, batch);
    m_dH = Matrix::Zero(m_units, batch);
    beginBackward(batch);
    // Squared norm of each sample's dL/dh_t (steps x batch), summed per step after the region.
    Eigen::MatrixXd stepSquares(m_steps, batch);
    // As in forward(): every thread runs all steps back over its own columns.
    parallelRanges(batch, sequenceCost(m_steps, gh, m_units), [&](long begin, long end) {
        const long count = end - begin;
        auto dH = m_dH.middleCols(begin, count);
        for (int t = m_steps - 1; t >= 0; --t) {
            if (m_returnSequences)
                dH += gradOut.block(long(t) * m_units, begin, m_units, count);
            else if (t == m_steps - 1)
                dH += gradOut.middleCols(begin, count);
            stepSquares.row(t).segment(begin, count) = dH.colwise().squaredNorm().cast<double>();
            stepBackward(t, begin, count, m_dH);
            if (t > 0)
                dH.noalias() += m_r.transpose() * dRec.block(long(t) * gh, begin, gh, count);
        }
    });
    m_stepGradNorms.assign(std::size_t(m_steps), 0.0);
    for (int t = 0; t < m_steps; ++t)
        m_stepGradNorms[std::size_t(t)] = std::sqrt(stepSquares.row(t).sum());

    const ConstMap dPre(m_dPre.data(), gh, tn);
    m_gradW.noalias() = dPre * ConstMap(in.data(), m_features, tn).transpose();
    m_gradB = dPre.rowwise().sum();
    if (gradInputs[0]) {
        gradInputs[0]->resize(in.rows(), batch);
        MutableMap(gradInputs[0]->data(), m_features, tn).noalias() = m_w.transpose() * dPre;
    }
    finishBackward();
    // dR = sum_{t>=1} dRec_t h_{t-1}^T as one GEMM: in the (G*H) x (t*batch) view column j+1
    // of dRec pairs with column j of the hidden states, except across samples, where the pair
    // is (step 0, last step of the previous sample) and step 0's dRec is zeroed (h_{-1} = 0).
    dRec.topRows(gh).setZero();
    if (tn > 1)
        m_gradR.noalias() = ConstMap(dRec.data() + gh, gh, tn - 1)
            * ConstMap(m_hs.data(), m_units, tn - 1).transpose();
    else
        m_gradR.setZero();
}

std::vector<Param> RecurrentLayer::params()
{
    std::vector<Param> p {
        {"W", &m_w, &m_gradW, true}, {"R", &m_r, &m_gradR, true}, {"b", &m_b, &m_gradB, false}};
    appendExtraParams(p);
    return p;
}

long RecurrentLayer::paramCountFor(const std::vector<Shape>& inputs) const
{
    if (inputs.empty() || inputs[0].empty())
        return 0;
    const long gh = long(m_gates) * m_units;
    return gh * (inputs[0].stepFeatures() + m_units + 1) + extraParamCount();
}

std::optional<Layer::WeightWork> RecurrentLayer::weightWorkFor(
    const std::vector<Shape>& inputs) const
{
    if (inputs.empty() || inputs[0].empty())
        return std::nullopt;
    const double steps = inputs[0].steps();
    const double gh = double(m_gates) * m_units;
    const double inputProducts = steps * gh * inputs[0].stepFeatures(); // W x_t, every step
    const double biases = steps * (gh + double(extraParamCount())); // b (and GRU's Rb) per step
    const double recurrent = (steps - 1) * gh * m_units; // R h_{t-1}, none at t = 0 (h_{-1} = 0)
    // Backward: dW and db as forward, dR = sum dRec_t h_{t-1}^T, plus dL/dh_{t-1} = R^T dRec_t
    // (needed for every parameter gradient, input gradient or not).
    return WeightWork {
        inputProducts + biases + recurrent, inputProducts + biases + 2 * recurrent, inputProducts};
}

nlohmann::json RecurrentLayer::attributes() const
{
    return {{"units", m_units}, {"return_sequences", m_returnSequences},
        {"recurrent_initializer", m_recurrentInit}};
}

void RecurrentLayer::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    int units = m_units;
    bool sequences = m_returnSequences;
    attr::read(attrs, specs[0], units);
    attr::read(attrs, specs[1], sequences);
    std::string recurrentInit = m_recurrentInit;
    attr::read(attrs, specs[2], recurrentInit);
    m_units = units;
    m_returnSequences = sequences;
    m_recurrentInit = recurrentInit;
}

std::vector<AttributeSpec> RecurrentLayer::attributeSpecs() const
{
    return {attr::intSpec("units", "Units", 1, 4096, "Size of the hidden state h"),
        attr::boolSpec("return_sequences", "Return sequences",
            "Output every step's hidden state (TxUnits) instead of the last one"),
        attr::choiceSpec("recurrent_initializer", "Recurrent init",
            {kOrthogonalRecurrentInit, kUniformRecurrentInit},
            "Initial recurrent weights R: orthogonal (Keras' default; keeps the state's norm "
            "over time) or uniform in +-1/sqrt(units) (PyTorch's default; shrinks it)")};
}

std::string RecurrentLayer::summary() const
{
    return m_label + " " + std::to_string(m_units) + (m_returnSequences ? ", sequences" : "");
}

} // namespace engine

#pragma once
// The machinery shared by SimpleRNN, LSTM and GRU: shapes, attributes, parameters and the
// batched unrolling over time with full backpropagation through time.
//
// Input: a sequence {t, f} stored time-major per column (Shape.h), or a vector {n} read as n
// steps of one feature. Output: the last hidden state {units}, or with return_sequences every
// hidden state {t, units} (time-major again). The initial state is zero.
//
// Parameters, in ONNX's layout so that export copies them (G = gates, H = units):
//   W: G*H x f  input weights, gate blocks stacked in ONNX order (RNN: -, LSTM: i o f c,
//                GRU: z r h)
//   R: G*H x H  recurrent weights, same stacking
//   b: G*H x 1  input bias (ONNX Wb; its Rb is zero, except GRU's recurrent candidate bias)
//
// Speed: the input projections of all steps of the whole batch are one GEMM, W (G*H x f) times
// the input viewed as f x (t * batch). The recurrence is split over threads by samples (column
// ranges), each thread running every step of its columns: a GEMM R h_{t-1} and the element-wise
// gate work, with no synchronisation between steps. Backward mirrors it: per thread and step a
// GEMM dL/dh_{t-1} = R^T dRec_t, then one (multi-threaded) GEMM each for dW, dR and dL/dx over
// all steps of the batch.

#include "graph/Layer.h"

#include <Eigen/Core>

namespace engine {

inline constexpr const char* kOrthogonalRecurrentInit = "orthogonal";
inline constexpr const char* kUniformRecurrentInit = "uniform";

/// Block of `rows` rows starting at `row`, columns [col, col + count) of a matrix.
using MatrixBlock = Eigen::Block<Matrix>;

class RecurrentLayer : public Layer {
public:
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in: t*f x batch (time-major); out: units x batch, or t*units x batch with sequences
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // Backpropagation through time over the whole sequence:
    // dW = sum_t dPre_t x_t^T; dR = sum_t dRec_t h_{t-1}^T; db = sum_t rowsum(dPre_t)
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    std::optional<WeightWork> weightWorkFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int units() const { return m_units; }
    bool returnSequences() const { return m_returnSequences; }
    int gateCount() const { return m_gates; }
    int steps() const { return m_steps; }
    int stepFeatures() const { return m_features; }

    /// Every hidden state of the last forward(): t*units x batch, time-major (for views).
    const Matrix& hiddenStates() const { return m_hs; }
    /// ||dL/dh_t||_F over the batch (H x batch, so the root of the sum over samples of each
    /// sample's squared norm) for every step t of the last backward(); empty before one. dL/dh_t
    /// is the whole gradient reaching h_t: from the output at t (with sequences) plus from every
    /// later step. Its decay toward t = 0 is the vanishing gradient of backpropagation through
    /// time. One norm per step per batch, so recording it costs one pass over dL/dh_t.
    const std::vector<double>& stepGradientNorms() const { return m_stepGradNorms; }

protected:
    RecurrentLayer(int gates, std::string label)
        : m_gates(gates)
        , m_label(std::move(label))
    { }

    /// Extra parameters after W, R, b (GRU's recurrent candidate bias); sized in build().
    virtual void buildExtra(Rng& rng) { (void)rng; }
    virtual void appendExtraParams(std::vector<Param>& p) { (void)p; }
    virtual long extraParamCount() const { return 0; }

    /// Allocates per-sequence caches for `batch` columns before the first step.
    virtual void beginForward(long batch) { (void)batch; }
    /// Step t for columns [begin, begin + count): m_pre block t holds W x_t + b and `rec`
    /// holds R h_{t-1} (zero at t = 0). Writes h_t into m_hs and keeps what backward needs
    /// (activated gates may overwrite m_pre).
    virtual void stepForward(int t, long begin, long count, const Matrix& rec) = 0;

    virtual void beginBackward(long batch) { (void)batch; }
    /// Given dH = dL/dh_t (H x batch, columns [begin, begin + count)), writes dL/d(pre-
    /// activations) of step t into m_dPre, the gradient reaching R h_{t-1} into recGrad() (the
    /// same matrix except for GRU), and replaces dH with the part of dL/dh_{t-1} that does not
    /// flow through R (zero except for GRU).
    virtual void stepBackward(int t, long begin, long count, Matrix& dH) = 0;
    /// Gradients of the extra parameters, once every step's recGrad() is known.
    virtual void finishBackward() { }
    /// Where stepBackward() writes dL/d(R h_{t-1} + ...) for all steps: t*G*H x batch.
    virtual Matrix& recGrad() { return m_dPre; }

    /// h_{t-1} for columns [begin, begin + count): zeros at t = 0.
    Eigen::Block<const Matrix> hPrev(int t, long begin, long count) const
    {
        return t == 0 ? Eigen::Block<const Matrix>(m_zeros, 0, begin, m_units, count)
                      : Eigen::Block<const Matrix>(m_hs, (t - 1) * m_units, begin, m_units, count);
    }
    /// Rows [gate*H, (gate+1)*H) of step t of a t*G*H x batch matrix, columns [begin, +count).
    MatrixBlock gate(Matrix& m, int t, int gate, long begin, long count) const
    {
        return m.block(long(t) * m_gates * m_units + long(gate) * m_units, begin, m_units, count);
    }
    MatrixBlock step(Matrix& m, int t, long begin, long count) const
    {
        return m.block(long(t) * m_units, begin, m_units, count);
    }

    const int m_gates;
    const std::string m_label;
    int m_units = 16;
    bool m_returnSequences = false;
    std::string m_recurrentInit = kOrthogonalRecurrentInit;
    int m_steps = 0;
    int m_features = 0;

    Matrix m_w, m_r, m_b, m_gradW, m_gradR, m_gradB;
    Matrix m_pre; ///< t*G*H x batch: W x_t + b, then whatever the cell keeps of its gates
    Matrix m_hs; ///< t*H x batch: h_t, time-major
    Matrix m_dPre; ///< t*G*H x batch: dL/d(gate pre-activations)
    Matrix m_zeros; ///< H x batch zeros: h_{-1} and c_{-1}

private:
    Matrix m_rec; ///< G*H x batch: R h_{t-1} of the current step
    Matrix m_dH; ///< H x batch: dL/dh_t of the current step
    std::vector<double> m_stepGradNorms; ///< t entries, see stepGradientNorms()
};

/// Orthogonal initialization of each H x H gate block of R (Saxe et al. 2014): Q of the QR
/// decomposition of a standard normal matrix, sign-corrected so it is uniformly distributed.
void initializeOrthogonalBlocks(Matrix& r, int units, Rng& rng);

} // namespace engine

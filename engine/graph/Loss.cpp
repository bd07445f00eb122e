#include "graph/Loss.h"

#include "graph/Activations.h"

#include <cmath>

namespace engine {

const Matrix& denseTargets(const Matrix& pred, const Matrix& target, Matrix& scratch)
{
    if (target.rows() == pred.rows() || target.rows() != 1 || pred.rows() == 1)
        return target;
    scratch.setZero(pred.rows(), pred.cols());
    for (Eigen::Index c = 0; c < pred.cols(); ++c) {
        const auto k = static_cast<Eigen::Index>(target(0, c));
        if (k >= 0 && k < pred.rows())
            scratch(k, c) = Scalar(1);
    }
    return scratch;
}

void Loss::predictLabels(const Matrix& pred, std::vector<int>& labels) const
{
    labels.resize(static_cast<std::size_t>(pred.cols()));
    for (Eigen::Index c = 0; c < pred.cols(); ++c) {
        if (pred.rows() == 1) {
            labels[std::size_t(c)] = pred(0, c) > Scalar(0.5) ? 1 : 0;
        } else {
            Eigen::Index best = 0;
            pred.col(c).maxCoeff(&best);
            labels[std::size_t(c)] = static_cast<int>(best);
        }
    }
}

std::optional<std::string> Loss::checkOutput(long outputs, int numClasses, long targetRows) const
{
    if (numClasses > 0) {
        if (outputs == numClasses || (outputs == 1 && numClasses == 2))
            return std::nullopt;
        return "the network has " + std::to_string(outputs) + " outputs but the dataset has "
            + std::to_string(numClasses) + " classes (use " + std::to_string(numClasses)
            + (numClasses == 2 ? " or 1" : "") + ")";
    }
    if (outputs == targetRows)
        return std::nullopt;
    return "the network has " + std::to_string(outputs) + " outputs but the dataset has "
        + std::to_string(targetRows) + " targets";
}

namespace {

class MeanSquaredError final : public Loss {
public:
    std::string type() const override { return "mse"; }
    // Mean over all elements, as PyTorch's MSELoss and Keras's mean_squared_error.
    double value(const Matrix& pred, const Matrix& target) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        return double((pred - t).squaredNorm()) / double(std::max<Eigen::Index>(1, pred.size()));
    }
    void gradient(const Matrix& pred, const Matrix& target, Matrix& grad) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        grad = (pred - t) * (Scalar(2) / Scalar(std::max<Eigen::Index>(1, pred.size())));
    }
};

class MeanAbsoluteError final : public Loss {
public:
    std::string type() const override { return "mae"; }
    double value(const Matrix& pred, const Matrix& target) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        return double((pred - t).cwiseAbs().sum()) / double(std::max<Eigen::Index>(1, pred.size()));
    }
    void gradient(const Matrix& pred, const Matrix& target, Matrix& grad) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        grad = (pred - t).array().sign().matrix()
            * (Scalar(1) / Scalar(std::max<Eigen::Index>(1, pred.size())));
    }
};

/// Sigmoid + binary cross-entropy on logits z, per element:
/// L = max(z, 0) - z t + log(1 + e^-|z|), which never overflows; dL/dz = sigmoid(z) - t.
class BinaryCrossEntropy final : public Loss {
public:
    std::string type() const override { return "binary_crossentropy"; }
    double value(const Matrix& pred, const Matrix& target) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        const auto z = pred.array();
        const auto l = z.max(Scalar(0)) - z * t.array() + (Scalar(1) + (-z.abs()).exp()).log();
        return double(l.sum()) / double(std::max<Eigen::Index>(1, pred.cols()));
    }
    void gradient(const Matrix& pred, const Matrix& target, Matrix& grad) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        Matrix p;
        activationForward(ActivationKind::Sigmoid, 0, pred, p);
        grad = (p - t) * (Scalar(1) / Scalar(std::max<Eigen::Index>(1, pred.cols())));
    }
    void outputTransform(const Matrix& pred, Matrix& out) const override
    {
        activationForward(ActivationKind::Sigmoid, 0, pred, out);
    }
    void predictLabels(const Matrix& pred, std::vector<int>& labels) const override
    {
        if (pred.rows() != 1)
            return Loss::predictLabels(pred, labels);
        labels.resize(std::size_t(pred.cols()));
        for (Eigen::Index c = 0; c < pred.cols(); ++c)
            labels[std::size_t(c)] = pred(0, c) > 0 ? 1 : 0;
    }
    std::optional<std::string> checkOutput(long outputs, int numClasses,
                                           long targetRows) const override
    {
        if (numClasses > 2 && outputs != numClasses)
            return "binary cross-entropy on " + std::to_string(numClasses)
                + " classes needs one output per class; use softmax cross-entropy for "
                  "mutually exclusive classes";
        return Loss::checkOutput(outputs, numClasses, targetRows);
    }
};

/// Softmax fused with cross-entropy on logits: L = logsumexp(z) - z_target per sample, computed
/// with the column max subtracted; dL/dz = softmax(z) - onehot(target).
class SoftmaxCrossEntropy final : public Loss {
public:
    std::string type() const override { return "softmax_crossentropy"; }
    double value(const Matrix& pred, const Matrix& target) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        const RowVector mx = pred.colwise().maxCoeff();
        const RowVector lse
            = ((pred.rowwise() - mx).array().exp().colwise().sum().log().matrix() + mx);
        // sum_k t_k (lse - z_k), which is lse - z_target for one-hot targets
        const double l = (t.array().rowwise() * lse.array()).sum() - (t.array() * pred.array()).sum();
        return l / double(std::max<Eigen::Index>(1, pred.cols()));
    }
    void gradient(const Matrix& pred, const Matrix& target, Matrix& grad) const override
    {
        Matrix scratch;
        const Matrix& t = denseTargets(pred, target, scratch);
        activationForward(ActivationKind::Softmax, 0, pred, grad);
        const RowVector tsum = t.colwise().sum();
        grad = (grad.array().rowwise() * tsum.array()).matrix() - t;
        grad *= Scalar(1) / Scalar(std::max<Eigen::Index>(1, pred.cols()));
    }
    void outputTransform(const Matrix& pred, Matrix& out) const override
    {
        activationForward(ActivationKind::Softmax, 0, pred, out);
    }
    std::optional<std::string> checkOutput(long outputs, int numClasses,
                                           long targetRows) const override
    {
        if (numClasses > 0 && outputs != numClasses)
            return "softmax cross-entropy needs one output per class: the dataset has "
                + std::to_string(numClasses) + " classes, the network " + std::to_string(outputs)
                + " outputs";
        if (numClasses == 0 && outputs < 2)
            return "softmax cross-entropy needs at least 2 outputs";
        return numClasses > 0 ? std::nullopt : Loss::checkOutput(outputs, 0, targetRows);
    }
};

} // namespace

std::vector<std::string> Loss::types()
{
    return {"mse", "mae", "binary_crossentropy", "softmax_crossentropy"};
}

std::unique_ptr<Loss> Loss::create(const std::string& type)
{
    if (type == "mse")
        return std::make_unique<MeanSquaredError>();
    if (type == "mae")
        return std::make_unique<MeanAbsoluteError>();
    if (type == "binary_crossentropy")
        return std::make_unique<BinaryCrossEntropy>();
    if (type == "softmax_crossentropy")
        return std::make_unique<SoftmaxCrossEntropy>();
    return nullptr;
}

std::string Loss::label(const std::string& type)
{
    if (type == "mse")
        return "Mean squared error";
    if (type == "mae")
        return "Mean absolute error";
    if (type == "binary_crossentropy")
        return "Binary cross-entropy";
    if (type == "softmax_crossentropy")
        return "Softmax cross-entropy";
    return type;
}

} // namespace engine

#include "layers/LayerRegistry.h"

#include "layers/Activation.h"
#include "layers/Add.h"
#include "layers/BatchNorm.h"
#include "layers/Conv2D.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"
#include "layers/Embedding.h"
#include "layers/Gru.h"
#include "layers/Input.h"
#include "layers/LayerNorm.h"
#include "layers/LossNode.h"
#include "layers/Lstm.h"
#include "layers/Pooling.h"
#include "layers/Reshape.h"
#include "layers/SimpleRnn.h"
#include "layers/TimeDistributed.h"

#include <functional>
#include <map>

namespace engine {

namespace {

using Factory = std::function<std::unique_ptr<Layer>()>;

const std::map<std::string, Factory>& factories()
{
    static const std::map<std::string, Factory> f {
        {"Input", [] { return std::make_unique<Input>(); }},
        {"Dense", [] { return std::make_unique<Dense>(); }},
        {"Activation", [] { return std::make_unique<Activation>(); }},
        {"Dropout", [] { return std::make_unique<Dropout>(); }},
        {"Add", [] { return std::make_unique<Add>(); }},
        {"Concatenate", [] { return std::make_unique<Concatenate>(); }},
        {"Loss", [] { return std::make_unique<LossNode>(); }},
        {"Conv2D", [] { return std::make_unique<Conv2D>(); }},
        {"MaxPool2D", [] { return std::make_unique<MaxPool2D>(); }},
        {"AveragePool2D", [] { return std::make_unique<AveragePool2D>(); }},
        {"GlobalAveragePool2D", [] { return std::make_unique<GlobalAveragePool2D>(); }},
        {"GlobalMaxPool2D", [] { return std::make_unique<GlobalMaxPool2D>(); }},
        {"Flatten", [] { return std::make_unique<Flatten>(); }},
        {"Reshape", [] { return std::make_unique<Reshape>(); }},
        {"BatchNorm", [] { return std::make_unique<BatchNorm>(); }},
        {"LayerNorm", [] { return std::make_unique<LayerNorm>(); }},
        {"SimpleRNN", [] { return std::make_unique<SimpleRnn>(); }},
        {"LSTM", [] { return std::make_unique<Lstm>(); }},
        {"GRU", [] { return std::make_unique<Gru>(); }},
        {"Embedding", [] { return std::make_unique<Embedding>(); }},
        {"TimeDistributed", [] { return std::make_unique<TimeDistributed>(); }},
    };
    return f;
}

} // namespace

const std::vector<LayerInfo>& LayerRegistry::entries()
{
    static const std::vector<LayerInfo> e {
        {"Input", "Core", "Input", "x: one sample of the dataset", R"({"shape":[]})"},
        {"Dense", "Core", "Dense", "y = f(W x + b)", R"({"units":8,"activation":"relu"})"},
        {"Activation", "Activations", "ReLU", "y = max(0, x)", R"({"function":"relu"})"},
        {"Activation", "Activations", "Sigmoid", "y = 1 / (1 + e^-x)", R"({"function":"sigmoid"})"},
        {"Activation", "Activations", "Tanh", "y = (e^x - e^-x) / (e^x + e^-x)",
            R"({"function":"tanh"})"},
        {"Activation", "Activations", "Leaky ReLU", "y = x if x > 0 else 0.01 x",
            R"({"function":"leaky_relu","alpha":0.01})"},
        {"Activation", "Activations", "ELU", "y = x if x > 0 else e^x - 1",
            R"({"function":"elu","alpha":1.0})"},
        {"Activation", "Activations", "GELU", "y = x * Phi(x)  (Phi: normal CDF)",
            R"({"function":"gelu"})"},
        {"Activation", "Activations", "Softmax", "y_i = e^x_i / sum_j e^x_j",
            R"({"function":"softmax"})"},
        {"Activation", "Activations", "ReLU6", "y = min(max(0, x), 6)", R"({"function":"relu6"})"},
        {"Activation", "Activations", "Log-softmax", "y_i = x_i - log sum_j e^x_j",
            R"({"function":"log_softmax"})"},
        {"Activation", "Activations", "Identity", "y = x", R"({"function":"identity"})"},
        {"Dropout", "Regularization", "Dropout",
            "training: y = x * m / (1 - p), m ~ Bernoulli(1 - p); inference: y = x",
            R"({"rate":0.5})"},
        {"Conv2D", "Convolution", "Conv2D",
            "y[i,j,o] = f(b[o] + sum_{k,l,c} W[o,k,l,c] x[i*s+k*d, j*s+l*d, c])",
            R"({"filters":8,"kernel":3,"activation":"relu"})"},
        {"MaxPool2D", "Convolution", "MaxPool2D", "y[i,j,c] = max over the window of x[., ., c]",
            R"({"pool":2})"},
        {"AveragePool2D", "Convolution", "AveragePool2D",
            "y[i,j,c] = mean over the window of x[., ., c]", R"({"pool":2})"},
        {"GlobalAveragePool2D", "Convolution", "GlobalAveragePool2D",
            "HxWxC -> C: y[c] = mean over all pixels of x[., ., c]", "{}"},
        {"GlobalMaxPool2D", "Convolution", "GlobalMaxPool2D",
            "HxWxC -> C: y[c] = max over all pixels of x[., ., c]", "{}"},
        {"Flatten", "Convolution", "Flatten", "HxWxC -> H*W*C features (data unchanged)", "{}"},
        {"Reshape", "Core", "Reshape", "same values, new shape (e.g. 784 -> 28x28x1)",
            R"({"shape":[28,28,1]})"},
        {"BatchNorm", "Normalization", "BatchNorm",
            "y = gamma (x - mu_batch) / sqrt(var_batch + eps) + beta, per channel", "{}"},
        {"LayerNorm", "Normalization", "LayerNorm",
            "y = gamma (x - mu_sample) / sqrt(var_sample + eps) + beta", "{}"},
        {"SimpleRNN", "Recurrent", "SimpleRNN", "h_t = tanh(W x_t + R h_{t-1} + b)",
            R"({"units":16})"},
        {"LSTM", "Recurrent", "LSTM",
            "c_t = f c_{t-1} + i tanh(W_c x_t + R_c h_{t-1} + b_c), h_t = o tanh(c_t)",
            R"({"units":16})"},
        {"GRU", "Recurrent", "GRU",
            "h_t = (1 - z) tanh(W_h x_t + r (R_h h_{t-1}) + b_h) + z h_{t-1}", R"({"units":16})"},
        {"Embedding", "Recurrent", "Embedding", "token id k -> learned vector E[:, k]",
            R"({"vocab_size":64,"units":16})"},
        {"TimeDistributed", "Recurrent", "Dense per step",
            "y_t = f(W x_t + b) at every time step t", R"({"units":8,"activation":"identity"})"},
        {"Add", "Merge", "Add", "y = x1 + x2 + ... (residual connections)", "{}"},
        {"Concatenate", "Merge", "Concatenate", "y = [x1; x2; ...] along features", "{}"},
        {"Loss", "Output", "Loss", "L(prediction, target): MSE, MAE, cross-entropy",
            R"({"loss":"softmax_crossentropy"})"},
    };
    return e;
}

std::unique_ptr<Layer> LayerRegistry::create(const std::string& type)
{
    const auto& f = factories();
    auto it = f.find(type);
    return it == f.end() ? nullptr : it->second();
}

std::vector<std::string> LayerRegistry::types()
{
    std::vector<std::string> t;
    for (const auto& [name, factory] : factories())
        t.push_back(name);
    return t;
}

} // namespace engine

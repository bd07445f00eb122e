#include "LayerRegistry.h"

#include "layers/Activation.h"
#include "layers/Add.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"
#include "layers/Input.h"
#include "layers/LossNode.h"

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
        {"Activation", "Activations", "Identity", "y = x", R"({"function":"identity"})"},
        {"Dropout", "Regularization", "Dropout",
            "training: y = x * m / (1 - p), m ~ Bernoulli(1 - p); inference: y = x",
            R"({"rate":0.5})"},
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

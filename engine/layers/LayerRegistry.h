#pragma once

#include "graph/Layer.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace engine {

/// What the palette shows for a layer type.
struct LayerInfo {
    std::string type;     ///< registry key, e.g. "Dense"
    /// "Core", "Activations", "Convolution", "Normalization", "Recurrent",
    /// "Regularization", "Merge", "Output"
    std::string category;
    std::string label;    ///< "Dense"
    std::string formula;  ///< one line, e.g. "y = f(W x + b)"
    std::string attributes = "{}"; ///< JSON attributes preset (the Activations entries differ)
};

/// Creates layers by type name. Palette entries can be presets of one type (an "ReLU" entry is
/// an Activation layer with function "relu").
class LayerRegistry {
public:
    static const std::vector<LayerInfo>& entries();
    /// Null for an unknown type.
    static std::unique_ptr<Layer> create(const std::string& type);
    static std::vector<std::string> types();
};

} // namespace engine

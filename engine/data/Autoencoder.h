#pragma once
// Representation learning on top of the ordinary data sources: reconstruction targets
// (dataset option "target": "input"), denoising corruption of the inputs ("inputNoise"), and
// locating an autoencoder's bottleneck in a graph.

#include "data/SourceData.h"
#include "graph/Graph.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace engine {

/// Corruption applied once to every input sample after scaling (dataset option "inputNoise").
///
/// The noise is fixed per sample (drawn once at load time from `seed`), not redrawn each epoch:
/// the trainer, the CLI, the exports and the views then all see one ordinary dataset, a seed
/// reproduces a run bit for bit, and validation/test losses compare the same noisy inputs from
/// epoch to epoch. The price is that the network sees each sample's same corruption every
/// epoch, which matters little with tens of thousands of samples.
struct InputNoise {
    enum class Kind {
        None, ///< no corruption
        Gaussian, ///< x + N(0, amount^2), clipped to the clean data's [min, max]
        Masking ///< each value set to the clean data's minimum with probability `amount`
    };
    Kind kind = Kind::None;
    double amount = 0; ///< Gaussian: standard deviation in input units; Masking: fraction
    std::uint64_t seed = 1;

    bool enabled() const { return kind != Kind::None && amount > 0; }
    static std::string kindName(Kind k); ///< "none", "gaussian", "masking"

    /// From a dataset's options: "inputNoise" absent (None), a number (Gaussian sigma, seed 1),
    /// or {"type": "gaussian"|"masking", "amount": A, "seed": S}. Throws InputError whose where()
    /// is "dataset.options.inputNoise[.key]".
    static InputNoise fromOptions(const nlohmann::json& options);

    /// Corrupts x (features x n) in place. `lo`/`hi` bound the values (the clean range);
    /// `stream` separates the draws of different parts (training part, test split).
    void apply(Matrix& x, Scalar lo, Scalar hi, std::uint64_t stream) const;
};

/// True when the options ask for reconstruction ("target": "input"); false for "label" or no
/// "target". `source` decides what "target" means: for "csv" it names target columns and this
/// returns false. Throws InputError("dataset.options.target", ...) for other values.
bool reconstructionTargetRequested(const nlohmann::json& options, const std::string& source);

/// Validates "target" and "inputNoise" without data, so a bad option fails before a long load.
/// Throws InputError naming "dataset.options.<key>".
void validateRepresentationOptions(const nlohmann::json& options, const std::string& source);

/// Applies "target" and "inputNoise" to loaded, scaled data (both parts): with reconstruction,
/// y becomes the clean input (regression, one target per input value), the class labels move to
/// Dataset::classLabels and `reconstruction` is set; then the inputs are corrupted. Throws
/// InputError naming "dataset.options.<key>".
void applyRepresentationOptions(
    SourceData& parts, const nlohmann::json& options, const std::string& source);

/// The narrowest Dense layer strictly between the input and the prediction of an autoencoder
/// (a prediction with as many values as the input), i.e. its code layer; nullopt when the graph
/// is no autoencoder or has no such layer. Uses check.shapes (a compiled graph's compiled(), or
/// check() with a context). Ties go to the earlier layer.
std::optional<NodeId> autoencoderBottleneck(const Graph& graph, const GraphCheck& check);

/// Mean squared error per value between a network's reconstructions and the clean targets
/// (features x n each), i.e. what the "mse" loss reports.
double reconstructionMse(const Matrix& reconstruction, const Matrix& target);

} // namespace engine

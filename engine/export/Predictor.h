#pragma once
// Predictions of a trained network for new samples: loading the model (a trained project or an
// ONNX file NetCanvas exported), reading samples from CSV, and the predictions as a table.
// Shared by `netcanvas-train predict` and the GUI's Predict dialog, so both give the same
// numbers and the same messages.

#include "core/Types.h"
#include "data/Dataset.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "project/Project.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace engine {

/// A compiled network with its trained weights, ready for Mode::Inference forward passes.
struct TrainedModel {
    Project project;
    Graph graph;
    GraphContext context; ///< data shapes the graph is compiled for
    bool classification = false;
    std::unique_ptr<Loss> loss; ///< never null
    /// The input scaling of training, applied to new inputs by predict() (identity when the
    /// model was trained on raw inputs).
    FeatureScaling scaling;
    /// The data's class names, one per class (Iris species, Fashion-MNIST classes); empty for
    /// regression and where the classes have no names but their numbers.
    std::vector<std::string> classNames;
    /// predict()'s scaled copy of a chunk of samples, kept between calls so that repeated
    /// predictions reuse its memory instead of faulting in fresh pages each time.
    Matrix inputChunk;
    long inputs() const { return context.inputShape.size(); }
};

/// `names` when they name `numClasses` classes by more than their numbers ("0", "1", ...),
/// else empty: the class names worth showing next to a predicted class index.
std::vector<std::string> meaningfulClassNames(
    const std::vector<std::string>& names, int numClasses);

/// The data shapes of a project: from its dataset when that loads (relative paths resolved
/// against `dir`; cheap for generators), else from the Input node's declared shape and the
/// loss. Throws InputError("dataset", ...) when neither works. When the dataset loads,
/// `dataScaling` (if given) receives the dataset's input scaling and `classNames` (if given)
/// its meaningfulClassNames().
GraphContext projectContext(const Project& project, const std::filesystem::path& dir,
    FeatureScaling* dataScaling = nullptr, std::vector<std::string>* classNames = nullptr);

/// Compiles the project's graph for `context` and loads project.weights (all required). The
/// input scaling is the project's stored "scalingStats", else `dataScaling`; a model trained on
/// scaled inputs without either is refused. Throws InputError: "weights" when there are none,
/// "weights.<id>.<name>" for a missing or mismatched tensor, "network" (with the problems of
/// Graph::check()) when it does not compile, "dataset.options.scalingStats" for the scaling.
TrainedModel prepareModel(
    Project project, const GraphContext& context, const FeatureScaling& dataScaling = {});

/// Loads a trained project (.json; shapes from projectContext() against the file's folder) or
/// an ONNX file NetCanvas exported (.onnx). Throws InputError whose what() starts with the
/// file's path: "model.json: weights: the project has no trained weights (train it first)".
TrainedModel loadTrainedModel(const std::filesystem::path& file);

/// Samples of a CSV file: one sample per row, so x is (columns x rows), features x batch.
struct PredictionInputs {
    Matrix x;
    bool hadHeader = false;
};

/// Parses CSV text of numbers (comma-separated; blank lines and spaces around cells ignored).
/// A first row that is not all numbers is taken as a header. Every data row must have
/// `expectedColumns` values. Throws InputError whose where() is "<fileName>: row R" or
/// "<fileName>: row R, column C" (from 1, rows are lines of the file, as in a spreadsheet), or
/// "<fileName>" when there are no data rows.
PredictionInputs parsePredictionCsv(
    const std::string& text, long expectedColumns, const std::string& fileName);

/// Reads and parses the file (see parsePredictionCsv; fileName = the path as given).
PredictionInputs readPredictionCsv(const std::filesystem::path& file, long expectedColumns);

/// The network's answers for samples: the prediction after the loss's output transform
/// (probabilities for the cross-entropies), plus the predicted class for classification.
struct Predictions {
    /// "p1" (binary, sigmoid), "p0".."pK-1" (classes), "y" or "y0".. (regression), then
    /// "label" for classification, then "label_name" where the model has class names.
    std::vector<std::string> columns;
    Matrix values; ///< outputs x samples
    std::vector<int> labels; ///< one per sample for classification, else empty
    std::vector<std::string> classNames; ///< the model's class names, indexed by label, or empty
    /// The name of sample i's predicted class, or its number when the classes have no names.
    std::string labelName(long i) const;
    long samples() const { return values.cols(); }
};

/// The samples predict() passes through `graph` at once: as many as keep its widest layer output
/// within the cache, more with more threads (16 to 4096).
long samplesPerChunk(const Graph& graph);

/// Scales x as in training, then runs forward passes in chunks of nearly equal size, at most
/// samplesPerChunk() each (cached activations, bounded memory for large inputs). x: inputs() x
/// samples, raw values as in the CSV. Unscaled inputs of one chunk go to the network without a
/// copy.
Predictions predict(TrainedModel& model, const Matrix& x);

/// Header line and one row per sample; values are the shortest text that reads back as the
/// same number, class names are quoted as CSV needs (RFC 4180).
std::string predictionsCsv(const Predictions& predictions);

/// A value as predictionsCsv() writes it.
std::string formatPrediction(Scalar value);

} // namespace engine

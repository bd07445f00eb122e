#pragma once

#include "core/Errors.h"
#include "core/PathPolicy.h"
#include "data/Dataset.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine {

/// Where a project's data comes from (the project file's "dataset" object).
///
/// Sources and their options (all optional):
/// - "generator": `generator`, `samples`, `noise`, `seed`.
/// - "csv": `path` names the file; options as CsvOptions::fromJson ("target", "task",
///   "delimiter", "header").
/// - "idx": `path` names the images file; options "labels" (the labels file, required),
///   "testImages" and "testLabels" (a predefined test split).
/// - "fashion-mnist": `path` is the folder holding the four Fashion-MNIST files (.gz or plain),
///   by default kFashionMnistDir; comes with its own 10,000-image test split.
/// - "mnist": `path` is the folder holding the four MNIST files of the same standard names
///   (required: no Debian package installs MNIST); its own 10,000-image test split.
/// - "timeseries": `path` names a CSV file with one row per time step, in time order; options as
///   TimeSeriesOptions::fromJson ("inputs", "target", "window", "horizon", "validation", "test",
///   "scaling", "delimiter", "header", "limit"). Samples are windows {T, F} -> the target H
///   steps later, split by time by the source itself (SourceData::splitInOrder).
/// Options of every file source: "scaling": "none" | "standardize" | "minmax" (per feature,
/// statistics from the training part; images are first divided by 255 in any case),
/// "limit": N (the subset size: keep the first N samples of each part), "imageShape": true |
/// false (images as HxWxC, the default, or as flat vectors), "scalingStats": {"method", "shift":
/// [...], "scale": [...]} (the statistics a model was trained with: used instead of recomputing
/// them when the method and the feature count match, and by `netcanvas-train predict` to scale new
/// inputs). Representation learning (every source but "csv", whose "target" names columns; see
/// Autoencoder.h): "target": "input" makes the clean, scaled input the regression target;
/// "inputNoise": sigma | {"type": "gaussian" | "masking", "amount", "seed"} corrupts the inputs
/// once per sample after scaling (a denoising autoencoder's inputs).
struct DatasetSpec {
    /// "generator", "csv", "idx", "fashion-mnist", "mnist" or "timeseries" (see above).
    std::string source = "generator";
    std::string generator = "xor"; ///< for source "generator"
    int samples = 400; ///< for generators
    double noise = 0.0; ///< for generators, in [0, 1] (fraction of the data's scale)
    std::uint64_t seed = 1; ///< for generators
    std::string path; ///< file or folder; relative to the project file's folder
    nlohmann::json options = nlohmann::json::object(); ///< source-specific (CSV columns, ...)
    /// "classNames": the names of classes 0..K-1 of a classified file source, shown wherever a
    /// class is named (image labels, class counts, predictions). Empty: the source's own names
    /// (sourceClassNames()). More names than the data's classes raise the class count (a subset
    /// may lack the last class); fewer are an error when the data loads.
    std::vector<std::string> classNames;

    nlohmann::json toJson() const;
    static DatasetSpec fromJson(const nlohmann::json& j); ///< throws InputError (relative where)
};

/// {"method": ..., "shift": [...], "scale": [...]}.
nlohmann::json scalingToJson(const FeatureScaling& scaling);
/// Throws InputError whose where() is relative ("shift", "scale", "method").
FeatureScaling scalingFromJson(const nlohmann::json& j);
/// The statistics stored in spec.options["scalingStats"], or the identity (method "none") when
/// absent. Throws InputError("dataset.options.scalingStats...") when malformed.
FeatureScaling storedScaling(const DatasetSpec& spec);
/// The scaling method a spec asks for: options "scaling", "none" by default.
std::string scalingMethod(const DatasetSpec& spec);

/// The TensorFlow-Playground generators: "circle", "xor", "gaussians", "spiral" (2 classes,
/// inputs in [-6, 6]^2 like the Playground) and "plane", "multi_gaussian" (regression, one
/// target in [-1, 1]). Plus "and", "or" (the perceptron lesson's 4-point truth tables, repeated).
/// Then the sequence generators of SequenceGenerators.h ("sine", "multi_sine", "first_bit",
/// "adding", "char_text"), whose samples are sequences {T, F} and which read spec.options.
std::vector<std::string> generatorNames();
bool isGeneratorRegression(const std::string& name);
/// Throws InputError("generator", ...) for an unknown name or samples < 1. Sequence generators
/// get their default options (e.g. their default length).
Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed);
/// The same with a generator's options (spec.options: "length", ...); a bad option throws
/// InputError("options.<key>", ...).
Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed,
    const nlohmann::json& options);
/// generateDataset(spec.generator, spec.samples, spec.noise, spec.seed, spec.options): what a
/// project's generator source produces.
Dataset generateDataset(const DatasetSpec& spec);

/// Where the Debian package dataset-fashion-mnist installs the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// "generator", "csv", "idx", "fashion-mnist", "mnist", "timeseries"
std::vector<std::string> datasetSourceNames();

/// The class names a spec's data will carry, known without reading it: spec.classNames when
/// given, else the source's own (Fashion-MNIST's ten garment names, MNIST's "0".."9"), else empty
/// (known only once loaded: CSV labels, IDX indices).
std::vector<std::string> sourceClassNames(const DatasetSpec& spec);

/// The data of a source as it comes: some sources have their own test split.
struct SourceData {
    Dataset data; ///< every sample, or the training part when `test` is not empty
    Dataset test; ///< the source's predefined test split (Fashion-MNIST: 10,000 images) or empty
    Dataset validation; ///< the source's own validation split (only with splitInOrder)
    /// The source split its samples in time order itself (time series: data, then validation,
    /// then test, no window crossing a boundary). splitSourceData() then keeps the three parts
    /// as they are: no sample moves between them and validationFraction/testFraction are not
    /// used. The trainer may still shuffle inside the training part.
    bool splitInOrder = false;
};

/// Progress and cancellation of a long load, both used on the loading thread: progress between
/// the stages of the load (reading each file, scaling), the cancel flag also inside the readers
/// (per MiB read and every few thousand CSV rows), so a cancelled load ends promptly.
struct LoadMonitor {
    /// fraction in [0, 1] and what is being done ("reading train-images-idx3-ubyte.gz").
    std::function<void(double fraction, const std::string& stage)> progress;
    const std::atomic<bool>* cancel = nullptr; ///< when set to true: throws LoadCancelled
};

/// Loads or generates the data a spec names, with the options applied (limit, scaling, shape).
/// `projectDir` resolves relative paths. Files are read only where `policy` lets the project
/// read (else PathNotAllowed, where() the setting naming the file) and only if they are regular
/// files (see DataFile.h). Throws InputError: where() is "dataset.<key>" for a bad
/// setting (e.g. "dataset.options.scaling", "dataset.path" when Fashion-MNIST is not installed,
/// with the command that installs it) and starts with the file's path for a problem inside a data
/// file ("data/iris.csv: row 12, column 3").
/// The scaling applied is recorded in each Dataset's `scaling` (the stored "scalingStats" when they
/// match the method and the feature count, else statistics of the training part).
SourceData loadDatasetParts(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    const LoadMonitor& monitor = {}, const PathPolicy& policy = {});

/// loadDatasetParts(...).data: all samples (the training part for sources with a test split).
Dataset loadDataset(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    const PathPolicy& policy = {});

/// Loads and splits for training. A source that split in order keeps its parts (both fractions
/// are ignored); a source with its own test split keeps it (testFraction is ignored) and
/// validation is taken from its training part; otherwise splitDataset().
DatasetSplits loadDatasetSplits(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    double validationFraction, double testFraction, std::uint64_t seed,
    const PathPolicy& policy = {});
/// The same split of data already loaded by loadDatasetParts().
DatasetSplits splitSourceData(
    SourceData parts, double validationFraction, double testFraction, std::uint64_t seed);

} // namespace engine

#pragma once
// The spec of a project's data: its JSON form, the validation of its fields and the stored
// feature scaling. Loading what it names: DatasetLoading.h.

#include "core/Errors.h"
#include "data/Dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
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

    /// False for a file source whose file is not chosen yet (an imported model, before the user
    /// picks data to fine-tune on): such a spec cannot load, so nothing may claim it is ready.
    bool hasData() const
    {
        return source == "generator" || source == "fashion-mnist" || !path.empty();
    }

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

/// Where the Debian package dataset-fashion-mnist installs the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// "generator", "csv", "idx", "fashion-mnist", "mnist", "timeseries"
std::vector<std::string> datasetSourceNames();
/// Throws InputError(where, "unknown data source '...' (expected one of: ...)") unless `source`
/// is one of datasetSourceNames().
void checkSourceName(const std::string& source, const std::string& where);

/// The class names a spec's data will carry, known without reading it: spec.classNames when
/// given, else the source's own (Fashion-MNIST's ten garment names, MNIST's "0".."9"), else empty
/// (known only once loaded: CSV labels, IDX indices).
std::vector<std::string> sourceClassNames(const DatasetSpec& spec);

} // namespace engine

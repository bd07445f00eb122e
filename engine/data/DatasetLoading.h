#pragma once
// Loading the data a DatasetSpec names: the dispatch over its sources (generators, CSV, IDX,
// MNIST folders, time series), then the spec's options (limit, scaling, class names,
// representation learning) and the split for training.

#include "core/Errors.h"
#include "core/PathPolicy.h"
#include "data/DatasetSpec.h"
#include "data/SourceData.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace engine {

/// generateDataset(spec.generator, spec.samples, spec.noise, spec.seed, spec.options)
/// (DatasetGenerators.h): what a project's generator source produces.
Dataset generateDataset(const DatasetSpec& spec);

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

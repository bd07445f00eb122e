#pragma once
// Reads a time series from a CSV file (one row per time step, in time order) and cuts it into
// forecasting windows: T steps of the input column(s) -> the target column(s) H steps later.

#include "data/SourceData.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace engine {

/// The options of the "timeseries" dataset source (DatasetSpec::options).
struct TimeSeriesOptions {
    /// Input columns by name or 0-based index ("-1" is the last); empty: the target columns
    /// (the usual forecast of a series from its own past).
    std::vector<std::string> inputs;
    std::vector<std::string> targets; ///< same; empty: the last column
    int window = 10; ///< T: steps per input window, >= 1
    int horizon = 1; ///< H: the target is H steps after the window's last step, >= 1
    double validation = 0.2; ///< the last fraction of the series, in [0, 0.9]
    double test = 0.0; ///< the very last fraction (after validation), in [0, 0.9]
    std::string scaling = "none"; ///< "none" | "standardize" | "minmax", inputs only
    char delimiter = 0; ///< as CsvOptions
    std::optional<bool> header; ///< as CsvOptions
    long limit = 0; ///< > 0: only the first `limit` rows of the file
    bool showCells = true; ///< as CsvOptions (readTimeSeries() decides with looksLikeCsvFile())
    const std::atomic<bool>* cancel = nullptr; ///< as CsvOptions

    /// {"inputs": name|index|[...], "target": name|index|[...], "window": T, "horizon": H,
    /// "validation": f, "test": f, "scaling": ..., "delimiter", "header", "limit"}.
    /// Throws InputError whose where() is the option's key ("window").
    static TimeSeriesOptions fromJson(const nlohmann::json& options);
};

/// How a series of `rows` steps divides in time: [0, train) | [train, train + validation) |
/// [.., rows). Each part's windows lie wholly inside it, so no window crosses a boundary and
/// neither inputs nor targets of validation or test are seen in training.
struct TimeSeriesPartition {
    long train = 0;
    long validation = 0;
    long test = 0;
    /// Windows of a part of `partRows` rows: partRows - T - H + 1 (or 0).
    static long windowsIn(long partRows, int window, int horizon);
};

/// The partition of `rows` steps by the options' fractions (rounded to the nearest step).
/// Throws InputError("<name>", ...) when the series or a non-empty part is shorter than
/// window + horizon.
TimeSeriesPartition partitionSeries(
    long rows, const TimeSeriesOptions& options, const std::string& name);

/// Parses the series and returns the windows of each part: data = training windows, validation
/// and test = the later parts' windows, all in time order, splitInOrder set. Inputs are
/// {T, F} time-major (row t*F + f is input column f at step t); targets are regression values
/// (targets x n). With scaling, the statistics come from the training rows only, per input
/// column, repeated over the window's steps; `stored` statistics are used instead when they
/// have the method and T*F features. Throws InputError: "<name>: row R, column C" for a missing
/// or non-numeric cell of a used column, "<name>" for an unknown column or a short series.
SourceData parseTimeSeries(const std::string& text, const std::string& name,
    const TimeSeriesOptions& options, const FeatureScaling& stored = {});
SourceData readTimeSeries(const std::filesystem::path& file, const TimeSeriesOptions& options,
    const FeatureScaling& stored = {});

} // namespace engine

#pragma once
// Reads a table of numbers (and class labels) from a CSV file into a Dataset.

#include "data/Dataset.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engine {

struct CsvOptions {
    char delimiter = 0; ///< ',', ';' or '\t'; 0 detects it from the first lines
    std::optional<bool> header; ///< nullopt detects it (a text cell above a number)
    /// Target columns by name or by 0-based index ("-1" is the last column); empty: the last.
    std::vector<std::string> targets;
    std::string task = "auto"; ///< "auto", "classification" or "regression"
    int maxClasses = 20; ///< auto: integer targets with at most this many values are classes
    long limit = 0; ///< > 0: read only the first `limit` data rows
    /// False: errors name a bad cell's place but do not quote it or the header (the file is not
    /// known to be a table; readCsv() decides with looksLikeCsvFile()).
    bool showCells = true;
    /// Checked per chunk while reading and every few thousand rows while parsing: when true the
    /// reader throws LoadCancelled.
    const std::atomic<bool>* cancel = nullptr;

    /// From a DatasetSpec's options: {"delimiter": ","|";"|"\t"|"auto", "header": true|false|
    /// "auto", "target": "name" | index | [...], "task": "auto"|"classification"|"regression",
    /// "limit": N}. Throws InputError whose where() is the option's key.
    static CsvOptions fromJson(const nlohmann::json& options);
};

struct CsvData {
    Dataset data;
    std::vector<std::string> featureNames; ///< header names, or "column 1", ...
    std::vector<std::string> targetNames;
    char delimiter = ',';
    bool hasHeader = false;
};

/// Parses the file. Feature columns must be numeric; a classification target may hold text
/// labels, which become class indices in sorted order (classNames keeps the text). Quoted cells
/// ("a, b", "say ""hi""") are understood; with ';' or tab delimiters a decimal comma is accepted.
/// Throws InputError whose where() is "<file>: row R, column C" (R counts the file's lines as a
/// spreadsheet does, header included; C from 1) for missing or invalid cells, "<file>: line N"
/// for a line longer than kMaxCsvLineBytes, and "<file>" for problems of the whole file (also
/// one that is not a regular file: see readDataFile()).
CsvData readCsv(const std::filesystem::path& file, const CsvOptions& options = {});

/// Same, from text in memory; `name` stands for the file name in errors.
CsvData parseCsv(const std::string& text, const std::string& name, const CsvOptions& options = {});

/// The cells of a CSV file as text, for readers with their own column rules (time series read
/// only the columns they use, so a date column may hold text). Delimiter, header, quoting and
/// `limit` follow CsvOptions; `targets` and `task` are not used.
struct CsvTable {
    std::vector<std::string> names; ///< header names, or "column 1", ...
    std::vector<long> lines; ///< the file's line number of each data row (for errors)
    std::vector<std::vector<std::string>> rows; ///< data rows, names.size() cells each
    char delimiter = ',';
    bool hasHeader = false;
};

/// Throws InputError("<name>", ...) for a file without data rows and "<name>: row R" for a row
/// whose cell count differs from the first row's. One column is fine.
CsvTable parseCsvTable(const std::string& text, const std::string& name, const CsvOptions& options);
/// The reader's number rule: trimmed, a decimal comma with ';' or tab delimiters. nullopt for
/// text and missing cells ("", "NA", "?", ...). "inf" and numbers beyond double's range (1e999,
/// read as +-inf) are numbers here, so that a data row is not mistaken for a header: store them
/// with checkedScalar, which refuses them.
std::optional<double> parseCsvNumber(const std::string& cell, char delimiter);
/// Text to double as C++ spells numbers ("-1.5e3", no leading '+'), or nullopt. A number beyond
/// double's range is +-inf (1e999), one below it 0 (1e-999).
std::optional<double> parseDecimal(std::string_view text);
/// `value` as the engine's Scalar (float). Throws InputError(where, ...) naming `cell` when float
/// cannot hold it (|value| > 3.4e38, inf, nan): stored, it would turn into inf and make training
/// end "diverged" with the wrong advice, or a prediction "-nan". `column` is appended to the
/// message (e.g. ` (column "age")`).
Scalar checkedScalar(double value, const std::string& cell, const std::string& where,
    const std::string& column = {});

} // namespace engine

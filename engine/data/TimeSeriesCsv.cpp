#include "data/TimeSeriesCsv.h"

#include "core/DataFile.h"
#include "core/Errors.h"
#include "data/CsvReader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace engine {

namespace {

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

/// The CSV reader's missing-value spellings.
bool isMissingCell(const std::string& t)
{
    return t.empty() || t == "NA" || t == "N/A" || t == "NaN" || t == "nan" || t == "?"
        || t == "null";
}

std::vector<std::string> columnList(const nlohmann::json& j, const char* key)
{
    std::vector<std::string> out;
    const auto add = [&](const nlohmann::json& t) {
        if (t.is_string() && !t.get<std::string>().empty())
            out.push_back(t.get<std::string>());
        else if (t.is_number_integer())
            out.push_back(std::to_string(t.get<long>()));
        else
            throw InputError(key,
                "expected a column name, a 0-based column index or a list of them, got "
                    + j.dump());
    };
    if (j.is_array()) {
        if (j.empty())
            throw InputError(key, "expected at least one column, got []");
        for (const auto& t : j)
            add(t);
    } else {
        add(j);
    }
    return out;
}

int positiveInt(const nlohmann::json& j, const char* key, const char* what)
{
    if (!j.is_number_integer() || j.get<long long>() < 1 || j.get<long long>() > 100000)
        throw InputError(key,
            std::string("expected the ") + what + " as an integer of at least 1, got " + j.dump());
    return j.get<int>();
}

double fraction(const nlohmann::json& j, const char* key)
{
    if (!j.is_number() || !(j.get<double>() >= 0.0 && j.get<double>() <= 0.9))
        throw InputError(key, "expected a fraction from 0 to 0.9, got " + j.dump());
    return j.get<double>();
}

std::size_t findColumn(const CsvTable& table, const std::string& column, const char* option,
    const std::string& name, bool showCells)
{
    for (std::size_t c = 0; c < table.names.size(); ++c)
        if (table.names[c] == column)
            return c;
    const long columns = long(table.names.size());
    long index = 0;
    const auto [ptr, ec] = std::from_chars(column.data(), column.data() + column.size(), index);
    if (ec == std::errc() && ptr == column.data() + column.size()) {
        if (index < 0)
            index += columns;
        if (index >= 0 && index < columns)
            return std::size_t(index);
    }
    std::string known;
    for (std::size_t c = 0; c < table.names.size() && showCells; ++c)
        known += (c ? ", " : "") + quoteExcerpt(table.names[c]);
    throw InputError(name,
        std::string("no column ") + quoteExcerpt(column) + " for \"" + option + "\" ("
            + (showCells ? "columns: " + known + "; or " : std::string()) + "an index from 0 to "
            + std::to_string(columns - 1) + ")");
}

std::vector<std::size_t> resolveColumns(const CsvTable& table,
    const std::vector<std::string>& wanted, const char* option, const std::string& name,
    bool showCells)
{
    std::vector<std::size_t> out;
    for (const auto& w : wanted) {
        const std::size_t c = findColumn(table, w, option, name, showCells);
        if (std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

/// Windows of series rows [begin, end): x from `inputs` (F x N), y from `targets` (K x N).
Dataset windows(
    const Matrix& inputs, const Matrix& targets, long begin, long end, int window, int horizon)
{
    const long f = inputs.rows();
    const long n = TimeSeriesPartition::windowsIn(end - begin, window, horizon);
    Dataset d;
    d.task = TaskKind::Regression;
    d.inputShape = Shape {window, int(f)};
    d.x.resize(long(window) * f, n);
    d.y.resize(targets.rows(), n);
    for (long i = 0; i < n; ++i) {
        const long s = begin + i;
        for (long t = 0; t < window; ++t)
            d.x.block(t * f, i, f, 1) = inputs.col(s + t);
        d.y.col(i) = targets.col(s + window - 1 + horizon);
    }
    return d;
}

std::string step(long offset)
{
    if (offset == 0)
        return "[t]";
    return offset < 0 ? "[t-" + std::to_string(-offset) + "]"
                      : "[t+" + std::to_string(offset) + "]";
}

} // namespace

TimeSeriesOptions TimeSeriesOptions::fromJson(const nlohmann::json& o)
{
    TimeSeriesOptions ts;
    if (auto it = o.find("inputs"); it != o.end())
        ts.inputs = columnList(*it, "inputs");
    if (auto it = o.find("target"); it != o.end())
        ts.targets = columnList(*it, "target");
    if (auto it = o.find("window"); it != o.end())
        ts.window = positiveInt(*it, "window", "window length (time steps per input)");
    if (auto it = o.find("horizon"); it != o.end())
        ts.horizon = positiveInt(*it, "horizon", "horizon (steps from the window to its target)");
    if (auto it = o.find("validation"); it != o.end())
        ts.validation = fraction(*it, "validation");
    if (auto it = o.find("test"); it != o.end())
        ts.test = fraction(*it, "test");
    if (ts.validation + ts.test >= 0.95)
        throw InputError(
            "validation", "validation and test fractions leave almost no series for training");
    if (auto it = o.find("scaling"); it != o.end()) {
        const std::string s = it->is_string() ? it->get<std::string>() : "";
        if (s != "none" && s != "standardize" && s != "minmax")
            throw InputError(
                "scaling", "expected \"none\", \"standardize\" or \"minmax\", got " + it->dump());
        ts.scaling = s;
    }
    // Delimiter, header and limit read as the CSV source reads them.
    nlohmann::json csv = nlohmann::json::object();
    for (const char* key : {"delimiter", "header", "limit"})
        if (auto it = o.find(key); it != o.end())
            csv[key] = *it;
    const CsvOptions c = CsvOptions::fromJson(csv);
    ts.delimiter = c.delimiter;
    ts.header = c.header;
    ts.limit = c.limit;
    return ts;
}

long TimeSeriesPartition::windowsIn(long partRows, int window, int horizon)
{
    return std::max(0L, partRows - long(window) - long(horizon) + 1);
}

TimeSeriesPartition partitionSeries(
    long rows, const TimeSeriesOptions& options, const std::string& name)
{
    const long span = long(options.window) + long(options.horizon);
    const auto needs = "a window of " + std::to_string(options.window) + " steps plus a horizon of "
        + std::to_string(options.horizon) + " needs at least " + std::to_string(span);
    if (rows < span)
        throw InputError(name, "the series has " + std::to_string(rows) + " rows, but " + needs);
    TimeSeriesPartition p;
    p.test = long(std::llround(double(rows) * options.test));
    p.validation = long(std::llround(double(rows) * options.validation));
    p.train = rows - p.validation - p.test;
    const auto check = [&](long partRows, const char* part, const char* option) {
        if (partRows < span)
            throw InputError(name,
                std::string("the ") + part + " part of the series has " + std::to_string(partRows)
                    + " of its " + std::to_string(rows) + " rows, but " + needs + "; change \""
                    + option + "\", the window or the horizon");
    };
    check(p.train, "training", "validation");
    if (options.validation > 0)
        check(p.validation, "validation", "validation");
    if (options.test > 0)
        check(p.test, "test", "test");
    return p;
}

SourceData parseTimeSeries(const std::string& text, const std::string& name,
    const TimeSeriesOptions& options, const FeatureScaling& stored)
{
    if (options.window < 1)
        throw InputError("window",
            "expected the window length as an integer of at least 1, got "
                + std::to_string(options.window));
    if (options.horizon < 1)
        throw InputError("horizon",
            "expected the horizon as an integer of at least 1, got "
                + std::to_string(options.horizon));
    CsvOptions csv;
    csv.delimiter = options.delimiter;
    csv.header = options.header;
    csv.limit = options.limit;
    csv.cancel = options.cancel;
    const CsvTable table = parseCsvTable(text, name, csv);

    const std::vector<std::size_t> targets = options.targets.empty()
        ? std::vector<std::size_t> {table.names.size() - 1}
        : resolveColumns(table, options.targets, "target", name, options.showCells);
    const std::vector<std::size_t> inputs = options.inputs.empty()
        ? targets
        : resolveColumns(table, options.inputs, "inputs", name, options.showCells);

    const long rows = long(table.rows.size());
    const TimeSeriesPartition part = partitionSeries(rows, options, name);

    // Every used cell is checked, including those only some part reads, so a bad cell anywhere
    // in the series is reported rather than silently cut off.
    const auto value = [&](std::size_t c, long row) {
        const std::string& cell = table.rows[std::size_t(row)][c];
        const std::string where = name + ": row " + std::to_string(table.lines[std::size_t(row)])
            + ", column " + std::to_string(c + 1);
        const std::string col
            = options.showCells ? " (column " + quoteExcerpt(table.names[c]) + ")" : std::string();
        const std::string t = trim(cell);
        if (const auto v = parseCsvNumber(cell, table.delimiter))
            return checkedScalar(*v, t, where, col);
        if (isMissingCell(t))
            throw InputError(where,
                "missing value" + col
                    + "; a time series needs every step: fill it in (e.g. with the previous "
                      "value)");
        if (!options.showCells)
            throw InputError(where,
                "expected a number (the cell is not shown: the file does not look like a CSV "
                "file)");
        throw InputError(where, "expected a number, got " + quoteExcerpt(t) + col);
    };
    Matrix in(long(inputs.size()), rows);
    Matrix out(long(targets.size()), rows);
    for (long r = 0; r < rows; ++r) {
        for (std::size_t f = 0; f < inputs.size(); ++f)
            in(long(f), r) = value(inputs[f], r);
        for (std::size_t k = 0; k < targets.size(); ++k)
            out(long(k), r) = value(targets[k], r);
    }

    // Statistics per input column over the training rows, repeated for each step of a window.
    FeatureScaling scaling;
    const long f = long(inputs.size());
    if (options.scaling != "none") {
        const std::size_t features = std::size_t(f) * std::size_t(options.window);
        if (stored.method == options.scaling && stored.shift.size() == features) {
            scaling = stored;
        } else {
            const FeatureScaling perColumn
                = FeatureScaling::compute(in.leftCols(part.train), options.scaling);
            scaling.method = options.scaling;
            for (int t = 0; t < options.window; ++t)
                for (long c = 0; c < f; ++c) {
                    scaling.shift.push_back(perColumn.shift[std::size_t(c)]);
                    scaling.scale.push_back(perColumn.scale[std::size_t(c)]);
                }
        }
    }

    std::vector<std::string> featureNames;
    for (int t = 0; t < options.window; ++t)
        for (std::size_t c : inputs)
            featureNames.push_back(table.names[c] + step(t - options.window + 1));
    std::vector<std::string> targetNames;
    for (std::size_t c : targets)
        targetNames.push_back(table.names[c] + step(options.horizon));

    SourceData parts;
    parts.splitInOrder = true;
    const long bounds[] = {0, part.train, part.train + part.validation, rows};
    Dataset* outParts[] = {&parts.data, &parts.validation, &parts.test};
    for (int k = 0; k < 3; ++k) {
        Dataset& d = *outParts[k];
        d = windows(in, out, bounds[k], bounds[k + 1], options.window, options.horizon);
        d.name = std::filesystem::path(name).filename().string();
        d.featureNames = featureNames;
        d.targetNames = targetNames;
        if (!scaling.isIdentity())
            scaling.apply(d.x);
        d.scaling = scaling;
    }
    return parts;
}

SourceData readTimeSeries(const std::filesystem::path& file, const TimeSeriesOptions& options,
    const FeatureScaling& stored)
{
    const std::string name = file.string();
    ReadLimits limits;
    limits.maxLineBytes = kMaxCsvLineBytes;
    limits.cancel = options.cancel;
    const std::string text = readDataFile(file, limits);
    TimeSeriesOptions checked = options;
    checked.showCells = options.showCells && looksLikeCsvFile(file, text);
    return parseTimeSeries(text, name, checked, stored);
}

} // namespace engine

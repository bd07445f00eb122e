#include "data/CsvReader.h"

#include "core/DataFile.h"
#include "core/Errors.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace engine {

namespace {

struct Record {
    long line = 0; ///< 1-based line where the record starts
    std::vector<std::string> cells;
};

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::vector<Record> splitRecords(const std::string& text, char delim,
    const std::atomic<bool>* cancel = nullptr, long maxRecords = -1)
{
    std::vector<Record> records;
    Record current;
    std::string cell;
    bool quoted = false;
    bool rowHasContent = false;
    long line = 1;
    current.line = 1;
    const auto endRecord = [&] {
        current.cells.push_back(cell);
        cell.clear();
        if (rowHasContent || current.cells.size() > 1)
            records.push_back(std::move(current));
        current = Record {};
        rowHasContent = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (ch == '\n')
                    ++line;
                cell += ch;
            }
            continue;
        }
        if (ch == '"' && trim(cell).empty()) {
            cell.clear();
            quoted = true;
            rowHasContent = true;
        } else if (ch == delim) {
            current.cells.push_back(cell);
            cell.clear();
        } else if (ch == '\n') {
            endRecord();
            if (cancel && (line & 0xFFF) == 0 && cancel->load())
                throw LoadCancelled();
            ++line;
            current.line = line;
            if (maxRecords > 0 && long(records.size()) >= maxRecords)
                return records;
        } else if (ch != '\r') {
            cell += ch;
            if (ch != ' ' && ch != '\t')
                rowHasContent = true;
        }
    }
    if (!cell.empty() || !current.cells.empty() || rowHasContent)
        endRecord();
    return records;
}

char detectDelimiter(const std::string& text)
{
    // Counts outside quotes on the first lines; a candidate must appear equally often on each.
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string l;
    while (lines.size() < 5 && std::getline(in, l))
        if (!trim(l).empty())
            lines.push_back(l);
    const auto consistent = [&](char d) {
        long first = -1;
        for (const auto& line : lines) {
            long n = 0;
            bool q = false;
            for (char c : line) {
                if (c == '"')
                    q = !q;
                else if (c == d && !q)
                    ++n;
            }
            if (first < 0)
                first = n;
            if (n == 0 || n != first)
                return false;
        }
        return !lines.empty();
    };
    // Tab and ';' first: a ';' file often writes decimal commas.
    for (char d : {'\t', ';', ','})
        if (consistent(d))
            return d;
    return ',';
}

std::optional<double> parseNumber(std::string s, char delim)
{
    s = trim(s);
    if (s.empty())
        return std::nullopt;
    if (delim != ',' && s.find('.') == std::string::npos
        && std::count(s.begin(), s.end(), ',') == 1)
        std::replace(s.begin(), s.end(), ',', '.');
    std::string_view text(s);
    if (text.front() == '+')
        text.remove_prefix(1);
    return parseDecimal(text);
}

bool isMissing(const std::string& cell)
{
    const std::string t = trim(cell);
    return t.empty() || t == "NA" || t == "N/A" || t == "NaN" || t == "nan" || t == "?"
        || t == "null";
}

/// A CSV text split into records, with its delimiter, header and column names: what parseCsv()
/// and parseCsvTable() read alike. The data rows are records [first, last).
struct CsvRecords {
    char delimiter = ',';
    bool hasHeader = false;
    std::vector<Record> records;
    std::vector<std::string> names; ///< one per cell of the first row
    std::size_t first = 0;
    std::size_t last = 0;
};

/// Strips a byte order mark, finds the delimiter and the header (options.header, else a first
/// row with a text cell above a number) and applies options.limit. Throws InputError(name, ...)
/// for a text without rows or without data rows.
CsvRecords splitCsv(const std::string& textIn, const std::string& name, const CsvOptions& options)
{
    std::string text = textIn;
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3); // UTF-8 byte order mark written by spreadsheet programs
    CsvRecords in;
    in.delimiter = options.delimiter ? options.delimiter : detectDelimiter(text);
    const char delim = in.delimiter;
    in.records = splitRecords(text, delim, options.cancel);
    const std::vector<Record>& records = in.records;
    if (records.empty())
        throw InputError(name, "the file has no rows");

    const std::size_t columns = records[0].cells.size();
    if (options.header) {
        in.hasHeader = *options.header;
    } else {
        for (std::size_t c = 0; c < columns && !in.hasHeader; ++c) {
            const bool text0
                = !parseNumber(records[0].cells[c], delim) && !isMissing(records[0].cells[c]);
            const bool number1 = records.size() < 2
                || (c < records[1].cells.size() && parseNumber(records[1].cells[c], delim));
            in.hasHeader = text0 && number1;
        }
    }
    for (std::size_t c = 0; c < columns; ++c)
        in.names.push_back(
            in.hasHeader ? trim(records[0].cells[c]) : "column " + std::to_string(c + 1));
    in.first = in.hasHeader ? 1 : 0;
    in.last = records.size();
    if (options.limit > 0)
        in.last = std::min(in.last, in.first + std::size_t(options.limit));
    if (in.last <= in.first)
        throw InputError(name, "the file has a header but no data rows");
    return in;
}

/// Throws InputError("<name>: row R", ...) for a data row whose cell count differs from the
/// first row's.
void checkRowWidths(const CsvRecords& in, const std::string& name)
{
    const std::size_t columns = in.names.size();
    for (std::size_t r = in.first; r < in.last; ++r)
        if (in.records[r].cells.size() != columns)
            throw InputError(name + ": row " + std::to_string(in.records[r].line),
                "expected " + std::to_string(columns) + " cells like the first row, got "
                    + std::to_string(in.records[r].cells.size()));
}

} // namespace

CsvOptions CsvOptions::fromJson(const nlohmann::json& o)
{
    CsvOptions c;
    if (auto it = o.find("delimiter"); it != o.end()) {
        const std::string d = it->is_string() ? it->get<std::string>() : std::string("?");
        if (d == "auto")
            c.delimiter = 0;
        else if (d == "," || d == ";" || d == "\t")
            c.delimiter = d[0];
        else if (d == "tab" || d == "\\t")
            c.delimiter = '\t';
        else
            throw InputError(
                "delimiter", "expected \",\", \";\", \"\\t\" or \"auto\", got " + it->dump());
    }
    if (auto it = o.find("header"); it != o.end()) {
        if (it->is_boolean())
            c.header = it->get<bool>();
        else if (!(it->is_string() && it->get<std::string>() == "auto"))
            throw InputError("header", "expected true, false or \"auto\", got " + it->dump());
    }
    if (auto it = o.find("target"); it != o.end()) {
        const auto add = [&](const nlohmann::json& t) {
            if (t.is_string() && !t.get<std::string>().empty())
                c.targets.push_back(t.get<std::string>());
            else if (t.is_number_integer())
                c.targets.push_back(std::to_string(t.get<long>()));
            else
                throw InputError("target",
                    "expected a column name, a 0-based column index or a list of them, got "
                        + it->dump());
        };
        if (it->is_array()) {
            for (const auto& t : *it)
                add(t);
        } else {
            add(*it);
        }
    }
    if (auto it = o.find("task"); it != o.end()) {
        const std::string t = it->is_string() ? it->get<std::string>() : "";
        if (t != "auto" && t != "classification" && t != "regression")
            throw InputError("task",
                "expected \"auto\", \"classification\" or \"regression\", got " + it->dump());
        c.task = t;
    }
    if (auto it = o.find("limit"); it != o.end()) {
        if (!it->is_number_integer() || it->get<long>() < 0)
            throw InputError("limit", "expected a non-negative integer, got " + it->dump());
        c.limit = it->get<long>();
    }
    return c;
}

CsvData readCsv(const std::filesystem::path& file, const CsvOptions& options)
{
    const std::string name = file.string();
    ReadLimits limits;
    limits.maxLineBytes = kMaxCsvLineBytes;
    limits.cancel = options.cancel;
    const std::string text = readDataFile(file, limits);
    CsvOptions checked = options;
    checked.showCells = options.showCells && looksLikeCsvFile(file, text);
    return parseCsv(text, name, checked);
}

CsvData parseCsv(const std::string& textIn, const std::string& name, const CsvOptions& options)
{
    const CsvRecords in = splitCsv(textIn, name, options);
    CsvData result;
    result.delimiter = in.delimiter;
    result.hasHeader = in.hasHeader;
    const char delim = in.delimiter;
    const std::vector<Record>& records = in.records;
    const std::vector<std::string>& names = in.names;
    const std::size_t columns = names.size();
    const std::size_t first = in.first;
    const std::size_t last = in.last;
    if (columns < 2)
        throw InputError(name,
            "row " + std::to_string(records[0].line) + " has one column; expected at least two "
                + "(features and a target) separated by ',', ';' or tabs");
    checkRowWidths(in, name);

    // Target columns.
    std::vector<std::size_t> targets;
    const auto findColumn = [&](const std::string& t) -> std::size_t {
        for (std::size_t c = 0; c < columns; ++c)
            if (names[c] == t)
                return c;
        long index = 0;
        const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), index);
        if (ec == std::errc() && ptr == t.data() + t.size()) {
            if (index < 0)
                index += long(columns);
            if (index >= 0 && index < long(columns))
                return std::size_t(index);
        }
        std::string known;
        for (std::size_t c = 0; c < columns && options.showCells; ++c)
            known += (c ? ", " : "") + quoteExcerpt(names[c]);
        throw InputError(name,
            "no target column " + quoteExcerpt(t) + " ("
                + (options.showCells ? "columns: " + known + "; or " : std::string())
                + "an index from 0 to " + std::to_string(columns - 1) + ")");
    };
    if (options.targets.empty())
        targets.push_back(columns - 1);
    for (const auto& t : options.targets) {
        const std::size_t c = findColumn(t);
        if (std::find(targets.begin(), targets.end(), c) == targets.end())
            targets.push_back(c);
    }
    if (targets.size() >= columns)
        throw InputError(name, "every column is a target: no features are left");
    std::vector<std::size_t> features;
    for (std::size_t c = 0; c < columns; ++c)
        if (std::find(targets.begin(), targets.end(), c) == targets.end())
            features.push_back(c);

    const long n = long(last - first);
    const auto where = [&](std::size_t r, std::size_t c) {
        return name + ": row " + std::to_string(records[r].line) + ", column "
            + std::to_string(c + 1);
    };
    const auto column = [&](std::size_t c) {
        return result.hasHeader && options.showCells ? " (column " + quoteExcerpt(names[c]) + ")"
                                                     : std::string();
    };
    const auto got = [&](const std::string& cell) {
        return options.showCells ? ", got " + quoteExcerpt(trim(cell))
                                 : std::string(" (the cell is not shown: the file does not look "
                                               "like a CSV file)");
    };

    Dataset& d = result.data;
    d.name = std::filesystem::path(name).filename().string();
    d.inputShape = Shape {int(features.size())};
    d.x.resize(long(features.size()), n);
    for (std::size_t r = first; r < last; ++r)
        for (std::size_t f = 0; f < features.size(); ++f) {
            const std::string& cell = records[r].cells[features[f]];
            if (isMissing(cell))
                throw InputError(where(r, features[f]),
                    "missing value" + column(features[f]) + "; fill it in or remove the row");
            const auto v = parseNumber(cell, delim);
            if (!v)
                throw InputError(
                    where(r, features[f]), "expected a number" + got(cell) + column(features[f]));
            d.x(long(f), long(r - first))
                = checkedScalar(*v, trim(cell), where(r, features[f]), column(features[f]));
        }

    // Classification or regression.
    bool classification = options.task == "classification";
    if (options.task == "classification" && targets.size() > 1)
        throw InputError(
            name, "classification needs one target column, got " + std::to_string(targets.size()));
    if (options.task == "auto" && targets.size() == 1) {
        std::set<std::string> distinct;
        bool allIntegers = true;
        for (std::size_t r = first; r < last; ++r) {
            const std::string cell = trim(records[r].cells[targets[0]]);
            const auto v = parseNumber(cell, delim);
            if (!v && !isMissing(cell)) {
                classification = true; // text labels
                break;
            }
            if (v && *v != std::floor(*v))
                allIntegers = false;
            distinct.insert(cell);
        }
        if (!classification)
            classification = allIntegers && long(distinct.size()) <= options.maxClasses
                && long(distinct.size()) < std::max(n, 3L);
    }
    for (std::size_t t : targets)
        result.targetNames.push_back(names[t]);
    for (std::size_t f : features)
        result.featureNames.push_back(names[f]);

    if (!classification) {
        d.task = TaskKind::Regression;
        d.y.resize(long(targets.size()), n);
        for (std::size_t r = first; r < last; ++r)
            for (std::size_t t = 0; t < targets.size(); ++t) {
                const std::string& cell = records[r].cells[targets[t]];
                if (isMissing(cell))
                    throw InputError(
                        where(r, targets[t]), "missing target value" + column(targets[t]));
                const auto v = parseNumber(cell, delim);
                if (!v)
                    throw InputError(where(r, targets[t]),
                        "expected a number (regression target)" + got(cell) + column(targets[t]));
                d.y(long(t), long(r - first))
                    = checkedScalar(*v, trim(cell), where(r, targets[t]), column(targets[t]));
            }
        return result;
    }

    // Class labels: numbers sort numerically, text alphabetically; index = rank.
    const std::size_t tc = targets[0];
    bool numeric = true;
    for (std::size_t r = first; r < last; ++r) {
        const std::string& cell = records[r].cells[tc];
        if (isMissing(cell))
            throw InputError(where(r, tc), "missing class label" + column(tc));
        numeric = numeric && parseNumber(cell, delim).has_value();
    }
    std::vector<std::string> labels;
    std::map<std::string, int> index;
    if (numeric) {
        std::map<double, std::string> byValue;
        for (std::size_t r = first; r < last; ++r) {
            const double v = *parseNumber(records[r].cells[tc], delim);
            std::ostringstream os;
            os << v;
            byValue.emplace(v, os.str());
        }
        // Labels 0..k-1 keep their values as indices.
        for (const auto& [v, text] : byValue)
            labels.push_back(text);
    } else {
        std::set<std::string> sorted;
        for (std::size_t r = first; r < last; ++r)
            sorted.insert(trim(records[r].cells[tc]));
        labels.assign(sorted.begin(), sorted.end());
    }
    for (std::size_t k = 0; k < labels.size(); ++k)
        index[labels[k]] = int(k);
    d.task = TaskKind::Classification;
    d.numClasses = int(labels.size());
    d.classNames = labels;
    d.y.resize(1, n);
    for (std::size_t r = first; r < last; ++r) {
        std::string key = trim(records[r].cells[tc]);
        if (numeric) {
            std::ostringstream os;
            os << *parseNumber(key, delim);
            key = os.str();
        }
        d.y(0, long(r - first)) = Scalar(index.at(key));
    }
    return result;
}

CsvTable parseCsvTable(
    const std::string& textIn, const std::string& name, const CsvOptions& options)
{
    CsvRecords in = splitCsv(textIn, name, options);
    checkRowWidths(in, name);
    CsvTable table;
    table.delimiter = in.delimiter;
    table.hasHeader = in.hasHeader;
    table.names = std::move(in.names);
    for (std::size_t r = in.first; r < in.last; ++r) {
        table.lines.push_back(in.records[r].line);
        table.rows.push_back(std::move(in.records[r].cells));
    }
    return table;
}

std::optional<double> parseCsvNumber(const std::string& cell, char delimiter)
{
    if (isMissing(cell))
        return std::nullopt;
    return parseNumber(cell, delimiter);
}

std::optional<double> parseDecimal(std::string_view text)
{
    double v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ptr != end)
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        // from_chars leaves v untouched: tell overflow (1e999) from underflow (1e-999) by the
        // exponent's sign.
        const auto e = text.find_first_of("eE");
        const bool tiny = e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-';
        const bool negative = text.front() == '-';
        if (tiny)
            return negative ? -0.0 : 0.0;
        return negative ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    }
    if (ec != std::errc())
        return std::nullopt;
    return v;
}

Scalar checkedScalar(
    double value, const std::string& cell, const std::string& where, const std::string& column)
{
    if (std::isnan(value))
        throw InputError(where, "expected a finite number, got " + quoteExcerpt(cell) + column);
    if (!std::isfinite(value) || std::abs(value) > double(std::numeric_limits<Scalar>::max()))
        throw InputError(where,
            quoteExcerpt(cell) + column + " is outside the range of 32-bit floats (about +-3.4e38); "
                + "rescale the data");
    return Scalar(value);
}

} // namespace engine

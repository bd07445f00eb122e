#include "PredictCommand.h"

#include "Model.h"
#include "Support.h"
#include "TrainCommand.h"

#include "Errors.h"
#include "Loss.h"
#include "Parallel.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <vector>

namespace cli {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(trim(line.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return fields;
}

std::optional<double> parseNumber(std::string_view s)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::string readFile(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw CommandError(file + ": cannot open: " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string formatValue(engine::Scalar v)
{
    char buf[40];
    // Shortest text that reads back as the same number.
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : formatNumber(double(v));
}

std::vector<std::string> outputColumnNames(long outputs, bool classification)
{
    if (classification && outputs == 1)
        return {"p1"}; // sigmoid output: the probability of class 1
    if (!classification && outputs == 1)
        return {"y"};
    std::vector<std::string> names;
    for (long i = 0; i < outputs; ++i)
        names.push_back(std::string(classification ? "p" : "y").append(std::to_string(i)));
    return names;
}

} // namespace

CsvSamples parseCsv(const std::string& text, long expectedColumns, const std::string& fileName)
{
    std::vector<engine::Scalar> values;
    CsvSamples result;
    long row = 0;
    long samples = 0;
    bool firstContentRow = true;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = text.size();
        std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        ++row;
        if (trim(line).empty())
            continue;
        const std::vector<std::string_view> fields = splitFields(line);
        const std::string where = fileName + ": row " + std::to_string(row);
        if (firstContentRow) {
            firstContentRow = false;
            const bool allNumbers = std::all_of(
                fields.begin(), fields.end(), [](std::string_view f) { return parseNumber(f); });
            if (!allNumbers) {
                result.hadHeader = true;
                if (long(fields.size()) != expectedColumns)
                    throw CommandError(where + ": the header has " + std::to_string(fields.size())
                        + " columns but the model takes " + std::to_string(expectedColumns)
                        + " inputs");
                continue;
            }
        }
        if (long(fields.size()) != expectedColumns)
            throw CommandError(where + ": expected " + std::to_string(expectedColumns)
                + " values (the model's input size), found " + std::to_string(fields.size()));
        for (std::size_t c = 0; c < fields.size(); ++c) {
            const std::optional<double> v = parseNumber(fields[c]);
            if (!v)
                throw CommandError(where + ", column " + std::to_string(c + 1)
                    + ": expected a number, found '" + std::string(fields[c]) + "'");
            values.push_back(static_cast<engine::Scalar>(*v));
        }
        ++samples;
    }
    if (samples == 0)
        throw CommandError(fileName + ": no data rows (expected one sample of "
            + std::to_string(expectedColumns) + " numbers per row)");
    result.x = Eigen::Map<const engine::Matrix>(values.data(), expectedColumns, samples);
    return result;
}

int runPredict(const PredictOptions& o, std::ostream& out)
{
    if (o.threads)
        engine::setThreadCount(*o.threads);

    LoadedModel model = loadModel(o.model);
    engine::Graph& graph = model.graph;
    const engine::Loss* loss = model.loss.get();
    const bool classification = model.classification;

    const long inputs = model.context.inputShape.size();
    const CsvSamples samples = parseCsv(readFile(o.input), inputs, o.input);

    std::ostringstream csv;
    constexpr long chunk = 4096; // bounds the activations' memory for large inputs
    std::vector<int> labels;
    engine::Matrix batch, shown;
    bool headerDone = false;
    for (long start = 0; start < samples.x.cols(); start += chunk) {
        const long n = std::min(chunk, long(samples.x.cols() - start));
        batch = samples.x.middleCols(start, n);
        model.scaling.apply(batch);
        const engine::Matrix& pred = graph.forward(batch, engine::Mode::Inference);
        loss->outputTransform(pred, shown);
        if (classification)
            loss->predictLabels(pred, labels);
        if (!headerDone) {
            headerDone = true;
            const auto names = outputColumnNames(shown.rows(), classification);
            for (std::size_t i = 0; i < names.size(); ++i)
                csv << (i ? "," : "") << names[i];
            csv << (classification ? ",label\n" : "\n");
        }
        for (long c = 0; c < n; ++c) {
            for (long r = 0; r < shown.rows(); ++r)
                csv << (r ? "," : "") << formatValue(shown(r, c));
            if (classification)
                csv << ',' << labels[std::size_t(c)];
            csv << '\n';
        }
    }

    if (o.output.empty())
        out << csv.str() << std::flush;
    else
        writeFileAtomically(o.output, csv.str());
    return ExitOk;
}

} // namespace cli

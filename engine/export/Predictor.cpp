#include "export/Predictor.h"

#include "core/AtomicFile.h"
#include "core/DataFile.h"
#include "core/Errors.h"
#include "core/Parallel.h"
#include "data/CsvReader.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "export/OnnxExport.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace engine {

namespace {

/// predict()'s chunks: the widest layer output of a chunk takes about this many bytes per
/// thread, so the next layer reads it from the cache rather than from memory. The Fashion CNN's
/// first conv writes 86.5 KB a sample: 24 samples a chunk on one thread, 48 on two; a batch of
/// 256 at once left its max-pooling reading 22 MB from memory (chunks: 6-8 % more samples a
/// second on an AVX2 AMD EPYC; on two threads chunks of 24 were slower at batch 64 than 48).
/// The MLP's widest output, 784 values, stays in one chunk of up to 668 samples a thread.
constexpr long kChunkBytes = 2 * 1024 * 1024;
/// Fewer samples leave the GEMMs of dense layers too narrow to run at speed.
constexpr long kMinChunk = 16;
/// More bounds the activations' memory for large inputs.
constexpr long kMaxChunk = 4096;

/// Puts the file in front of an error unless the message already starts with it.
[[noreturn]] void rethrowWithFile(const std::filesystem::path& file, const std::exception& e)
{
    const std::string path = file.string();
    const std::string name = file.filename().string();
    const std::string what = e.what();
    if (what.rfind(path + ":", 0) == 0 || (!name.empty() && what.rfind(name + ":", 0) == 0)) {
        if (const auto* input = dynamic_cast<const InputError*>(&e))
            throw *input;
        throw InputError(std::string(), what);
    }
    if (const auto* input = dynamic_cast<const InputError*>(&e))
        throw InputError(
            input->where().empty() ? path : path + ": " + input->where(), input->message());
    throw InputError(path, what);
}

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

/// nan, inf and 1e999 are numbers here (so such a first row is data, not a header); the caller
/// refuses them with checkedScalar.
std::optional<double> parseNumber(std::string_view s)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    return parseDecimal(s);
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

/// A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180).
std::string csvCell(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted.append(c == '"' ? "\"\"" : std::string(1, c));
    return quoted + '"';
}

} // namespace

std::vector<std::string> meaningfulClassNames(const std::vector<std::string>& names, int numClasses)
{
    if (numClasses <= 0 || long(names.size()) != numClasses)
        return {};
    for (int k = 0; k < numClasses; ++k)
        if (names[std::size_t(k)] != std::to_string(k))
            return names;
    return {};
}

GraphContext projectContext(const Project& project, const std::filesystem::path& dir,
    FeatureScaling* dataScaling, std::vector<std::string>* classNames)
{
    std::string dataProblem;
    try {
        const Dataset data = loadDataset(project.dataset, dir.empty() ? "." : dir);
        GraphContext c;
        const bool classification = data.task == TaskKind::Classification;
        c.inputShape = data.inputShape;
        c.numClasses = classification ? data.numClasses : 0;
        c.targetRows = data.targetRows();
        if (dataScaling)
            *dataScaling = data.scaling;
        if (classNames)
            *classNames = meaningfulClassNames(data.classNames, c.numClasses);
        return c;
    } catch (const InputError& e) {
        dataProblem = e.what();
    }
    // A model shipped without its data still works when its Input node states the shape.
    const Graph graph = project.buildGraph();
    const GraphCheck check = graph.check();
    const auto in = check.shapes.find(check.inputNode);
    const auto outShape = check.shapes.find(check.outputNode);
    if (in == check.shapes.end() || in->second.empty() || outShape == check.shapes.end())
        throw InputError("dataset", "needed for the input shape, but: " + dataProblem);
    std::string loss;
    for (const NodeRecord& n : project.nodes) {
        if (n.type == "Loss" && n.attributes.contains("loss") && n.attributes["loss"].is_string())
            loss = n.attributes["loss"].get<std::string>();
    }
    GraphContext c;
    const long outputs = outShape->second.size();
    const bool classification = loss.find("crossentropy") != std::string::npos;
    c.inputShape = in->second;
    c.numClasses = classification ? int(outputs == 1 ? 2 : outputs) : 0;
    c.targetRows = classification ? 1 : outputs;
    return c;
}

TrainedModel prepareModel(
    Project project, const GraphContext& context, const FeatureScaling& dataScaling)
{
    if (project.weights.empty())
        throw InputError("weights", "the project has no trained weights (train it first)");
    TrainedModel m;
    m.project = std::move(project);
    m.context = context;
    m.graph = m.project.buildGraph();
    const std::string method = scalingMethod(m.project.dataset);
    if (method != "none") {
        const FeatureScaling stored = storedScaling(m.project.dataset);
        m.scaling = stored.method == method && !stored.isIdentity() ? stored : dataScaling;
        if (m.scaling.isIdentity())
            throw InputError("dataset.options.scalingStats",
                "the model was trained on inputs scaled with \"" + method
                    + "\" but the statistics are missing and the dataset cannot be loaded "
                      "(train it again to store them)");
        if (long(m.scaling.shift.size()) != m.context.inputShape.size())
            throw InputError("dataset.options.scalingStats",
                std::to_string(m.scaling.shift.size()) + " features, the model takes "
                    + std::to_string(m.context.inputShape.size()) + " inputs");
    }
    try {
        m.graph.compile(m.context, m.project.training.seed);
    } catch (const ShapeError& e) {
        throw InputError("network", e.what());
    }
    m.graph.setWeights(m.project.weights, true);
    m.loss = Loss::create(m.graph.lossType());
    if (!m.loss)
        throw InputError("network", "the model has no known loss ('" + m.graph.lossType() + "')");
    m.classification = m.context.numClasses > 0;
    return m;
}

TrainedModel loadTrainedModel(const std::filesystem::path& file)
{
    try {
        if (file.extension() == ".onnx") {
            OnnxNetCanvasModel read = readNetCanvasOnnx(file);
            TrainedModel model = prepareModel(std::move(read.project), read.context);
            model.classNames = meaningfulClassNames(read.classNames, model.context.numClasses);
            return model;
        }
        Project project = loadProject(file);
        if (project.weights.empty())
            throw InputError("weights", "the project has no trained weights (train it first)");
        FeatureScaling fromData;
        std::vector<std::string> classNames;
        const GraphContext context
            = projectContext(project, file.parent_path(), &fromData, &classNames);
        TrainedModel model = prepareModel(std::move(project), context, fromData);
        model.classNames = std::move(classNames);
        return model;
    } catch (const InputError& e) {
        rethrowWithFile(file, e);
    } catch (const ShapeError& e) {
        rethrowWithFile(file, e);
    }
}

PredictionInputs parsePredictionCsv(
    const std::string& text, long expectedColumns, const std::string& fileName)
{
    std::vector<Scalar> values;
    PredictionInputs result;
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
            const bool allNumbers = std::all_of(fields.begin(), fields.end(),
                [](std::string_view f) { return parseNumber(f).has_value(); });
            if (!allNumbers) {
                result.hadHeader = true;
                if (long(fields.size()) != expectedColumns)
                    throw InputError(where,
                        "the header has " + std::to_string(fields.size())
                            + " columns but the model takes " + std::to_string(expectedColumns)
                            + " inputs");
                continue;
            }
        }
        if (long(fields.size()) != expectedColumns)
            throw InputError(where,
                "expected " + std::to_string(expectedColumns)
                    + " values (the model's input size), found " + std::to_string(fields.size()));
        for (std::size_t c = 0; c < fields.size(); ++c) {
            const std::optional<double> v = parseNumber(fields[c]);
            if (!v)
                throw InputError(where + ", column " + std::to_string(c + 1),
                    "expected a number, found '" + std::string(fields[c]) + "'");
            values.push_back(checkedScalar(
                *v, std::string(fields[c]), where + ", column " + std::to_string(c + 1)));
        }
        ++samples;
    }
    if (samples == 0)
        throw InputError(fileName,
            "no data rows (expected one sample of " + std::to_string(expectedColumns)
                + " numbers per row)");
    result.x = Eigen::Map<const Matrix>(values.data(), expectedColumns, samples);
    return result;
}

PredictionInputs readPredictionCsv(const std::filesystem::path& file, long expectedColumns)
{
    ReadLimits limits;
    limits.maxLineBytes = kMaxCsvLineBytes;
    return parsePredictionCsv(readDataFile(file, limits), expectedColumns, file.string());
}

long samplesPerChunk(const Graph& graph)
{
    long widest = 1;
    for (const auto& [id, shape] : graph.compiled().shapes)
        widest = std::max(widest, shape.size());
    return std::clamp(
        kChunkBytes * threadCount() / (widest * long(sizeof(Scalar))), kMinChunk, kMaxChunk);
}

Predictions predict(TrainedModel& model, const Matrix& x)
{
    if (x.rows() != model.inputs())
        throw InputError("input",
            "expected " + std::to_string(model.inputs()) + " features per sample, found "
                + std::to_string(x.rows()));
    Predictions p;
    // Chunks of nearly equal size (64 samples of the CNN as 22 + 21 + 21, not 24 + 24 + 16,
    // which leaves a thread idle in the last).
    const long perChunk = samplesPerChunk(model.graph);
    const long chunks = (x.cols() + perChunk - 1) / perChunk;
    std::vector<int> labels;
    Matrix shown;
    const bool asGiven = chunks == 1 && model.scaling.isIdentity();
    for (long chunk = 0, start = 0; chunk < chunks; ++chunk) {
        const long n = x.cols() / chunks + (chunk < x.cols() % chunks ? 1 : 0);
        if (!asGiven) {
            model.inputChunk = x.middleCols(start, n);
            model.scaling.apply(model.inputChunk);
        }
        const Matrix& pred = model.graph.forward(asGiven ? x : model.inputChunk, Mode::Inference);
        model.loss->outputTransform(pred, shown);
        if (p.values.size() == 0)
            p.values.resize(shown.rows(), x.cols());
        p.values.middleCols(start, n) = shown;
        if (model.classification) {
            model.loss->predictLabels(pred, labels);
            p.labels.insert(p.labels.end(), labels.begin(), labels.begin() + n);
        }
        start += n;
    }
    p.columns = outputColumnNames(p.values.rows(), model.classification);
    if (model.classification)
        p.columns.push_back("label");
    if (model.classification && !model.classNames.empty()) {
        p.classNames = model.classNames;
        p.columns.push_back("label_name");
    }
    return p;
}

std::string Predictions::labelName(long i) const
{
    const int label = labels.at(std::size_t(i));
    return label >= 0 && std::size_t(label) < classNames.size() ? classNames[std::size_t(label)]
                                                                : std::to_string(label);
}

std::string formatPrediction(Scalar v)
{
    char buf[40];
    // Shortest text that reads back as the same number.
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

std::string predictionsCsv(const Predictions& p)
{
    std::string csv;
    for (std::size_t i = 0; i < p.columns.size(); ++i)
        csv.append(i ? "," : "").append(p.columns[i]);
    csv += '\n';
    const bool labels = !p.labels.empty();
    for (long c = 0; c < p.values.cols(); ++c) {
        for (long r = 0; r < p.values.rows(); ++r)
            csv.append(r ? "," : "").append(formatPrediction(p.values(r, c)));
        if (labels)
            csv.append(",").append(std::to_string(p.labels[std::size_t(c)]));
        if (labels && !p.classNames.empty())
            csv.append(",").append(csvCell(p.labelName(c)));
        csv += '\n';
    }
    return csv;
}

} // namespace engine

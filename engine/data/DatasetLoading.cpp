#include "data/DatasetLoading.h"

#include "core/Errors.h"
#include "data/Autoencoder.h"
#include "data/CsvReader.h"
#include "data/DatasetGenerators.h"
#include "data/IdxReader.h"
#include "data/TimeSeriesCsv.h"

#include <algorithm>
#include <stdexcept>

namespace engine {

Dataset generateDataset(const DatasetSpec& spec)
{
    return generateDataset(spec.generator, spec.samples, spec.noise, spec.seed, spec.options);
}

namespace {

struct FileOptions {
    std::string scaling = "none";
    long limit = 0;
    bool imageShape = true;
};

FileOptions fileOptions(const nlohmann::json& o)
{
    FileOptions f;
    if (auto it = o.find("scaling"); it != o.end()) {
        const std::string s = it->is_string() ? it->get<std::string>() : "";
        if (s != "none" && s != "standardize" && s != "minmax")
            throw InputError("dataset.options.scaling",
                "expected \"none\", \"standardize\" or \"minmax\", got " + it->dump());
        f.scaling = s;
    }
    if (auto it = o.find("limit"); it != o.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 0)
            throw InputError("dataset.options.limit",
                "expected a non-negative integer (0: all samples), got " + it->dump());
        f.limit = it->get<long>();
    }
    if (auto it = o.find("imageShape"); it != o.end()) {
        if (!it->is_boolean())
            throw InputError(
                "dataset.options.imageShape", "expected true or false, got " + it->dump());
        f.imageShape = it->get<bool>();
    }
    return f;
}

/// What the spec's file `path` names, once `policy` has let the project read it. `where` is the
/// setting that names it ("dataset.path", "dataset.options.labels").
std::filesystem::path resolve(const std::filesystem::path& projectDir, const std::string& path,
    const PathPolicy& policy, const std::string& where)
{
    const std::filesystem::path p(path);
    const auto file = p.is_absolute() || projectDir.empty() ? p : projectDir / p;
    policy.check(file, projectDir, where);
    return file;
}

/// Scales every feature of `parts` with the stored statistics when they fit, else with statistics
/// of parts.data (the training part), so the test split sees the same transform.
void applyScaling(SourceData& parts, const std::string& method, const FeatureScaling& stored)
{
    if (method == "none" || parts.data.empty())
        return;
    const bool fits = stored.method == method
        && stored.shift.size() == static_cast<std::size_t>(parts.data.x.rows());
    const FeatureScaling s = fits ? stored : FeatureScaling::compute(parts.data.x, method);
    for (Dataset* d : {&parts.data, &parts.test}) {
        if (!d->empty())
            s.apply(d->x);
        d->scaling = s;
    }
}

void report(const LoadMonitor& m, double fraction, const std::string& stage)
{
    if (m.cancel && m.cancel->load())
        throw LoadCancelled();
    if (m.progress)
        m.progress(fraction, stage);
}

/// The four standard files of MNIST or Fashion-MNIST in one folder (spec.source says which).
SourceData loadMnistFolder(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    const FileOptions& f, const LoadMonitor& monitor, const PathPolicy& policy)
{
    const bool fashion = spec.source == "fashion-mnist";
    const std::string name = fashion ? "Fashion-MNIST" : "MNIST";
    if (spec.path.empty() && !fashion)
        throw InputError("dataset.path",
            "MNIST needs the folder holding train-images-idx3-ubyte.gz, "
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz "
            "(no Debian package installs MNIST: download the four files from "
            "http://yann.lecun.com/exdb/mnist/ into one folder and choose it)");
    const std::filesystem::path dir = spec.path.empty()
        ? std::filesystem::path(kFashionMnistDir)
        : resolve(projectDir, spec.path, policy, "dataset.path");
    const auto find = [&](const std::string& base) -> std::filesystem::path {
        for (const char* ext : {".gz", ""}) {
            const auto p = dir / (base + ext);
            std::error_code ec;
            if (std::filesystem::is_regular_file(p, ec))
                return p;
        }
        return {};
    };
    const auto trainImages = find("train-images-idx3-ubyte");
    const auto trainLabels = find("train-labels-idx1-ubyte");
    const auto testImages = find("t10k-images-idx3-ubyte");
    const auto testLabels = find("t10k-labels-idx1-ubyte");
    if (trainImages.empty() || trainLabels.empty() || testImages.empty() || testLabels.empty()) {
        if (spec.path.empty())
            throw InputError("dataset.path",
                std::string("Fashion-MNIST not found in ") + kFashionMnistDir
                    + ": install it with `sudo apt install dataset-fashion-mnist`");
        throw InputError("dataset.path",
            name + " not found in " + dir.string()
                + ": expected train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                  "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz there"
                + (fashion ? std::string(" (the Debian package dataset-fashion-mnist installs "
                                         "them in ")
                            + kFashionMnistDir + ")"
                           : std::string(" (.gz or plain)")));
    }
    SourceData parts;
    report(monitor, 0.0, "reading " + trainImages.filename().string());
    parts.data
        = readIdxDataset(trainImages, trainLabels, f.imageShape, f.limit, 10, monitor.cancel);
    report(monitor, 0.8, "reading " + testImages.filename().string());
    parts.test = readIdxDataset(testImages, testLabels, f.imageShape, f.limit, 10, monitor.cancel);
    for (Dataset* d : {&parts.data, &parts.test}) {
        d->name = name;
        if (fashion && d->numClasses == 10)
            d->classNames = fashionMnistClassNames();
    }
    return parts;
}

/// Names classes 0..K-1 of every part with spec.classNames (when given).
void applyClassNames(SourceData& parts, const DatasetSpec& spec)
{
    if (spec.classNames.empty())
        return;
    const int names = int(spec.classNames.size());
    for (Dataset* d : {&parts.data, &parts.validation, &parts.test}) {
        if (d->empty() && d != &parts.data)
            continue;
        if (d->task != TaskKind::Classification)
            throw InputError("dataset.classNames",
                "class names given, but the data is regression (its targets are numbers)");
        if (names < d->numClasses)
            throw InputError("dataset.classNames",
                std::to_string(names) + " names for " + std::to_string(d->numClasses)
                    + " classes: expected one name per class 0.."
                    + std::to_string(d->numClasses - 1));
        d->numClasses = names;
        d->classNames = spec.classNames;
    }
}

SourceData loadIdx(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    const FileOptions& f, const LoadMonitor& monitor, const PathPolicy& policy)
{
    const auto text = [&](const char* key) -> std::string {
        auto it = spec.options.find(key);
        if (it == spec.options.end())
            return {};
        if (!it->is_string() || it->get<std::string>().empty())
            throw InputError(
                std::string("dataset.options.") + key, "expected a file name, got " + it->dump());
        return it->get<std::string>();
    };
    if (spec.path.empty())
        throw InputError("dataset.path",
            "expected the IDX images file, e.g. "
            "\"train-images-idx3-ubyte.gz\"");
    const std::string labels = text("labels");
    if (labels.empty())
        throw InputError("dataset.options.labels",
            "expected the IDX labels file, e.g. \"train-labels-idx1-ubyte.gz\"");
    SourceData parts;
    report(monitor, 0.0, "reading " + std::filesystem::path(spec.path).filename().string());
    parts.data = readIdxDataset(resolve(projectDir, spec.path, policy, "dataset.path"),
        resolve(projectDir, labels, policy, "dataset.options.labels"), f.imageShape, f.limit, 0,
        monitor.cancel);
    const std::string testImages = text("testImages");
    const std::string testLabels = text("testLabels");
    if (testImages.empty() != testLabels.empty())
        throw InputError("dataset.options", "\"testImages\" and \"testLabels\" go together");
    if (!testImages.empty()) {
        report(monitor, 0.8, "reading " + std::filesystem::path(testImages).filename().string());
        const auto testImagesFile
            = resolve(projectDir, testImages, policy, "dataset.options.testImages");
        parts.test = readIdxDataset(testImagesFile,
            resolve(projectDir, testLabels, policy, "dataset.options.testLabels"), f.imageShape,
            f.limit, parts.data.numClasses, monitor.cancel);
        if (parts.test.inputShape.size() != parts.data.inputShape.size())
            throw InputError(testImagesFile.string(),
                "images of " + parts.test.inputShape.toString() + ", the training images are "
                    + parts.data.inputShape.toString());
        parts.data.numClasses = std::max(parts.data.numClasses, parts.test.numClasses);
        parts.data.classNames = parts.test.classNames;
    }
    return parts;
}

} // namespace

SourceData loadDatasetParts(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    const LoadMonitor& monitor, const PathPolicy& policy)
{
    SourceData parts;
    report(monitor, 0.0, "preparing");
    if (spec.source == "generator") {
        try {
            parts.data = generateDataset(spec);
        } catch (const InputError& e) {
            throw InputError("dataset." + e.where(), e.message());
        }
        applyRepresentationOptions(parts, spec.options, spec.source);
        return parts;
    }
    if (spec.source == "timeseries") {
        // Its own options and scaling: statistics of the training rows, per column.
        if (spec.path.empty())
            throw InputError("dataset.path", "expected the CSV file, e.g. \"temperature.csv\"");
        TimeSeriesOptions options;
        try {
            options = TimeSeriesOptions::fromJson(spec.options);
        } catch (const InputError& e) {
            throw InputError("dataset.options." + e.where(), e.message());
        }
        options.cancel = monitor.cancel;
        const auto file = resolve(projectDir, spec.path, policy, "dataset.path");
        report(monitor, 0.0, "reading " + std::filesystem::path(spec.path).filename().string());
        parts = readTimeSeries(file, options, storedScaling(spec));
        report(monitor, 1.0, "done");
        return parts;
    }
    const FileOptions f = fileOptions(spec.options);
    validateRepresentationOptions(spec.options, spec.source);
    if (spec.source == "fashion-mnist" || spec.source == "mnist") {
        parts = loadMnistFolder(spec, projectDir, f, monitor, policy);
    } else if (spec.source == "idx") {
        parts = loadIdx(spec, projectDir, f, monitor, policy);
    } else if (spec.source == "csv") {
        if (spec.path.empty())
            throw InputError("dataset.path", "expected the CSV file, e.g. \"iris.csv\"");
        CsvOptions options;
        try {
            options = CsvOptions::fromJson(spec.options);
        } catch (const InputError& e) {
            throw InputError("dataset.options." + e.where(), e.message());
        }
        options.limit = f.limit;
        options.cancel = monitor.cancel;
        const auto file = resolve(projectDir, spec.path, policy, "dataset.path");
        report(monitor, 0.0, "reading " + std::filesystem::path(spec.path).filename().string());
        CsvData csv = readCsv(file, options);
        parts.data = std::move(csv.data);
        parts.data.featureNames = std::move(csv.featureNames);
        parts.data.targetNames = std::move(csv.targetNames);
    } else {
        checkSourceName(spec.source, "dataset.source");
        throw std::logic_error("the data source '" + spec.source + "' has no loader");
    }
    applyClassNames(parts, spec);
    const FeatureScaling stored = storedScaling(spec);
    report(monitor, 0.95, "scaling");
    applyScaling(parts, f.scaling, stored);
    applyRepresentationOptions(parts, spec.options, spec.source);
    report(monitor, 1.0, "done");
    return parts;
}

Dataset loadDataset(
    const DatasetSpec& spec, const std::filesystem::path& projectDir, const PathPolicy& policy)
{
    return loadDatasetParts(spec, projectDir, {}, policy).data;
}

DatasetSplits loadDatasetSplits(const DatasetSpec& spec, const std::filesystem::path& projectDir,
    double validationFraction, double testFraction, std::uint64_t seed, const PathPolicy& policy)
{
    return splitSourceData(
        loadDatasetParts(spec, projectDir, {}, policy), validationFraction, testFraction, seed);
}

DatasetSplits splitSourceData(
    SourceData parts, double validationFraction, double testFraction, std::uint64_t seed)
{
    if (parts.splitInOrder)
        return {std::move(parts.data), std::move(parts.validation), std::move(parts.test)};
    if (parts.test.empty())
        return splitDataset(parts.data, validationFraction, testFraction, seed);
    DatasetSplits splits;
    if (validationFraction > 0) {
        splits = splitDataset(parts.data, validationFraction, 0.0, seed);
    } else {
        splits.train = std::move(parts.data);
    }
    splits.test = std::move(parts.test);
    return splits;
}

} // namespace engine

#include "data/DatasetSpec.h"

#include "core/Errors.h"
#include "core/Rng.h"
#include "data/Autoencoder.h"
#include "data/CsvReader.h"
#include "data/IdxReader.h"
#include "data/SequenceGenerators.h"
#include "data/TimeSeriesCsv.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace engine {

namespace {

constexpr int kMaxSamples = 10'000'000;

std::string joined(const std::vector<std::string>& names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i)
        s += (i ? ", " : "") + names[i];
    return s;
}

} // namespace

nlohmann::json DatasetSpec::toJson() const
{
    nlohmann::json j {{"source", source}, {"generator", generator}, {"samples", samples},
        {"noise", noise}, {"seed", seed}, {"path", path}, {"options", options}};
    if (!classNames.empty())
        j["classNames"] = classNames;
    return j;
}

DatasetSpec DatasetSpec::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError("",
            "expected an object such as {\"source\": \"generator\", "
            "\"generator\": \"xor\"}, got "
                + j.dump());
    DatasetSpec spec;
    const auto string = [&](const char* key, std::string& out) {
        if (auto it = j.find(key); it != j.end()) {
            if (!it->is_string())
                throw InputError(key, "expected a string, got " + it->dump());
            out = it->get<std::string>();
        }
    };
    string("source", spec.source);
    if (spec.source.empty())
        throw InputError("source", "expected a data source such as \"generator\", got \"\"");
    const auto sources = datasetSourceNames();
    if (std::find(sources.begin(), sources.end(), spec.source) == sources.end())
        throw InputError("source",
            "unknown data source '" + spec.source + "' (expected one of: " + joined(sources) + ")");
    string("generator", spec.generator);
    if (spec.source == "generator") {
        const auto names = generatorNames();
        if (std::find(names.begin(), names.end(), spec.generator) == names.end())
            throw InputError("generator",
                "unknown generator '" + spec.generator + "' (expected one of: " + joined(names)
                    + ")");
    }
    if (auto it = j.find("samples"); it != j.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 1
            || it->get<long long>() > kMaxSamples)
            throw InputError("samples",
                "expected an integer from 1 to " + std::to_string(kMaxSamples) + ", got "
                    + it->dump());
        spec.samples = it->get<int>();
    }
    if (auto it = j.find("noise"); it != j.end()) {
        if (!it->is_number() || !(it->get<double>() >= 0.0 && it->get<double>() <= 1.0))
            throw InputError("noise", "expected a number from 0 to 1, got " + it->dump());
        spec.noise = it->get<double>();
    }
    if (auto it = j.find("seed"); it != j.end()) {
        if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<long long>() >= 0))
            throw InputError("seed", "expected a non-negative integer, got " + it->dump());
        spec.seed = it->get<std::uint64_t>();
    }
    string("path", spec.path);
    if (auto it = j.find("options"); it != j.end()) {
        if (!it->is_object())
            throw InputError("options", "expected an object, got " + it->dump());
        spec.options = *it;
    }
    if (auto it = j.find("classNames"); it != j.end()) {
        if (!it->is_array())
            throw InputError("classNames",
                "expected a list of names such as [\"cat\", \"dog\"], got " + it->dump());
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& name = (*it)[i];
            if (!name.is_string() || name.get<std::string>().empty())
                throw InputError("classNames[" + std::to_string(i) + "]",
                    "expected a non-empty name, got " + name.dump());
            spec.classNames.push_back(name.get<std::string>());
        }
    }
    return spec;
}

std::vector<std::string> generatorNames()
{
    std::vector<std::string> names {
        "circle", "xor", "gaussians", "spiral", "plane", "multi_gaussian", "and", "or"};
    for (auto& n : sequenceGeneratorNames())
        names.push_back(std::move(n));
    return names;
}

bool isGeneratorRegression(const std::string& name)
{
    return name == "plane" || name == "multi_gaussian" || isSequenceGeneratorRegression(name);
}

namespace {

// The generators follow the TensorFlow Playground's dataset.ts (Apache 2.0 licensed, reimplemented
// here): same geometry, radii and noise magnitudes, with a Playground noise of p% given as p/100.
// Two deliberate differences: class counts are exact halves, and for classification the noise
// jitters the stored point while its label stays that of the clean point (the Playground labels
// the noisy point and stores the clean one, which unbalances the classes).

struct Builder {
    Matrix x;
    Matrix y;
    long n = 0;

    explicit Builder(long samples)
        : x(2, samples)
        , y(1, samples)
    { }
    void add(double px, double py, double target)
    {
        x(0, n) = static_cast<Scalar>(px);
        x(1, n) = static_cast<Scalar>(py);
        y(0, n) = static_cast<Scalar>(target);
        ++n;
    }
};

constexpr double kPi = std::numbers::pi;

void circle(Builder& b, long samples, double noise, Rng& rng)
{
    const double radius = 5.0;
    const long inner = (samples + 1) / 2;
    for (long i = 0; i < samples; ++i) {
        const bool inside = i < inner;
        const double r
            = inside ? rng.uniform(0.0, radius * 0.5) : rng.uniform(radius * 0.7, radius);
        const double angle = rng.uniform(0.0, 2 * kPi);
        const double jx = rng.uniform(-radius, radius) * noise;
        const double jy = rng.uniform(-radius, radius) * noise;
        b.add(r * std::sin(angle) + jx, r * std::cos(angle) + jy, inside ? 1 : 0);
    }
}

void xorData(Builder& b, long samples, double noise, Rng& rng)
{
    const double extent = 5.0;
    const double padding = 0.3; // keeps points off the axes, where the label flips
    for (long i = 0; i < samples; ++i) {
        const int label = (i % 2 == 0) ? 1 : 0;
        const double sx = rng.uniform() < 0.5 ? -1.0 : 1.0;
        const double sy = label ? sx : -sx;
        const double px = sx * rng.uniform(padding, extent);
        const double py = sy * rng.uniform(padding, extent);
        const double jx = rng.uniform(-extent, extent) * noise;
        const double jy = rng.uniform(-extent, extent) * noise;
        b.add(px + jx, py + jy, label);
    }
}

void gaussians(Builder& b, long samples, double noise, Rng& rng)
{
    // Playground: variance from 0.5 at no noise to 4 at 50% noise, linear (and extrapolated).
    const double stddev = std::sqrt(0.5 + 7.0 * noise);
    const long first = (samples + 1) / 2;
    for (long i = 0; i < samples; ++i) {
        const bool positive = i < first;
        const double c = positive ? 2.0 : -2.0;
        const double px = rng.normal(c, stddev);
        const double py = rng.normal(c, stddev);
        b.add(px, py, positive ? 1 : 0);
    }
}

void spiral(Builder& b, long samples, double noise, Rng& rng)
{
    const long perArm[2] = {(samples + 1) / 2, samples / 2};
    for (int arm = 0; arm < 2; ++arm) {
        const long n = perArm[arm];
        const double deltaT = arm == 0 ? 0.0 : kPi;
        for (long i = 0; i < n; ++i) {
            const double f = static_cast<double>(i) / static_cast<double>(n);
            const double r = f * 5.0;
            const double t = 1.75 * f * 2 * kPi + deltaT;
            const double px = r * std::sin(t) + rng.uniform(-1.0, 1.0) * noise;
            const double py = r * std::cos(t) + rng.uniform(-1.0, 1.0) * noise;
            b.add(px, py, arm == 0 ? 1 : 0);
        }
    }
}

// Regression: the target is computed at a noisy copy of the point, so noise is target noise.
void plane(Builder& b, long samples, double noise, Rng& rng)
{
    const double radius = 6.0;
    for (long i = 0; i < samples; ++i) {
        const double px = rng.uniform(-radius, radius);
        const double py = rng.uniform(-radius, radius);
        const double nx = rng.uniform(-radius, radius) * noise;
        const double ny = rng.uniform(-radius, radius) * noise;
        b.add(px, py, std::clamp((px + nx + py + ny) / 10.0, -1.0, 1.0));
    }
}

void multiGaussian(Builder& b, long samples, double noise, Rng& rng)
{
    struct Bump {
        double cx, cy, sign;
    };
    static constexpr std::array<Bump, 6> bumps = {Bump {-4, 2.5, 1}, Bump {0, 2.5, -1},
        Bump {4, 2.5, 1}, Bump {-4, -2.5, -1}, Bump {0, -2.5, 1}, Bump {4, -2.5, -1}};
    // Each bump falls linearly from +-1 at its centre to 0 at distance 2; the strongest wins.
    const auto target = [](double px, double py) {
        double value = 0.0;
        for (const Bump& g : bumps) {
            const double d = std::hypot(px - g.cx, py - g.cy);
            const double v = g.sign * std::clamp(1.0 - d / 2.0, 0.0, 1.0);
            if (std::abs(v) > std::abs(value))
                value = v;
        }
        return value;
    };
    const double radius = 6.0;
    for (long i = 0; i < samples; ++i) {
        const double px = rng.uniform(-radius, radius);
        const double py = rng.uniform(-radius, radius);
        const double nx = rng.uniform(-radius, radius) * noise;
        const double ny = rng.uniform(-radius, radius) * noise;
        b.add(px, py, target(px + nx, py + ny));
    }
}

void truthTable(Builder& b, long samples, double noise, Rng& rng, bool isAnd)
{
    // The corners are 1 apart, so a jitter of +-0.5 * noise reaches the decision midline at 1.
    for (long i = 0; i < samples; ++i) {
        const int a = (i % 4) / 2;
        const int c = i % 2;
        const double jx = rng.uniform(-0.5, 0.5) * noise;
        const double jy = rng.uniform(-0.5, 0.5) * noise;
        b.add(a + jx, c + jy, isAnd ? (a & c) : (a | c));
    }
}

} // namespace

Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed)
{
    return generateDataset(name, samples, noise, seed, nlohmann::json::object());
}

Dataset generateDataset(const DatasetSpec& spec)
{
    return generateDataset(spec.generator, spec.samples, spec.noise, spec.seed, spec.options);
}

Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed,
    const nlohmann::json& options)
{
    if (isSequenceGenerator(name))
        return generateSequenceDataset(name, samples, noise, seed, options);
    const auto names = generatorNames();
    if (std::find(names.begin(), names.end(), name) == names.end())
        throw InputError("generator",
            "unknown generator '" + name + "' (expected one of: " + joined(names) + ")");
    if (samples < 1 || samples > kMaxSamples)
        throw InputError("generator",
            "'" + name + "' needs from 1 to " + std::to_string(kMaxSamples) + " samples, got "
                + std::to_string(samples));
    if (!(noise >= 0.0 && noise <= 1.0))
        throw InputError("noise", "expected a number from 0 to 1, got " + std::to_string(noise));

    Rng rng(seed);
    Builder b(samples);
    if (name == "circle")
        circle(b, samples, noise, rng);
    else if (name == "xor")
        xorData(b, samples, noise, rng);
    else if (name == "gaussians")
        gaussians(b, samples, noise, rng);
    else if (name == "spiral")
        spiral(b, samples, noise, rng);
    else if (name == "plane")
        plane(b, samples, noise, rng);
    else if (name == "multi_gaussian")
        multiGaussian(b, samples, noise, rng);
    else
        truthTable(b, samples, noise, rng, name == "and");

    // Generators emit class by class (or corner by corner); shuffle so that any prefix of the
    // data, e.g. a preview, shows every class.
    std::vector<long> order(static_cast<std::size_t>(samples));
    for (long i = 0; i < samples; ++i)
        order[static_cast<std::size_t>(i)] = i;
    rng.shuffle(order);

    Dataset d;
    d.name = name;
    d.inputShape = Shape {2};
    d.x.resize(2, samples);
    d.y.resize(1, samples);
    for (long i = 0; i < samples; ++i) {
        d.x.col(i) = b.x.col(order[static_cast<std::size_t>(i)]);
        d.y.col(i) = b.y.col(order[static_cast<std::size_t>(i)]);
    }
    if (isGeneratorRegression(name)) {
        d.task = TaskKind::Regression;
        d.numClasses = 0;
    } else {
        d.task = TaskKind::Classification;
        d.numClasses = 2;
        d.classNames = (name == "and" || name == "or") ? std::vector<std::string> {"false", "true"}
                                                       : std::vector<std::string> {"0", "1"};
    }
    return d;
}

std::vector<std::string> datasetSourceNames()
{
    return {"generator", "csv", "idx", "fashion-mnist", "mnist", "timeseries"};
}

std::vector<std::string> sourceClassNames(const DatasetSpec& spec)
{
    if (!spec.classNames.empty())
        return spec.classNames;
    if (spec.source == "fashion-mnist")
        return fashionMnistClassNames();
    if (spec.source == "mnist") {
        std::vector<std::string> digits;
        for (int k = 0; k < 10; ++k)
            digits.push_back(std::to_string(k));
        return digits;
    }
    return {};
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
        throw InputError("dataset.source",
            "unknown data source '" + spec.source
                + "' (expected one of: " + joined(datasetSourceNames()) + ")");
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

nlohmann::json scalingToJson(const FeatureScaling& scaling)
{
    return {{"method", scaling.method}, {"shift", scaling.shift}, {"scale", scaling.scale}};
}

FeatureScaling scalingFromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError(
            "", "expected {\"method\": ..., \"shift\": [...], \"scale\": [...]}, got " + j.dump());
    FeatureScaling s;
    if (auto it = j.find("method"); it != j.end()) {
        const std::string m = it->is_string() ? it->get<std::string>() : "";
        if (m != "none" && m != "standardize" && m != "minmax")
            throw InputError(
                "method", "expected \"none\", \"standardize\" or \"minmax\", got " + it->dump());
        s.method = m;
    }
    const auto numbers = [&](const char* key, std::vector<double>& out) {
        auto it = j.find(key);
        if (it == j.end())
            return;
        if (!it->is_array())
            throw InputError(key, "expected an array of numbers, got " + it->dump());
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& v = (*it)[i];
            if (!v.is_number() || !std::isfinite(v.get<double>()))
                throw InputError(std::string(key) + "[" + std::to_string(i) + "]",
                    "expected a finite number, got " + v.dump());
            out.push_back(v.get<double>());
        }
    };
    numbers("shift", s.shift);
    numbers("scale", s.scale);
    if (s.shift.size() != s.scale.size())
        throw InputError("scale",
            "expected as many values as \"shift\" (" + std::to_string(s.shift.size()) + "), got "
                + std::to_string(s.scale.size()));
    return s;
}

FeatureScaling storedScaling(const DatasetSpec& spec)
{
    auto it = spec.options.find("scalingStats");
    if (it == spec.options.end() || it->is_null())
        return {};
    try {
        return scalingFromJson(*it);
    } catch (const InputError& e) {
        throw InputError(
            "dataset.options.scalingStats" + (e.where().empty() ? "" : "." + e.where()),
            e.message());
    }
}

std::string scalingMethod(const DatasetSpec& spec)
{
    auto it = spec.options.find("scaling");
    return it != spec.options.end() && it->is_string() ? it->get<std::string>() : "none";
}

} // namespace engine

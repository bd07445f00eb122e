#include "data/SequenceGenerators.h"

#include "core/Errors.h"
#include "core/Rng.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <numbers>

namespace engine {

namespace {

constexpr int kMinLength = 2;
constexpr int kMaxLength = 1000;
// A generated dataset lives in memory as one float per value: cap it at 400 MB.
constexpr long long kMaxValues = 100'000'000;
constexpr double kTwoPi = 2 * std::numbers::pi;

int lengthOption(const std::string& name, const nlohmann::json& options)
{
    auto it = options.find("length");
    if (it == options.end())
        return defaultSequenceLength(name);
    if (!it->is_number_integer() || it->get<long long>() < kMinLength
        || it->get<long long>() > kMaxLength)
        throw InputError("options.length",
            "expected the number of time steps, an integer from " + std::to_string(kMinLength)
                + " to " + std::to_string(kMaxLength) + ", got " + it->dump());
    return it->get<int>();
}

double periodOption(const nlohmann::json& options)
{
    auto it = options.find("period");
    if (it == options.end())
        return 25.0;
    if (!it->is_number() || !(it->get<double>() >= 2.0 && it->get<double>() <= 1e6))
        throw InputError("options.period",
            "expected the steps per sine cycle, a number from 2 to 1000000, got " + it->dump());
    return it->get<double>();
}

/// Empty names, numbered steps: "t1".."tT" (F = 1) or "<name> t1", ... per feature.
std::vector<std::string> stepNames(int steps, const std::vector<std::string>& features)
{
    std::vector<std::string> names;
    for (int s = 1; s <= steps; ++s)
        for (const auto& f : features)
            names.push_back((f.empty() ? "" : f + " ") + "t" + std::to_string(s));
    return names;
}

Dataset sequenceDataset(const std::string& name, int steps, int features, int samples)
{
    Dataset d;
    d.name = name;
    d.inputShape = Shape {steps, features};
    d.x.resize(long(steps) * features, samples);
    d.y.resize(1, samples);
    return d;
}

/// Windows over a series: sample i reads series[i, i + T) and predicts series[i + T].
Dataset forecastWindows(const std::string& name, const std::vector<double>& series, int steps)
{
    const int samples = int(series.size()) - steps;
    Dataset d = sequenceDataset(name, steps, 1, samples);
    for (int i = 0; i < samples; ++i) {
        for (int s = 0; s < steps; ++s)
            d.x(s, i) = static_cast<Scalar>(series[std::size_t(i + s)]);
        d.y(0, i) = static_cast<Scalar>(series[std::size_t(i + steps)]);
    }
    d.task = TaskKind::Regression;
    d.featureNames = stepNames(steps, {""});
    d.targetNames = {"next"};
    return d;
}

Dataset sine(int samples, int steps, double noise, double period, Rng& rng)
{
    // A random phase, so different seeds give different windows of the same wave.
    const double phase = rng.uniform(0.0, kTwoPi);
    std::vector<double> series(std::size_t(samples) + std::size_t(steps));
    for (std::size_t k = 0; k < series.size(); ++k)
        series[k] = std::sin(kTwoPi * double(k) / period + phase) + noise * rng.normal();
    return forecastWindows("sine", series, steps);
}

Dataset multiSine(int samples, int steps, double noise, Rng& rng)
{
    struct Component {
        double period, amplitude;
    };
    // Periods not multiples of each other, so the sum repeats only after thousands of steps.
    static constexpr std::array<Component, 3> parts {
        Component {9.3, 0.5}, Component {23.0, 0.3}, Component {61.0, 0.2}};
    std::array<double, 3> phases {};
    for (double& p : phases)
        p = rng.uniform(0.0, kTwoPi);
    std::vector<double> series(std::size_t(samples) + std::size_t(steps));
    for (std::size_t k = 0; k < series.size(); ++k) {
        double v = 0;
        for (std::size_t c = 0; c < parts.size(); ++c)
            v += parts[c].amplitude * std::sin(kTwoPi * double(k) / parts[c].period + phases[c]);
        series[k] = v + noise * rng.normal();
    }
    return forecastWindows("multi_sine", series, steps);
}

Dataset firstBit(int samples, int steps, double noise, Rng& rng)
{
    Dataset d = sequenceDataset("first_bit", steps, 1, samples);
    for (int i = 0; i < samples; ++i) {
        const int label = i % 2;
        for (int s = 0; s < steps; ++s) {
            const int bit = s == 0 ? label : int(rng.below(2));
            // Bits are -1 / +1: zero-mean inputs add no drift to a tanh state over the steps.
            // The first bit stays exact, so 100% accuracy remains possible at any noise.
            const double jitter = s == 0 ? 0.0 : noise * rng.normal();
            d.x(s, i) = static_cast<Scalar>(2 * bit - 1 + jitter);
        }
        d.y(0, i) = static_cast<Scalar>(label);
    }
    d.task = TaskKind::Classification;
    d.numClasses = 2;
    d.classNames = {"0", "1"};
    d.featureNames = stepNames(steps, {""});
    return d;
}

Dataset adding(int samples, int steps, Rng& rng)
{
    Dataset d = sequenceDataset("adding", steps, 2, samples);
    d.x.setZero();
    const int half = steps / 2;
    for (int i = 0; i < samples; ++i) {
        for (int s = 0; s < steps; ++s)
            d.x(2 * s, i) = static_cast<Scalar>(rng.uniform());
        const int first = int(rng.below(std::uint64_t(half)));
        const int second = half + int(rng.below(std::uint64_t(steps - half)));
        d.x(2 * first + 1, i) = 1;
        d.x(2 * second + 1, i) = 1;
        d.y(0, i) = d.x(2 * first, i) + d.x(2 * second, i);
    }
    d.task = TaskKind::Regression;
    d.featureNames = stepNames(steps, {"value", "marker"});
    d.targetNames = {"sum"};
    return d;
}

Dataset charText(int samples, int steps, const nlohmann::json& options, Rng& rng)
{
    std::string raw = charTextCorpus();
    if (auto it = options.find("text"); it != options.end()) {
        if (!it->is_string())
            throw InputError("options.text", "expected the text to learn, got " + it->dump());
        raw = it->get<std::string>();
    }
    const std::string text = normalizedCharText(raw);
    if (text.size() < std::size_t(steps) + 1)
        throw InputError("options.text",
            "the text has " + std::to_string(text.size())
                + " characters after white space is "
                  "joined; length "
                + std::to_string(steps) + " needs at least " + std::to_string(steps + 1));

    std::array<int, 256> ids {};
    ids.fill(-1);
    for (unsigned char c : text)
        ids[c] = 0;
    Dataset d = sequenceDataset("char_text", steps, 1, samples);
    for (int c = 0; c < 256; ++c) {
        if (ids[std::size_t(c)] < 0)
            continue;
        ids[std::size_t(c)] = int(d.vocabulary.size());
        d.vocabulary.emplace_back(1, char(c));
        d.classNames.push_back(c == ' ' ? "\u2423" : d.vocabulary.back());
    }
    const std::uint64_t starts = text.size() - std::size_t(steps);
    for (int i = 0; i < samples; ++i) {
        const std::size_t start = std::size_t(rng.below(starts));
        for (int s = 0; s < steps; ++s)
            d.x(s, i) = static_cast<Scalar>(ids[static_cast<unsigned char>(text[start + s])]);
        d.y(0, i) = static_cast<Scalar>(ids[static_cast<unsigned char>(text[start + steps])]);
    }
    d.task = TaskKind::Classification;
    d.numClasses = int(d.vocabulary.size());
    d.featureNames = stepNames(steps, {""});
    return d;
}

} // namespace

std::vector<std::string> sequenceGeneratorNames()
{
    return {"sine", "multi_sine", "first_bit", "adding", "char_text"};
}

bool isSequenceGenerator(const std::string& name)
{
    const auto names = sequenceGeneratorNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool isSequenceGeneratorRegression(const std::string& name)
{
    return name == "sine" || name == "multi_sine" || name == "adding";
}

int defaultSequenceLength(const std::string& name)
{
    if (name == "sine")
        return 20;
    if (name == "adding")
        return 50;
    if (name == "char_text")
        return 32;
    return 30;
}

std::string normalizedCharText(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (unsigned char c : text) {
        if (std::isspace(c)) {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += char(std::tolower(c));
    }
    return out;
}

Dataset generateSequenceDataset(const std::string& name, int samples, double noise,
    std::uint64_t seed, const nlohmann::json& options)
{
    if (!isSequenceGenerator(name))
        throw InputError("generator", "'" + name + "' is not a sequence generator");
    if (!options.is_object())
        throw InputError("options", "expected an object, got " + options.dump());
    const int steps = lengthOption(name, options);
    const int features = name == "adding" ? 2 : 1;
    if (samples < 1 || (long long)samples * steps * features > kMaxValues)
        throw InputError("samples",
            "'" + name + "' with length " + std::to_string(steps) + " takes from 1 to "
                + std::to_string(kMaxValues / (long long)(steps * features)) + " samples, got "
                + std::to_string(samples));
    if (!(noise >= 0.0 && noise <= 1.0))
        throw InputError("noise", "expected a number from 0 to 1, got " + std::to_string(noise));

    Rng rng(seed);
    if (name == "sine")
        return sine(samples, steps, noise, periodOption(options), rng);
    if (name == "multi_sine")
        return multiSine(samples, steps, noise, rng);
    if (name == "first_bit")
        return firstBit(samples, steps, noise, rng);
    if (name == "adding")
        return adding(samples, steps, rng);
    return charText(samples, steps, options, rng);
}

} // namespace engine

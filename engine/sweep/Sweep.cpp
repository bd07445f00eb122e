#include "sweep/Sweep.h"

#include "core/Errors.h"
#include "graph/Layer.h"
#include "layers/LayerRegistry.h"
#include "training/Optimizer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace engine {

namespace {

enum class ValueKind { Real, Integer, Text, Boolean };

/// The training settings a sweep may change, with the kind of their values.
struct TrainingKey {
    const char* name;
    ValueKind kind;
};
constexpr TrainingKey kTrainingKeys[] = {{"learningRate", ValueKind::Real},
    {"batchSize", ValueKind::Integer}, {"optimizer", ValueKind::Text}, {"l1", ValueKind::Real},
    {"l2", ValueKind::Real}, {"epochs", ValueKind::Integer}, {"seed", ValueKind::Integer}};

const TrainingKey* trainingKey(const std::string& key)
{
    for (const TrainingKey& k : kTrainingKeys)
        if (key == k.name)
            return &k;
    return nullptr;
}

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::optional<double> parseReal(const std::string& text)
{
    double v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<long long> parseInteger(const std::string& text)
{
    const std::optional<double> v = parseReal(text);
    if (!v || std::floor(*v) != *v || std::abs(*v) > 1e15)
        return std::nullopt;
    return static_cast<long long>(*v);
}

/// Six significant digits, the form generated values are applied and printed in.
std::string formatValue(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

/// "A..B:logN" / "A..B:linN" -> N values; nullopt when `text` is not a range at all.
std::optional<std::vector<std::string>> parseRange(
    const std::string& where, const std::string& text, bool integer)
{
    const auto dots = text.find("..");
    if (dots == std::string::npos)
        return std::nullopt;
    const auto colon = text.find(':', dots);
    const char* syntax = " (expected A..B:logN or A..B:linN, e.g. 1e-4..1e-1:log4)";
    if (colon == std::string::npos)
        throw InputError(where, "a range needs a count" + std::string(syntax));
    const std::optional<double> a = parseReal(trimmed(text.substr(0, dots)));
    const std::optional<double> b = parseReal(trimmed(text.substr(dots + 2, colon - dots - 2)));
    const std::string spacing = text.substr(colon + 1, 3);
    const std::optional<long long> count = parseInteger(text.substr(colon + 4));
    if (!a || !b)
        throw InputError(where, "the range's ends must be numbers" + std::string(syntax));
    if ((spacing != "log" && spacing != "lin") || !count)
        throw InputError(where, "unknown range spacing '" + text.substr(colon + 1) + "'" + syntax);
    if (*count < 2 || *count > 100)
        throw InputError(
            where, "expected 2 to 100 values in a range, got " + std::to_string(*count));
    const bool log = spacing == "log";
    if (log && (*a <= 0 || *b <= 0))
        throw InputError(where, "a log range needs positive ends");
    std::vector<std::string> values;
    for (long long i = 0; i < *count; ++i) {
        const double t = double(i) / double(*count - 1);
        double v
            = log ? std::exp(std::log(*a) + t * (std::log(*b) - std::log(*a))) : *a + t * (*b - *a);
        if (integer)
            v = std::round(v);
        const std::string s = formatValue(v);
        if (std::find(values.begin(), values.end(), s) == values.end())
            values.push_back(s);
    }
    return values;
}

/// Checks a training setting's value; the message completes "expected ...".
void checkTrainingValue(const std::string& where, const std::string& key, const std::string& value)
{
    const auto fail = [&](const std::string& expected) {
        throw InputError(where, "expected " + expected + ", got '" + value + "'");
    };
    if (key == "optimizer") {
        const auto types = OptimizerConfig::types();
        if (std::find(types.begin(), types.end(), value) == types.end()) {
            std::string list;
            for (const std::string& t : types)
                list += (list.empty() ? "" : ", ") + t;
            fail("an optimizer (" + list + ")");
        }
        return;
    }
    if (key == "learningRate") {
        const auto v = parseReal(value);
        if (!v || *v <= 0 || *v > 1e3)
            fail("a number in (0, 1000]");
    } else if (key == "l1" || key == "l2") {
        const auto v = parseReal(value);
        if (!v || *v < 0 || *v > 1e3)
            fail("a number in [0, 1000]");
    } else if (key == "batchSize") {
        const auto v = parseInteger(value);
        if (!v || *v < 1 || *v > 65536)
            fail("an integer from 1 to 65536");
    } else if (key == "epochs") {
        const auto v = parseInteger(value);
        if (!v || *v < 1 || *v > 1000000)
            fail("an integer from 1 to 1000000");
    } else if (key == "seed") {
        const auto v = parseInteger(value);
        if (!v || *v < 0)
            fail("a non-negative integer");
    }
}

std::string knownKeysText()
{
    std::string s;
    for (const TrainingKey& k : kTrainingKeys)
        s += std::string(s.empty() ? "" : ", ") + k.name;
    return s + ", or NODE.ATTRIBUTE such as hidden.units";
}

void applyTrainingSetting(TrainingConfig& t, const std::string& key, const std::string& value)
{
    if (key == "learningRate")
        t.optimizer.learningRate = *parseReal(value);
    else if (key == "l1")
        t.optimizer.l1 = *parseReal(value);
    else if (key == "l2")
        t.optimizer.l2 = *parseReal(value);
    else if (key == "optimizer")
        t.optimizer.type = value;
    else if (key == "batchSize")
        t.batchSize = int(*parseInteger(value));
    else if (key == "epochs")
        t.epochs = int(*parseInteger(value));
    else if (key == "seed")
        t.seed = std::uint64_t(*parseInteger(value));
}

/// The attribute value of `text` in the JSON type of the layer's current value of it.
nlohmann::json attributeValue(
    const std::string& where, const nlohmann::json& current, const std::string& text)
{
    if (current.is_number_integer() || current.is_number_unsigned()) {
        const auto v = parseInteger(text);
        if (!v)
            throw InputError(where, "expected an integer, got '" + text + "'");
        return *v;
    }
    if (current.is_number()) {
        const auto v = parseReal(text);
        if (!v)
            throw InputError(where, "expected a number, got '" + text + "'");
        return *v;
    }
    if (current.is_boolean()) {
        if (text != "true" && text != "false")
            throw InputError(where, "expected true or false, got '" + text + "'");
        return text == "true";
    }
    if (current.is_string())
        return text;
    throw InputError(where, "this attribute cannot be swept (it is not a single value)");
}

void applyNodeSetting(Project& project, const std::string& key, const std::string& value)
{
    const std::string where = key + "=" + value;
    const auto dot = key.rfind('.');
    const std::string nodeName = key.substr(0, dot);
    const std::string attribute = key.substr(dot + 1);
    NodeRecord* node = nullptr;
    std::string names;
    for (NodeRecord& n : project.nodes) {
        names += (names.empty() ? "" : ", ") + n.name;
        if (n.name == nodeName) {
            if (node)
                throw InputError(where, "several nodes are named '" + nodeName + "'");
            node = &n;
        }
    }
    if (!node)
        throw InputError(where, "no node named '" + nodeName + "' (nodes: " + names + ")");
    std::unique_ptr<Layer> layer = LayerRegistry::create(node->type);
    if (!layer)
        throw InputError(where, "node '" + nodeName + "' has an unknown type '" + node->type + "'");
    const nlohmann::json defaults = layer->attributes();
    if (!defaults.is_object() || !defaults.contains(attribute)) {
        std::string known;
        if (defaults.is_object())
            for (const auto& item : defaults.items())
                known += (known.empty() ? "" : ", ") + item.key();
        throw InputError(where,
            "node '" + nodeName + "' (" + node->type + ") has no attribute '" + attribute + "'"
                + (known.empty() ? std::string(" (it has none)") : " (it has " + known + ")"));
    }
    const nlohmann::json current
        = node->attributes.contains(attribute) ? node->attributes[attribute] : defaults[attribute];
    nlohmann::json attributes
        = node->attributes.is_object() ? node->attributes : nlohmann::json::object();
    attributes[attribute] = attributeValue(where, current, value);
    // The layer itself judges the value (units > 0, a rate below 1, a known activation).
    try {
        layer->setAttributes(attributes);
    } catch (const InputError& e) {
        throw InputError(where, e.message());
    } catch (const std::invalid_argument& e) {
        throw InputError(where, e.what());
    }
    node->attributes = std::move(attributes);
}

} // namespace

bool isTrainingSweepKey(const std::string& key)
{
    return trainingKey(key) != nullptr;
}

SweepAxis SweepAxis::parse(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw InputError(text, "expected KEY=V1,V2,... or KEY=A..B:logN");
    SweepAxis axis;
    axis.key = trimmed(text.substr(0, eq));
    const std::string rest = text.substr(eq + 1);
    const TrainingKey* training = trainingKey(axis.key);
    const bool isNodeKey = !training && axis.key.find('.') != std::string::npos
        && axis.key.front() != '.' && axis.key.back() != '.';
    if (!training && !isNodeKey)
        throw InputError(
            text, "unknown setting '" + axis.key + "' (known: " + knownKeysText() + ")");
    const bool integer = training && (training->kind == ValueKind::Integer);
    if (auto range = parseRange(text, rest, integer)) {
        axis.values = std::move(*range);
    } else {
        std::size_t start = 0;
        while (start <= rest.size()) {
            const auto comma = std::min(rest.find(',', start), rest.size());
            const std::string value = trimmed(rest.substr(start, comma - start));
            if (value.empty())
                throw InputError(text, "empty value in the list");
            if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end())
                throw InputError(text, "the value '" + value + "' is listed twice");
            axis.values.push_back(value);
            start = comma + 1;
        }
    }
    if (training)
        for (const std::string& v : axis.values)
            checkTrainingValue(axis.key + "=" + v, axis.key, v);
    return axis;
}

std::string SweepRun::label() const
{
    std::string s;
    for (const auto& [key, value] : settings)
        s += (s.empty() ? "" : " ") + key + "=" + value;
    return s;
}

void SweepSpec::addAxis(SweepAxis axis)
{
    for (const SweepAxis& a : m_axes)
        if (a.key == axis.key)
            throw InputError(axis.key, "swept twice; list all its values in one sweep");
    if (int(m_axes.size()) >= kMaxAxes)
        throw InputError(
            axis.key, "at most " + std::to_string(kMaxAxes) + " settings can be swept at once");
    if (axis.values.empty())
        throw InputError(axis.key, "no values to sweep");
    m_axes.push_back(std::move(axis));
}

std::vector<SweepRun> SweepSpec::runs() const
{
    std::vector<SweepRun> runs;
    if (m_axes.empty())
        return runs;
    runs.push_back({});
    for (const SweepAxis& axis : m_axes) {
        std::vector<SweepRun> next;
        for (const SweepRun& r : runs)
            for (const std::string& v : axis.values) {
                SweepRun n = r;
                n.settings.emplace_back(axis.key, v);
                next.push_back(std::move(n));
            }
        runs = std::move(next);
    }
    for (std::size_t i = 0; i < runs.size(); ++i)
        runs[i].index = int(i) + 1;
    return runs;
}

void applySweepSetting(Project& project, const std::string& key, const std::string& value)
{
    if (isTrainingSweepKey(key)) {
        checkTrainingValue(key + "=" + value, key, value);
        applyTrainingSetting(project.training, key, value);
        return;
    }
    if (key.find('.') == std::string::npos)
        throw InputError(
            key + "=" + value, "unknown setting '" + key + "' (known: " + knownKeysText() + ")");
    applyNodeSetting(project, key, value);
}

Project projectForRun(const Project& base, const SweepRun& run)
{
    Project p = base;
    for (const auto& [key, value] : run.settings)
        applySweepSetting(p, key, value);
    // A run starts from fresh weights and records only its own curves.
    p.weights.clear();
    p.history = {};
    return p;
}

} // namespace engine

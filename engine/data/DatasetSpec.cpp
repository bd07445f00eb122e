#include "data/DatasetSpec.h"

#include "core/Errors.h"
#include "core/NameList.h"
#include "data/DatasetGenerators.h"
#include "data/IdxReader.h"

#include <algorithm>
#include <cmath>

namespace engine {

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
    checkSourceName(spec.source, "source");
    string("generator", spec.generator);
    if (spec.source == "generator")
        checkGeneratorName(spec.generator, "generator");
    if (auto it = j.find("samples"); it != j.end()) {
        if (!it->is_number_integer() || it->get<long long>() < 1
            || it->get<long long>() > kMaxGeneratedSamples)
            throw InputError("samples",
                "expected an integer from 1 to " + std::to_string(kMaxGeneratedSamples) + ", got "
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

std::vector<std::string> datasetSourceNames()
{
    return {"generator", "csv", "idx", "fashion-mnist", "mnist", "timeseries"};
}

void checkSourceName(const std::string& source, const std::string& where)
{
    const auto sources = datasetSourceNames();
    if (std::find(sources.begin(), sources.end(), source) == sources.end())
        throw InputError(where,
            "unknown data source '" + source + "' (expected one of: " + joinedNames(sources) + ")");
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

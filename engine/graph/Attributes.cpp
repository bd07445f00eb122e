#include "graph/Attributes.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace engine::attr {

namespace {

std::string joinChoices(const std::vector<std::string>& choices)
{
    std::string s;
    for (std::size_t i = 0; i < choices.size(); ++i)
        s += (i ? ", " : "") + ("\"" + choices[i] + "\"");
    return s;
}

std::string number(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

} // namespace

void read(const nlohmann::json& attrs, const AttributeSpec& spec, int& out)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end())
        return;
    const bool integral = it->is_number_integer()
        || (it->is_number_float() && std::floor(it->get<double>()) == it->get<double>());
    if (!integral || it->get<double>() < spec.min || it->get<double>() > spec.max) {
        const std::string range = spec.min >= 1 && spec.max >= 1e6
            ? "a positive integer"
            : "an integer from " + number(spec.min) + " to " + number(spec.max);
        throw InputError(spec.name, "expected " + range + ", got " + it->dump());
    }
    out = static_cast<int>(it->get<double>());
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, double& out)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end())
        return;
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < spec.min
        || it->get<double>() > spec.max)
        throw InputError(spec.name, "expected a number from " + number(spec.min) + " to "
                                        + number(spec.max) + ", got " + it->dump());
    out = it->get<double>();
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, bool& out)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end())
        return;
    if (!it->is_boolean())
        throw InputError(spec.name, "expected true or false, got " + it->dump());
    out = it->get<bool>();
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, std::string& out)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end())
        return;
    if (it->is_string()) {
        const auto value = it->get<std::string>();
        for (const auto& c : spec.choices)
            if (c == value) {
                out = value;
                return;
            }
    }
    throw InputError(spec.name, "expected one of " + joinChoices(spec.choices) + ", got "
                                    + it->dump());
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, std::vector<int>& out)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end() || it->is_null())
        return;
    const auto fail = [&] {
        throw InputError(spec.name,
                         "expected a list of positive integers such as [28, 28, 1], got "
                             + it->dump());
    };
    if (!it->is_array() || it->size() > 4)
        fail();
    std::vector<int> dims;
    for (const auto& d : *it) {
        if (!d.is_number_integer() || d.get<long>() < 1 || d.get<long>() > (1 << 24))
            fail();
        dims.push_back(d.get<int>());
    }
    out = std::move(dims);
}

void readIntList(const nlohmann::json& attrs, const AttributeSpec& spec, std::vector<int>& list,
    std::string& word)
{
    auto it = attrs.find(spec.name);
    if (it == attrs.end())
        return;
    const auto inRange = [&](const nlohmann::json& v) {
        return v.is_number_integer() && v.get<double>() >= spec.min && v.get<double>() <= spec.max;
    };
    if (it->is_string()) {
        for (const auto& c : spec.choices)
            if (c == it->get<std::string>()) {
                word = c;
                list.clear();
                return;
            }
    } else if (spec.choices.empty() && inRange(*it)) {
        list.assign(std::size_t(spec.length), it->get<int>());
        word.clear();
        return;
    } else if (it->is_array() && it->size() == std::size_t(spec.length)
        && std::all_of(it->begin(), it->end(), inRange)) {
        list.clear();
        for (const auto& v : *it)
            list.push_back(v.get<int>());
        word.clear();
        return;
    }
    const std::string range = number(spec.min) + " to " + number(spec.max);
    const std::string count = std::to_string(spec.length);
    std::string expected = spec.choices.empty()
        ? "an integer from " + range + " or a list of " + count + " of them"
        : joinChoices(spec.choices) + " or a list of " + count + " integers from " + range;
    throw InputError(spec.name, "expected " + expected + ", got " + it->dump());
}

AttributeSpec intSpec(std::string name, std::string label, int min, int max, std::string help)
{
    return {std::move(name), std::move(label), AttributeSpec::Kind::Int, double(min), double(max),
            {}, std::move(help)};
}

AttributeSpec floatSpec(std::string name, std::string label, double min, double max,
                        std::string help)
{
    return {std::move(name), std::move(label), AttributeSpec::Kind::Float, min, max, {},
            std::move(help)};
}

AttributeSpec boolSpec(std::string name, std::string label, std::string help)
{
    return {std::move(name), std::move(label), AttributeSpec::Kind::Bool, 0, 1, {}, std::move(help)};
}

AttributeSpec choiceSpec(std::string name, std::string label, std::vector<std::string> choices,
                         std::string help)
{
    return {std::move(name), std::move(label), AttributeSpec::Kind::Choice, 0, 0,
            std::move(choices), std::move(help)};
}

AttributeSpec shapeSpec(std::string name, std::string label, std::string help)
{
    return {std::move(name), std::move(label), AttributeSpec::Kind::Shape, 1, 1 << 24, {},
            std::move(help)};
}

AttributeSpec intListSpec(std::string name, std::string label, int length, int min, int max,
    std::vector<std::string> choices, std::string help)
{
    AttributeSpec s {std::move(name), std::move(label), AttributeSpec::Kind::IntList, double(min),
        double(max), std::move(choices), std::move(help)};
    s.length = length;
    return s;
}

} // namespace engine::attr

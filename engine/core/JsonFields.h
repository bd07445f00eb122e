#pragma once
// Checked reads of optional settings from a JSON object, shared by the optimizer, schedule and
// training configurations. Each throws InputError whose where() is the key, so that callers can
// prefix the path of the object ("optimizer.", "training.").

#include "core/Errors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <string>

namespace engine::fields {

inline std::string number(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

/// Throws unless `j` is an object; `what` completes "expected an object with ...".
inline void requireObject(const nlohmann::json& j, const std::string& what)
{
    if (!j.is_object())
        throw InputError("", "expected an object with " + what + ", got " + j.dump());
}

/// If `j` has `key`, checks that it is a finite number accepted by `ok` and stores it in `out`.
/// `expected` completes the message "expected ..., got ...".
template <typename Predicate>
void readReal(const nlohmann::json& j, const char* key, double& out, Predicate ok,
    const std::string& expected)
{
    auto it = j.find(key);
    if (it == j.end())
        return;
    if (!it->is_number() || !std::isfinite(it->get<double>()) || !ok(it->get<double>()))
        throw InputError(key, "expected " + expected + ", got " + it->dump());
    out = it->get<double>();
}

/// If `j` has `key`, checks that it is a number in [min, max] (or (min, max] when `aboveMin`)
/// and stores it in `out`. The message states the interval: "expected a number in [0, 1000],
/// got 1e+308". Every setting has such a bound, so that no file can make a rate or a penalty
/// overflow the engine's float arithmetic.
inline void readRange(const nlohmann::json& j, const char* key, double& out, double min, double max,
    bool aboveMin = false)
{
    const auto text = [](double v) {
        return std::floor(v) == v && std::abs(v) < 1e15 ? std::to_string(static_cast<long long>(v))
                                                        : number(v);
    };
    readReal(
        j, key, out, [&](double v) { return (aboveMin ? v > min : v >= min) && v <= max; },
        std::string("a number in ") + (aboveMin ? "(" : "[") + text(min) + ", " + text(max) + "]");
}

/// If `j` has `key`, checks that it is an integer in [min, max] (2.0 counts, 2.5 does not).
inline void readInt(const nlohmann::json& j, const char* key, int& out, int min, int max)
{
    auto it = j.find(key);
    if (it == j.end())
        return;
    const bool integral = it->is_number_integer()
        || (it->is_number_float() && std::isfinite(it->get<double>())
            && std::floor(it->get<double>()) == it->get<double>());
    if (!integral || it->get<double>() < min || it->get<double>() > max)
        throw InputError(key,
            "expected an integer from " + std::to_string(min) + " to " + std::to_string(max)
                + ", got " + it->dump());
    out = static_cast<int>(it->get<double>());
}

inline void readBool(const nlohmann::json& j, const char* key, bool& out)
{
    auto it = j.find(key);
    if (it == j.end())
        return;
    if (!it->is_boolean())
        throw InputError(key, "expected true or false, got " + it->dump());
    out = it->get<bool>();
}

/// Runs `read` and re-throws its InputError with where() prefixed by `prefix` ("optimizer"):
/// "learningRate" becomes "optimizer.learningRate", an empty where() becomes "optimizer".
template <typename Read> auto nested(const std::string& prefix, Read read)
{
    try {
        return read();
    } catch (const InputError& e) {
        throw InputError(e.where().empty() ? prefix : prefix + "." + e.where(), e.message());
    }
}

} // namespace engine::fields

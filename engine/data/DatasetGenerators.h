#pragma once
// The built-in data generators a spec's "generator" source names.

#include "data/Dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

/// The most samples a generator makes (the spec's "samples").
inline constexpr int kMaxGeneratedSamples = 10'000'000;

/// The TensorFlow-Playground generators: "circle", "xor", "gaussians", "spiral" (2 classes,
/// inputs in [-6, 6]^2 like the Playground) and "plane", "multi_gaussian" (regression, one
/// target in [-1, 1]). Plus "and", "or" (the perceptron lesson's 4-point truth tables, repeated).
/// Then the sequence generators of SequenceGenerators.h ("sine", "multi_sine", "first_bit",
/// "adding", "char_text"), whose samples are sequences {T, F} and which read spec.options.
std::vector<std::string> generatorNames();
bool isGeneratorRegression(const std::string& name);
/// Throws InputError(where, "unknown generator '...' (expected one of: ...)") unless `name` is
/// one of generatorNames().
void checkGeneratorName(const std::string& name, const std::string& where);
/// Throws InputError("generator", ...) for an unknown name or samples < 1. Sequence generators
/// get their default options (e.g. their default length).
Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed);
/// The same with a generator's options (spec.options: "length", ...); a bad option throws
/// InputError("options.<key>", ...).
Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed,
    const nlohmann::json& options);

} // namespace engine

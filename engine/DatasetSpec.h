#pragma once

#include "Dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace engine {

/// Where a project's data comes from (the project file's "dataset" object).
struct DatasetSpec {
    /// "generator": one of generatorNames(); later "csv", "idx", "fashion-mnist".
    std::string source = "generator";
    std::string generator = "xor"; ///< for source "generator"
    int samples = 400;             ///< for generators
    double noise = 0.0;            ///< for generators, in [0, 1] (fraction of the data's scale)
    std::uint64_t seed = 1;        ///< for generators
    std::string path;              ///< file or folder; relative to the project file's folder
    nlohmann::json options = nlohmann::json::object(); ///< source-specific (CSV columns, ...)

    nlohmann::json toJson() const;
    static DatasetSpec fromJson(const nlohmann::json& j); ///< throws InputError (relative where)
};

/// The TensorFlow-Playground generators: "circle", "xor", "gaussians", "spiral" (2 classes,
/// inputs in [-6, 6]^2 like the Playground) and "plane", "multi_gaussian" (regression, one
/// target in [-1, 1]). Plus "and", "or" (the perceptron lesson's 4-point truth tables, repeated).
std::vector<std::string> generatorNames();
bool isGeneratorRegression(const std::string& name);
/// Throws InputError("generator", ...) for an unknown name or samples < 1.
Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed);

/// Loads or generates the data a spec names; `projectDir` resolves relative paths.
/// Throws InputError naming the file and place (a missing file says how to get it).
Dataset loadDataset(const DatasetSpec& spec, const std::filesystem::path& projectDir);

} // namespace engine

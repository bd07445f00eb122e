#pragma once
// A guided lesson (docs/lesson-format.md): a NetCanvas project file (Project.h) with one more
// top-level object, "lesson", holding the text the student reads, the numbered steps, the checks
// that tick when training reaches the textbook result, "predict, then run" prompts, variants
// (other project files the lesson compares) and settings the student may not change.
//
// Checks are evaluated on LessonMetrics, which both the headless trainer (trainForLesson) and
// the GUI (from its training snapshots) fill the same way, so a test of a shipped lesson checks
// exactly what the student's panel shows.

#include "project/Project.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace engine {

enum class Comparison {
    Less, ///< "<"
    LessEqual, ///< "<="
    Greater, ///< ">"
    GreaterEqual, ///< ">="
    Equal ///< "==" (booleans: the value true or false)
};
std::string comparisonSymbol(Comparison c);

/// "metric op value": e.g. validation.accuracy >= 0.95. See lessonMetricNames().
struct LessonCheck {
    std::string metric;
    Comparison op = Comparison::GreaterEqual;
    double value = 0; ///< threshold; for boolean metrics 1 (true) or 0 (false)
    std::string label; ///< what the panel shows; describeCheck() when empty
    std::string variant; ///< the variant whose training it watches; "" = the lesson's project
};

/// The student types a guess before training; `answer` is shown beside it afterwards.
struct LessonPrompt {
    std::string question;
    std::string answer;
    std::string variant; ///< "" = the lesson's project
};

/// Another project the lesson compares with its own (a sigmoid and a ReLU network, ...).
struct LessonVariant {
    std::string id; ///< referenced by checks and prompts; letters, digits, '-', '_'
    std::string title; ///< button text: "Deep ReLU network"
    std::string project; ///< project file, relative to the lesson file's folder
};

/// A setting the student cannot change, by its path in the project file:
/// "training.optimizer.learningRate", "training.epochs", "dataset.generator",
/// "nodes[2].attributes.units" (index into "nodes", as the loader's error locations count).
struct LockedSetting {
    std::string path;
    std::string reason; ///< tooltip on the disabled editor
};

struct Lesson {
    std::string title;
    std::vector<std::string> paragraphs; ///< short paragraphs of plain text
    std::vector<std::string> steps; ///< numbered by the panel, from 1
    std::vector<LessonVariant> variants;
    std::vector<LessonCheck> checks;
    std::vector<LessonPrompt> prompts;
    std::vector<LockedSetting> locked;

    const LessonVariant* findVariant(const std::string& id) const;
    /// The locked entry for `path` (exact match), or null.
    const LockedSetting* findLock(const std::string& path) const;

    nlohmann::json toJson() const;
    /// Throws InputError whose where() is relative to the lesson object ("checks[2].metric").
    /// Unknown keys are errors (a misspelt key would silently drop a check otherwise).
    static Lesson fromJson(const nlohmann::json& j);
};

/// A project and its lesson, as one file.
struct LessonFile {
    Project project;
    Lesson lesson;

    /// The project's JSON with "lesson" added.
    nlohmann::json toJson() const;
    /// Throws InputError with where() like "lesson.checks[2].metric" or "nodes[3].attributes".
    /// Locked paths must name a setting the project has.
    static LessonFile fromJson(const nlohmann::json& j);
};

bool isLessonJson(const nlohmann::json& j);
/// Throws InputError whose what() starts with the file name, like loadProject().
LessonFile loadLesson(const std::filesystem::path& file);
void saveLesson(const LessonFile& lesson, const std::filesystem::path& file);

/// Metric names checks may use:
/// "train.loss", "train.accuracy", "validation.loss", "validation.accuracy" (last epoch),
/// "validation.minLoss" (lowest validation loss of the run), "epochs" (completed),
/// "gradientRatio" (first parametrized layer's gradient norm / last one's, at the last step),
/// "diverged", "earlyStopped" and "overfitting" (booleans; overfitting = the last validation
/// loss is more than 10% above the run's lowest while the training loss kept falling after it).
std::vector<std::string> lessonMetricNames();
bool isBooleanMetric(const std::string& metric);
/// "validation accuracy", "first-layer / last-layer gradient norm", ...
std::string describeMetric(const std::string& metric);
/// The check's label, or the check in words: "validation accuracy at least 95 %",
/// "trained for fewer than 50 epochs", "training did not diverge",
/// "first-layer gradient norm below 0.01 × the last layer's".
std::string describeCheck(const LessonCheck& check);
/// A metric's value in words and its unit: "17 epochs", "97.5 %" (a no-break space before the
/// "%"), "0.0312", "yes".
std::string describeMetricValue(const std::string& metric, double value);
/// A locked setting's path in words: "the learning rate", "the hidden layer's units" (for
/// "nodes[i].attributes.key": the node's name and the attribute's inspector label); the path
/// itself when it names nothing the project has.
std::string describeSetting(const Project& project, const std::string& path);

struct LessonEpoch {
    double trainLoss = 0;
    std::optional<double> trainAccuracy;
    std::optional<double> validationLoss;
    std::optional<double> validationAccuracy;
};

/// What one training run produced, as far as checks need it.
struct LessonMetrics {
    std::vector<LessonEpoch> epochs;
    /// Gradient norm (all parameters of a node) per parametrized node in execution order, at
    /// the last mini-batch.
    std::vector<double> gradientNorms;
    bool diverged = false;
    bool earlyStopped = false;
    bool finished = false; ///< the run ended (booleans are only decided then)

    void addEpoch(const EpochStats& e);
    /// nullopt when the run has not produced the metric (yet).
    std::optional<double> value(const std::string& metric) const;
};

struct CheckResult {
    bool passed = false;
    std::optional<double> value; ///< the metric's current value
};
CheckResult evaluateCheck(const LessonCheck& check, const LessonMetrics& metrics);

/// Per-node Euclidean norms of the parameter gradients of the last backward pass, in execution
/// order (nodes without gradients are skipped), as the GUI's gradient-flow view computes them.
std::vector<double> gradientNorms(Graph& graph);

/// Trains `project` on this thread as the GUI would and records its metrics. `epochs` > 0
/// overrides the project's. Throws InputError / ShapeError like Trainer and loadDatasetSplits.
LessonMetrics trainForLesson(
    const Project& project, const std::filesystem::path& projectDir, int epochs = 0);

} // namespace engine

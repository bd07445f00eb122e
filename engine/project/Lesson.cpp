#include "project/Lesson.h"

#include "core/Errors.h"
#include "core/JsonFields.h"
#include "core/JsonPath.h"
#include "data/DatasetLoading.h"
#include "layers/LayerRegistry.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace engine {

namespace {

using jsonpath::indexed;
using jsonpath::join;
using jsonpath::prefixed;

/// How far above its lowest point the validation loss must end for "overfitting".
constexpr double kOverfitRise = 0.10;




void requireKnownKeys(const nlohmann::json& j, const std::set<std::string>& known)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!known.count(it.key())) {
            std::string list;
            for (const auto& k : known)
                list += (list.empty() ? "" : ", ") + k;
            throw InputError(it.key(), "unknown key; expected one of " + list);
        }
    }
}

std::string readString(const nlohmann::json& j, const char* key, bool required)
{
    auto it = j.find(key);
    if (it == j.end()) {
        if (required)
            throw InputError(key, "missing; expected a text");
        return {};
    }
    if (!it->is_string())
        throw InputError(key, "expected a text, got " + it->dump());
    if (required && it->get<std::string>().empty())
        throw InputError(key, "expected a text, got an empty one");
    return it->get<std::string>();
}

std::vector<std::string> readStrings(const nlohmann::json& j, const char* key)
{
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end())
        return out;
    if (!it->is_array())
        throw InputError(key, "expected a list of texts, got " + it->dump());
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (!v.is_string())
            throw InputError(indexed(key, i), "expected a text, got " + v.dump());
        out.push_back(v.get<std::string>());
    }
    return out;
}

/// Calls `parse(element, i)` for every object of the list `key`, prefixing errors with
/// "key[i]".
template <typename F> void forEachObject(const nlohmann::json& j, const char* key, F&& parse)
{
    auto it = j.find(key);
    if (it == j.end())
        return;
    if (!it->is_array())
        throw InputError(key, "expected a list, got " + it->dump());
    for (std::size_t i = 0; i < it->size(); ++i)
        prefixed(indexed(key, i), [&] {
            parse((*it)[i], i);
            return 0;
        });
}

std::optional<Comparison> parseComparison(const std::string& s)
{
    static const std::map<std::string, Comparison> ops {{"<", Comparison::Less},
        {"<=", Comparison::LessEqual}, {">", Comparison::Greater}, {">=", Comparison::GreaterEqual},
        {"==", Comparison::Equal}};
    auto it = ops.find(s);
    if (it == ops.end())
        return std::nullopt;
    return it->second;
}

bool validId(const std::string& id)
{
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

/// The value at a locked path ("training.optimizer.learningRate", "nodes[2].attributes.units")
/// in a project's JSON, or null when the path names nothing.
const nlohmann::json* resolvePath(const nlohmann::json& root, const std::string& path)
{
    const nlohmann::json* cur = &root;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        const std::size_t dot = path.find('.', pos);
        std::string part
            = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        std::optional<std::size_t> index;
        const auto bracket = part.find('[');
        if (bracket != std::string::npos) {
            if (part.back() != ']')
                return nullptr;
            const std::string digits = part.substr(bracket + 1, part.size() - bracket - 2);
            if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
                    return std::isdigit(static_cast<unsigned char>(c));
                }))
                return nullptr;
            index = std::stoul(digits);
            part = part.substr(0, bracket);
        }
        if (part.empty() || !cur->is_object() || !cur->contains(part))
            return nullptr;
        cur = &(*cur)[part];
        if (index) {
            if (!cur->is_array() || *index >= cur->size())
                return nullptr;
            cur = &(*cur)[*index];
        }
        if (dot == std::string::npos)
            break;
        pos = dot + 1;
    }
    return cur;
}

} // namespace

std::string comparisonSymbol(Comparison c)
{
    switch (c) {
    case Comparison::Less:
        return "<";
    case Comparison::LessEqual:
        return "<=";
    case Comparison::Greater:
        return ">";
    case Comparison::GreaterEqual:
        return ">=";
    case Comparison::Equal:
        return "==";
    }
    return "?";
}

// --- metrics ---------------------------------------------------------------------------------

std::vector<std::string> lessonMetricNames()
{
    return {"train.loss", "train.accuracy", "validation.loss", "validation.accuracy",
        "validation.minLoss", "epochs", "gradientRatio", "diverged", "earlyStopped", "overfitting"};
}

bool isBooleanMetric(const std::string& metric)
{
    return metric == "diverged" || metric == "earlyStopped" || metric == "overfitting";
}

std::string describeMetric(const std::string& metric)
{
    static const std::map<std::string, std::string> names {{"train.loss", "training loss"},
        {"train.accuracy", "training accuracy"}, {"validation.loss", "validation loss"},
        {"validation.accuracy", "validation accuracy"},
        {"validation.minLoss", "lowest validation loss"}, {"epochs", "epochs trained"},
        {"gradientRatio", "first-layer / last-layer gradient norm"},
        {"diverged", "training diverged"}, {"earlyStopped", "early stopping ended the run"},
        {"overfitting", "validation loss rose while training loss fell"}};
    auto it = names.find(metric);
    return it == names.end() ? metric : it->second;
}

namespace {

bool isAccuracyMetric(const std::string& metric)
{
    return metric == "train.accuracy" || metric == "validation.accuracy";
}

/// "below", "at most", ... as a check reads aloud.
std::string comparisonWords(Comparison c)
{
    switch (c) {
    case Comparison::Less:
        return "below";
    case Comparison::LessEqual:
        return "at most";
    case Comparison::Greater:
        return "above";
    case Comparison::GreaterEqual:
        return "at least";
    case Comparison::Equal:
        return "equal to";
    }
    return "?";
}

/// A threshold or value in the metric's own unit: "95 %", "17", "0.03".
std::string formatInUnit(const std::string& metric, double v, int precision)
{
    std::ostringstream os;
    os.precision(precision);
    if (isAccuracyMetric(metric))
        os << 100 * v << "\u00a0%"; // no line break between number and unit
    else if (metric == "epochs")
        os << std::llround(v);
    else
        os << v;
    return os.str();
}

} // namespace

std::string describeCheck(const LessonCheck& c)
{
    if (!c.label.empty())
        return c.label;
    if (isBooleanMetric(c.metric)) {
        const bool wantTrue = (c.value != 0) == (c.op == Comparison::Equal);
        if (wantTrue)
            return describeMetric(c.metric);
        static const std::map<std::string, std::string> negated {
            {"diverged", "training did not diverge"},
            {"earlyStopped", "early stopping did not end the run"},
            {"overfitting", "validation loss did not rise while training loss fell"}};
        return negated.at(c.metric);
    }
    const std::string threshold = formatInUnit(c.metric, c.value, 6);
    if (c.metric == "gradientRatio")
        return "first-layer gradient norm " + comparisonWords(c.op) + " " + threshold
            + " × the last layer's";
    if (c.metric == "epochs") {
        static const std::map<Comparison, std::string> bounds {{Comparison::Less, "fewer than"},
            {Comparison::LessEqual, "at most"}, {Comparison::Greater, "more than"},
            {Comparison::GreaterEqual, "at least"}, {Comparison::Equal, "exactly"}};
        return "trained for " + bounds.at(c.op) + " " + threshold
            + (std::llround(c.value) == 1 ? " epoch" : " epochs");
    }
    return describeMetric(c.metric) + " " + comparisonWords(c.op) + " " + threshold;
}

std::string describeMetricValue(const std::string& metric, double value)
{
    if (isBooleanMetric(metric))
        return value != 0 ? "yes" : "no";
    if (metric == "epochs")
        return formatInUnit(metric, value, 6) + (std::llround(value) == 1 ? " epoch" : " epochs");
    // Three significant digits: a loss of 0.0004 must not read "0.000".
    return formatInUnit(metric, value, 3);
}

std::string describeSetting(const Project& project, const std::string& path)
{
    static const std::map<std::string, std::string> settings {
        {"dataset.generator", "the data generator"}, {"dataset.samples", "the number of samples"},
        {"dataset.noise", "the noise"}, {"dataset.seed", "the data seed"},
        {"dataset.options.target", "the training target"},
        {"dataset.options.length", "the sequence length"},
        {"training.optimizer.type", "the optimizer"},
        {"training.optimizer.learningRate", "the learning rate"},
        {"training.optimizer.momentum", "the momentum"},
        {"training.optimizer.l1", "the L1 penalty"}, {"training.optimizer.l2", "the L2 penalty"},
        {"training.batchSize", "the batch size"}, {"training.epochs", "the number of epochs"},
        {"training.validationSplit", "the validation split"},
        {"training.testSplit", "the test split"}, {"training.seed", "the training seed"}};
    if (auto it = settings.find(path); it != settings.end())
        return it->second;
    // "nodes[1].attributes.units": the node by its name, the attribute by its inspector label.
    const std::string prefix = "nodes[", middle = "].attributes.";
    const auto close = path.find(middle);
    if (path.rfind(prefix, 0) == 0 && close != std::string::npos) {
        const std::string digits = path.substr(prefix.size(), close - prefix.size());
        const std::string key = path.substr(close + middle.size());
        const bool numeric = !digits.empty()
            && std::all_of(digits.begin(), digits.end(),
                [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
        const std::size_t index = numeric ? std::stoul(digits) : project.nodes.size();
        if (index < project.nodes.size()) {
            const NodeRecord& node = project.nodes[index];
            std::string label = key;
            if (auto layer = LayerRegistry::create(node.type))
                for (const AttributeSpec& spec : layer->attributeSpecs())
                    if (spec.name == key && !spec.label.empty())
                        label = spec.label;
            std::transform(label.begin(), label.begin() + (label.empty() ? 0 : 1), label.begin(),
                [](unsigned char ch) { return char(std::tolower(ch)); });
            return "the " + (node.name.empty() ? node.type : node.name) + " layer's " + label;
        }
    }
    return path;
}

void LessonMetrics::addEpoch(const EpochStats& e)
{
    LessonEpoch le;
    le.trainLoss = e.train.loss;
    le.trainAccuracy = e.train.accuracy;
    if (e.validation) {
        le.validationLoss = e.validation->loss;
        le.validationAccuracy = e.validation->accuracy;
    }
    epochs.push_back(le);
}

std::optional<double> LessonMetrics::value(const std::string& metric) const
{
    const LessonEpoch* last = epochs.empty() ? nullptr : &epochs.back();
    auto boolean = [this](bool b) -> std::optional<double> {
        if (!finished)
            return std::nullopt;
        return b ? 1.0 : 0.0;
    };
    if (metric == "train.loss")
        return last ? std::optional<double>(last->trainLoss) : std::nullopt;
    if (metric == "train.accuracy")
        return last ? last->trainAccuracy : std::nullopt;
    if (metric == "validation.loss")
        return last ? last->validationLoss : std::nullopt;
    if (metric == "validation.accuracy")
        return last ? last->validationAccuracy : std::nullopt;
    if (metric == "validation.minLoss") {
        std::optional<double> best;
        for (const auto& e : epochs)
            if (e.validationLoss && (!best || *e.validationLoss < *best))
                best = e.validationLoss;
        return best;
    }
    if (metric == "epochs")
        return double(epochs.size());
    if (metric == "gradientRatio") {
        if (gradientNorms.size() < 2 || !(gradientNorms.back() > 0))
            return std::nullopt;
        return gradientNorms.front() / gradientNorms.back();
    }
    if (metric == "diverged")
        return boolean(diverged);
    if (metric == "earlyStopped")
        return boolean(earlyStopped);
    if (metric == "overfitting") {
        if (!finished)
            return std::nullopt;
        std::optional<std::size_t> bestAt;
        for (std::size_t i = 0; i < epochs.size(); ++i)
            if (epochs[i].validationLoss
                && (!bestAt || *epochs[i].validationLoss < *epochs[*bestAt].validationLoss))
                bestAt = i;
        if (!bestAt || !last || !last->validationLoss)
            return 0.0;
        const double best = *epochs[*bestAt].validationLoss;
        const bool rose = *last->validationLoss > best + kOverfitRise * std::abs(best);
        const bool trainFell = last->trainLoss < epochs[*bestAt].trainLoss;
        return rose && trainFell ? 1.0 : 0.0;
    }
    return std::nullopt;
}

CheckResult evaluateCheck(const LessonCheck& c, const LessonMetrics& m)
{
    CheckResult r;
    r.value = m.value(c.metric);
    if (!r.value || !std::isfinite(*r.value))
        return r;
    const double v = *r.value;
    switch (c.op) {
    case Comparison::Less:
        r.passed = v < c.value;
        break;
    case Comparison::LessEqual:
        r.passed = v <= c.value;
        break;
    case Comparison::Greater:
        r.passed = v > c.value;
        break;
    case Comparison::GreaterEqual:
        r.passed = v >= c.value;
        break;
    case Comparison::Equal:
        r.passed = v == c.value;
        break;
    }
    return r;
}

std::vector<double> gradientNorms(Graph& graph)
{
    std::vector<NodeId> order;
    std::map<NodeId, double> sq;
    for (const auto& [id, p] : graph.nodeParams()) {
        if (!p.value || !p.grad || p.grad->size() != p.value->size())
            continue;
        if (!sq.count(id))
            order.push_back(id);
        sq[id] += double(p.grad->squaredNorm());
    }
    std::vector<double> out;
    for (NodeId id : order)
        out.push_back(std::sqrt(sq[id]));
    return out;
}

LessonMetrics trainForLesson(
    const Project& project, const std::filesystem::path& projectDir, int epochs)
{
    TrainingConfig config = project.training;
    if (epochs > 0)
        config.epochs = epochs;
    Graph graph = project.buildGraph();
    DatasetSplits data = loadDatasetSplits(
        project.dataset, projectDir, config.validationSplit, config.testSplit, config.seed);
    Trainer trainer(graph, std::move(data), config);
    LessonMetrics m;
    TrainerCallbacks callbacks;
    callbacks.onEpochEnd = [&](const EpochStats& e) {
        m.addEpoch(e);
        m.gradientNorms = gradientNorms(graph);
    };
    const TrainResult result = trainer.run(callbacks);
    if (result.reason == StopReason::Diverged)
        m.gradientNorms = gradientNorms(graph);
    m.diverged = result.reason == StopReason::Diverged;
    m.earlyStopped = result.reason == StopReason::EarlyStop;
    m.finished = true;
    return m;
}

// --- lesson JSON -----------------------------------------------------------------------------

const LessonVariant* Lesson::findVariant(const std::string& id) const
{
    for (const auto& v : variants)
        if (v.id == id)
            return &v;
    return nullptr;
}

const LockedSetting* Lesson::findLock(const std::string& path) const
{
    for (const auto& l : locked)
        if (l.path == path)
            return &l;
    return nullptr;
}

nlohmann::json Lesson::toJson() const
{
    nlohmann::json j;
    j["title"] = title;
    j["paragraphs"] = paragraphs;
    j["steps"] = steps;
    if (!variants.empty()) {
        auto a = nlohmann::json::array();
        for (const auto& v : variants)
            a.push_back({{"id", v.id}, {"title", v.title}, {"project", v.project}});
        j["variants"] = std::move(a);
    }
    auto checksJson = nlohmann::json::array();
    for (const auto& c : checks) {
        nlohmann::json cj {{"metric", c.metric}, {"op", comparisonSymbol(c.op)}};
        if (isBooleanMetric(c.metric))
            cj["value"] = c.value != 0;
        else
            cj["value"] = c.value;
        if (!c.label.empty())
            cj["label"] = c.label;
        if (!c.variant.empty())
            cj["variant"] = c.variant;
        checksJson.push_back(std::move(cj));
    }
    j["checks"] = std::move(checksJson);
    if (!prompts.empty()) {
        auto a = nlohmann::json::array();
        for (const auto& p : prompts) {
            nlohmann::json pj {{"question", p.question}, {"answer", p.answer}};
            if (!p.variant.empty())
                pj["variant"] = p.variant;
            a.push_back(std::move(pj));
        }
        j["prompts"] = std::move(a);
    }
    if (!locked.empty()) {
        auto a = nlohmann::json::array();
        for (const auto& l : locked)
            a.push_back({{"path", l.path}, {"reason", l.reason}});
        j["locked"] = std::move(a);
    }
    return j;
}

Lesson Lesson::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError(
            "", "expected an object with title, paragraphs, steps and checks, got " + j.dump());
    requireKnownKeys(
        j, {"title", "paragraphs", "steps", "variants", "checks", "prompts", "locked"});
    Lesson l;
    l.title = readString(j, "title", true);
    l.paragraphs = readStrings(j, "paragraphs");
    l.steps = readStrings(j, "steps");

    forEachObject(j, "variants", [&](const nlohmann::json& v, std::size_t) {
        fields::requireObject(v, "id, title and project");
        requireKnownKeys(v, {"id", "title", "project"});
        LessonVariant var;
        var.id = readString(v, "id", true);
        if (!validId(var.id) || var.id == "main")
            throw InputError("id",
                "expected letters, digits, '-' or '_' (and not \"main\"), got \"" + var.id + "\"");
        if (l.findVariant(var.id))
            throw InputError("id", "\"" + var.id + "\" is used by an earlier variant");
        var.title = readString(v, "title", true);
        var.project = readString(v, "project", true);
        l.variants.push_back(var);
    });
    auto readVariantRef = [&](const nlohmann::json& o) {
        std::string id = readString(o, "variant", false);
        if (id == "main")
            id.clear();
        if (!id.empty() && !l.findVariant(id)) {
            std::string known = "\"main\"";
            for (const auto& v : l.variants)
                known += ", \"" + v.id + "\"";
            throw InputError("variant", "no variant \"" + id + "\"; expected one of " + known);
        }
        return id;
    };

    forEachObject(j, "checks", [&](const nlohmann::json& c, std::size_t) {
        fields::requireObject(c, "metric, op and value");
        requireKnownKeys(c, {"metric", "op", "value", "label", "variant"});
        LessonCheck check;
        check.metric = readString(c, "metric", true);
        const auto names = lessonMetricNames();
        if (std::find(names.begin(), names.end(), check.metric) == names.end()) {
            std::string list;
            for (const auto& n : names)
                list += (list.empty() ? "" : ", ") + n;
            throw InputError(
                "metric", "unknown metric \"" + check.metric + "\"; expected one of " + list);
        }
        const std::string op = readString(c, "op", true);
        const auto cmp = parseComparison(op);
        if (!cmp)
            throw InputError("op", "expected one of <, <=, >, >=, ==, got \"" + op + "\"");
        check.op = *cmp;
        auto v = c.find("value");
        if (v == c.end())
            throw InputError("value", "missing; expected the threshold");
        if (isBooleanMetric(check.metric)) {
            if (!v->is_boolean())
                throw InputError(
                    "value", "\"" + check.metric + "\" is true or false, got " + v->dump());
            if (check.op != Comparison::Equal)
                throw InputError(
                    "op", "\"" + check.metric + "\" is true or false: compare with ==, got " + op);
            check.value = v->get<bool>() ? 1 : 0;
        } else {
            if (!v->is_number() || !std::isfinite(v->get<double>()))
                throw InputError("value", "expected a number, got " + v->dump());
            check.value = v->get<double>();
        }
        check.label = readString(c, "label", false);
        check.variant = readVariantRef(c);
        l.checks.push_back(check);
    });

    forEachObject(j, "prompts", [&](const nlohmann::json& p, std::size_t) {
        fields::requireObject(p, "question and answer");
        requireKnownKeys(p, {"question", "answer", "variant"});
        LessonPrompt prompt;
        prompt.question = readString(p, "question", true);
        prompt.answer = readString(p, "answer", true);
        prompt.variant = readVariantRef(p);
        l.prompts.push_back(prompt);
    });

    auto lockedIt = j.find("locked");
    if (lockedIt != j.end()) {
        if (!lockedIt->is_array())
            throw InputError("locked", "expected a list of settings, got " + lockedIt->dump());
        for (std::size_t i = 0; i < lockedIt->size(); ++i) {
            prefixed(indexed("locked", i), [&] {
                const auto& e = (*lockedIt)[i];
                LockedSetting s;
                if (e.is_string()) {
                    s.path = e.get<std::string>();
                } else {
                    fields::requireObject(e, "path and reason (or a path as text)");
                    requireKnownKeys(e, {"path", "reason"});
                    s.path = readString(e, "path", true);
                    s.reason = readString(e, "reason", false);
                }
                if (s.path.empty())
                    throw InputError("", "expected the path of a setting, got an empty text");
                l.locked.push_back(s);
                return 0;
            });
        }
    }
    return l;
}

// --- lesson files ----------------------------------------------------------------------------

bool isLessonJson(const nlohmann::json& j)
{
    return j.is_object() && j.contains("lesson");
}

namespace {

void checkLockedPaths(const LessonFile& f)
{
    const nlohmann::json pj = f.project.toJson();
    for (std::size_t i = 0; i < f.lesson.locked.size(); ++i) {
        const std::string& path = f.lesson.locked[i].path;
        const bool allowed = path.rfind("training", 0) == 0 || path.rfind("dataset", 0) == 0
            || path.rfind("nodes[", 0) == 0;
        if (!allowed || !resolvePath(pj, path))
            throw InputError("lesson." + indexed("locked", i),
                "\"" + path
                    + "\" names no setting of this project (expected a path like "
                      "training.optimizer.learningRate, dataset.generator or "
                      "nodes[2].attributes.units)");
    }
}

} // namespace

nlohmann::json LessonFile::toJson() const
{
    nlohmann::json j = project.toJson();
    j["lesson"] = lesson.toJson();
    return j;
}

LessonFile LessonFile::fromJson(const nlohmann::json& j)
{
    if (!isLessonJson(j))
        throw InputError("lesson", "missing: a lesson file is a project with a \"lesson\" object");
    LessonFile f;
    f.project = Project::fromJson(j);
    f.project.extra.erase("lesson");
    f.lesson = prefixed("lesson", [&] { return Lesson::fromJson(j.at("lesson")); });
    checkLockedPaths(f);
    return f;
}

LessonFile loadLesson(const std::filesystem::path& file)
{
    Project p = loadProject(file);
    nlohmann::json j = p.toJson();
    try {
        return LessonFile::fromJson(j);
    } catch (const InputError& e) {
        throw InputError(
            e.where().empty() ? file.string() : file.string() + ": " + e.where(), e.message());
    }
}

void saveLesson(const LessonFile& lesson, const std::filesystem::path& file)
{
    Project p = lesson.project;
    p.extra["lesson"] = lesson.lesson.toJson();
    saveProject(p, file);
}

} // namespace engine

#include "data/Autoencoder.h"

#include "core/Errors.h"
#include "core/Rng.h"
#include "graph/Layer.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace engine {

namespace {

constexpr double kMaxSigma = 100.0;

InputNoise::Kind kindFromName(const nlohmann::json& v)
{
    const std::string s = v.is_string() ? v.get<std::string>() : "";
    if (s == "gaussian")
        return InputNoise::Kind::Gaussian;
    if (s == "masking")
        return InputNoise::Kind::Masking;
    if (s == "none")
        return InputNoise::Kind::None;
    throw InputError("dataset.options.inputNoise.type",
        "expected \"gaussian\", \"masking\" or \"none\", got " + v.dump());
}

void checkAmount(InputNoise::Kind kind, const nlohmann::json& v, const std::string& where)
{
    const bool number = v.is_number() && std::isfinite(v.get<double>());
    const double a = number ? v.get<double>() : -1.0;
    if (kind == InputNoise::Kind::Masking && !(number && a >= 0.0 && a < 1.0))
        throw InputError(where,
            "expected the fraction of masked values, from 0 to below 1 (e.g. 0.3), got "
                + v.dump());
    if (kind != InputNoise::Kind::Masking && !(number && a >= 0.0 && a <= kMaxSigma))
        throw InputError(where,
            "expected the noise's standard deviation in input units, from 0 to "
                + std::to_string(int(kMaxSigma)) + " (e.g. 0.3 for pixels in [0, 1]), got "
                + v.dump());
}

} // namespace

std::string InputNoise::kindName(Kind k)
{
    switch (k) {
    case Kind::Gaussian:
        return "gaussian";
    case Kind::Masking:
        return "masking";
    case Kind::None:
        break;
    }
    return "none";
}

InputNoise InputNoise::fromOptions(const nlohmann::json& options)
{
    InputNoise noise;
    const auto it = options.find("inputNoise");
    if (it == options.end() || it->is_null())
        return noise;
    const std::string where = "dataset.options.inputNoise";
    if (it->is_number()) {
        noise.kind = Kind::Gaussian;
        checkAmount(noise.kind, *it, where);
        noise.amount = it->get<double>();
        return noise;
    }
    if (!it->is_object())
        throw InputError(where,
            "expected a standard deviation such as 0.3, or {\"type\": \"gaussian\" | "
            "\"masking\", \"amount\": A, \"seed\": S}, got "
                + it->dump());
    for (const auto& [key, value] : it->items()) {
        if (key != "type" && key != "amount" && key != "seed")
            throw InputError(where + "." + key, "unknown key (expected type, amount, seed)");
    }
    const auto type = it->find("type");
    if (type == it->end())
        throw InputError(where + ".type", "missing: expected \"gaussian\" or \"masking\"");
    noise.kind = kindFromName(*type);
    if (noise.kind == Kind::None)
        return noise;
    const auto amount = it->find("amount");
    if (amount == it->end())
        throw InputError(where + ".amount",
            noise.kind == Kind::Masking ? "missing: expected the fraction of masked values"
                                        : "missing: expected the standard deviation");
    checkAmount(noise.kind, *amount, where + ".amount");
    noise.amount = amount->get<double>();
    if (const auto seed = it->find("seed"); seed != it->end()) {
        if (!seed->is_number_unsigned()
            && !(seed->is_number_integer() && seed->get<long long>() >= 0))
            throw InputError(
                where + ".seed", "expected a non-negative integer, got " + seed->dump());
        noise.seed = seed->get<std::uint64_t>();
    }
    return noise;
}

void InputNoise::apply(Matrix& x, Scalar lo, Scalar hi, std::uint64_t stream) const
{
    if (!enabled())
        return;
    // One generator walked column by column: the result does not depend on the thread count.
    Rng rng(Rng::derive(seed, 0xde0 + stream));
    const auto n = x.size();
    Scalar* v = x.data();
    if (kind == Kind::Gaussian) {
        for (Eigen::Index i = 0; i < n; ++i)
            v[i] = std::clamp(Scalar(double(v[i]) + amount * rng.normal()), lo, hi);
    } else {
        for (Eigen::Index i = 0; i < n; ++i)
            if (rng.uniform() < amount)
                v[i] = lo;
    }
}

bool reconstructionTargetRequested(const nlohmann::json& options, const std::string& source)
{
    const auto it = options.find("target");
    if (it == options.end() || source == "csv")
        return false;
    if (it->is_string() && it->get<std::string>() == "input")
        return true;
    if (it->is_string() && it->get<std::string>() == "label")
        return false;
    throw InputError("dataset.options.target",
        "expected \"input\" (reconstruct the input: an autoencoder) or \"label\" (the default), "
        "got "
            + it->dump());
}

void validateRepresentationOptions(const nlohmann::json& options, const std::string& source)
{
    reconstructionTargetRequested(options, source);
    InputNoise::fromOptions(options);
}

void applyRepresentationOptions(
    SourceData& parts, const nlohmann::json& options, const std::string& source)
{
    const bool reconstruct = reconstructionTargetRequested(options, source);
    const InputNoise noise = InputNoise::fromOptions(options);
    if (!reconstruct && !noise.enabled())
        return;
    // The clean range of the training part bounds the noisy values of both parts.
    const Scalar lo = parts.data.empty() ? Scalar(0) : parts.data.x.minCoeff();
    const Scalar hi = parts.data.empty() ? Scalar(1) : parts.data.x.maxCoeff();
    std::uint64_t stream = 0;
    for (Dataset* d : {&parts.data, &parts.test}) {
        if (reconstruct) {
            if (d->task == TaskKind::Classification && d->y.rows() == 1) {
                d->classLabels.resize(std::size_t(d->size()));
                for (long i = 0; i < d->size(); ++i)
                    d->classLabels[std::size_t(i)] = d->label(i);
            }
            d->y = d->x;
            d->task = TaskKind::Regression;
            d->numClasses = 0;
            d->reconstruction = true;
            d->targetNames.clear();
        }
        if (!d->empty())
            noise.apply(d->x, lo, hi, stream);
        ++stream;
    }
}

std::optional<NodeId> autoencoderBottleneck(const Graph& graph, const GraphCheck& check)
{
    const auto shapeSize = [&](NodeId id) -> long {
        const auto it = check.shapes.find(id);
        return it == check.shapes.end() ? -1 : it->second.size();
    };
    if (check.inputNode < 0 || check.outputNode < 0)
        return std::nullopt;
    const long inputs = shapeSize(check.inputNode);
    if (inputs <= 0 || shapeSize(check.outputNode) != inputs)
        return std::nullopt;
    // Only layers on a path from the input to the prediction carry the code.
    std::set<NodeId> upstream;
    std::vector<NodeId> stack {check.outputNode};
    while (!stack.empty()) {
        const NodeId id = stack.back();
        stack.pop_back();
        for (NodeId from : graph.inputsOf(id))
            if (upstream.insert(from).second)
                stack.push_back(from);
    }
    std::optional<NodeId> best;
    long bestSize = 0;
    for (NodeId id : check.order) {
        if (id == check.outputNode || !upstream.count(id) || !graph.hasNode(id)
            || graph.layer(id).type() != "Dense")
            continue;
        const long size = shapeSize(id);
        if (size > 0 && size < inputs && (!best || size < bestSize)) {
            best = id;
            bestSize = size;
        }
    }
    return best;
}

double reconstructionMse(const Matrix& reconstruction, const Matrix& target)
{
    if (reconstruction.rows() != target.rows() || reconstruction.cols() != target.cols()
        || target.size() == 0)
        return std::nan("");
    return double((reconstruction - target).squaredNorm()) / double(target.size());
}

} // namespace engine

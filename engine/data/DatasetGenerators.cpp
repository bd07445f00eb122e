#include "data/DatasetGenerators.h"

#include "core/Errors.h"
#include "core/NameList.h"
#include "core/Rng.h"
#include "data/SequenceGenerators.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace engine {

std::vector<std::string> generatorNames()
{
    std::vector<std::string> names {
        "circle", "xor", "gaussians", "spiral", "plane", "multi_gaussian", "and", "or"};
    for (auto& n : sequenceGeneratorNames())
        names.push_back(std::move(n));
    return names;
}

bool isGeneratorRegression(const std::string& name)
{
    return name == "plane" || name == "multi_gaussian" || isSequenceGeneratorRegression(name);
}

void checkGeneratorName(const std::string& name, const std::string& where)
{
    const auto names = generatorNames();
    if (std::find(names.begin(), names.end(), name) == names.end())
        throw InputError(where,
            "unknown generator '" + name + "' (expected one of: " + joinedNames(names) + ")");
}

namespace {

// The generators follow the TensorFlow Playground's dataset.ts (Apache 2.0 licensed, reimplemented
// here): same geometry, radii and noise magnitudes, with a Playground noise of p% given as p/100.
// Two deliberate differences: class counts are exact halves, and for classification the noise
// jitters the stored point while its label stays that of the clean point (the Playground labels
// the noisy point and stores the clean one, which unbalances the classes).

struct Builder {
    Matrix x;
    Matrix y;
    long n = 0;

    explicit Builder(long samples)
        : x(2, samples)
        , y(1, samples)
    { }
    void add(double px, double py, double target)
    {
        x(0, n) = static_cast<Scalar>(px);
        x(1, n) = static_cast<Scalar>(py);
        y(0, n) = static_cast<Scalar>(target);
        ++n;
    }
};

constexpr double kPi = std::numbers::pi;

void circle(Builder& b, long samples, double noise, Rng& rng)
{
    const double radius = 5.0;
    const long inner = (samples + 1) / 2;
    for (long i = 0; i < samples; ++i) {
        const bool inside = i < inner;
        const double r
            = inside ? rng.uniform(0.0, radius * 0.5) : rng.uniform(radius * 0.7, radius);
        const double angle = rng.uniform(0.0, 2 * kPi);
        const double jx = rng.uniform(-radius, radius) * noise;
        const double jy = rng.uniform(-radius, radius) * noise;
        b.add(r * std::sin(angle) + jx, r * std::cos(angle) + jy, inside ? 1 : 0);
    }
}

void xorData(Builder& b, long samples, double noise, Rng& rng)
{
    const double extent = 5.0;
    const double padding = 0.3; // keeps points off the axes, where the label flips
    for (long i = 0; i < samples; ++i) {
        const int label = (i % 2 == 0) ? 1 : 0;
        const double sx = rng.uniform() < 0.5 ? -1.0 : 1.0;
        const double sy = label ? sx : -sx;
        const double px = sx * rng.uniform(padding, extent);
        const double py = sy * rng.uniform(padding, extent);
        const double jx = rng.uniform(-extent, extent) * noise;
        const double jy = rng.uniform(-extent, extent) * noise;
        b.add(px + jx, py + jy, label);
    }
}

void gaussians(Builder& b, long samples, double noise, Rng& rng)
{
    // Playground: variance from 0.5 at no noise to 4 at 50% noise, linear (and extrapolated).
    const double stddev = std::sqrt(0.5 + 7.0 * noise);
    const long first = (samples + 1) / 2;
    for (long i = 0; i < samples; ++i) {
        const bool positive = i < first;
        const double c = positive ? 2.0 : -2.0;
        const double px = rng.normal(c, stddev);
        const double py = rng.normal(c, stddev);
        b.add(px, py, positive ? 1 : 0);
    }
}

void spiral(Builder& b, long samples, double noise, Rng& rng)
{
    const long perArm[2] = {(samples + 1) / 2, samples / 2};
    for (int arm = 0; arm < 2; ++arm) {
        const long n = perArm[arm];
        const double deltaT = arm == 0 ? 0.0 : kPi;
        for (long i = 0; i < n; ++i) {
            const double f = static_cast<double>(i) / static_cast<double>(n);
            const double r = f * 5.0;
            const double t = 1.75 * f * 2 * kPi + deltaT;
            const double px = r * std::sin(t) + rng.uniform(-1.0, 1.0) * noise;
            const double py = r * std::cos(t) + rng.uniform(-1.0, 1.0) * noise;
            b.add(px, py, arm == 0 ? 1 : 0);
        }
    }
}

// Regression: the target is computed at a noisy copy of the point, so noise is target noise.
void plane(Builder& b, long samples, double noise, Rng& rng)
{
    const double radius = 6.0;
    for (long i = 0; i < samples; ++i) {
        const double px = rng.uniform(-radius, radius);
        const double py = rng.uniform(-radius, radius);
        const double nx = rng.uniform(-radius, radius) * noise;
        const double ny = rng.uniform(-radius, radius) * noise;
        b.add(px, py, std::clamp((px + nx + py + ny) / 10.0, -1.0, 1.0));
    }
}

void multiGaussian(Builder& b, long samples, double noise, Rng& rng)
{
    struct Bump {
        double cx, cy, sign;
    };
    static constexpr std::array<Bump, 6> bumps = {Bump {-4, 2.5, 1}, Bump {0, 2.5, -1},
        Bump {4, 2.5, 1}, Bump {-4, -2.5, -1}, Bump {0, -2.5, 1}, Bump {4, -2.5, -1}};
    // Each bump falls linearly from +-1 at its centre to 0 at distance 2; the strongest wins.
    const auto target = [](double px, double py) {
        double value = 0.0;
        for (const Bump& g : bumps) {
            const double d = std::hypot(px - g.cx, py - g.cy);
            const double v = g.sign * std::clamp(1.0 - d / 2.0, 0.0, 1.0);
            if (std::abs(v) > std::abs(value))
                value = v;
        }
        return value;
    };
    const double radius = 6.0;
    for (long i = 0; i < samples; ++i) {
        const double px = rng.uniform(-radius, radius);
        const double py = rng.uniform(-radius, radius);
        const double nx = rng.uniform(-radius, radius) * noise;
        const double ny = rng.uniform(-radius, radius) * noise;
        b.add(px, py, target(px + nx, py + ny));
    }
}

void truthTable(Builder& b, long samples, double noise, Rng& rng, bool isAnd)
{
    // The corners are 1 apart, so a jitter of +-0.5 * noise reaches the decision midline at 1.
    for (long i = 0; i < samples; ++i) {
        const int a = (i % 4) / 2;
        const int c = i % 2;
        const double jx = rng.uniform(-0.5, 0.5) * noise;
        const double jy = rng.uniform(-0.5, 0.5) * noise;
        b.add(a + jx, c + jy, isAnd ? (a & c) : (a | c));
    }
}

} // namespace

Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed)
{
    return generateDataset(name, samples, noise, seed, nlohmann::json::object());
}

Dataset generateDataset(const std::string& name, int samples, double noise, std::uint64_t seed,
    const nlohmann::json& options)
{
    if (isSequenceGenerator(name))
        return generateSequenceDataset(name, samples, noise, seed, options);
    checkGeneratorName(name, "generator");
    if (samples < 1 || samples > kMaxGeneratedSamples)
        throw InputError("generator",
            "'" + name + "' needs from 1 to " + std::to_string(kMaxGeneratedSamples)
                + " samples, got " + std::to_string(samples));
    if (!(noise >= 0.0 && noise <= 1.0))
        throw InputError("noise", "expected a number from 0 to 1, got " + std::to_string(noise));

    Rng rng(seed);
    Builder b(samples);
    if (name == "circle")
        circle(b, samples, noise, rng);
    else if (name == "xor")
        xorData(b, samples, noise, rng);
    else if (name == "gaussians")
        gaussians(b, samples, noise, rng);
    else if (name == "spiral")
        spiral(b, samples, noise, rng);
    else if (name == "plane")
        plane(b, samples, noise, rng);
    else if (name == "multi_gaussian")
        multiGaussian(b, samples, noise, rng);
    else
        truthTable(b, samples, noise, rng, name == "and");

    // Generators emit class by class (or corner by corner); shuffle so that any prefix of the
    // data, e.g. a preview, shows every class.
    std::vector<long> order(static_cast<std::size_t>(samples));
    for (long i = 0; i < samples; ++i)
        order[static_cast<std::size_t>(i)] = i;
    rng.shuffle(order);

    Dataset d;
    d.name = name;
    d.inputShape = Shape {2};
    d.x.resize(2, samples);
    d.y.resize(1, samples);
    for (long i = 0; i < samples; ++i) {
        d.x.col(i) = b.x.col(order[static_cast<std::size_t>(i)]);
        d.y.col(i) = b.y.col(order[static_cast<std::size_t>(i)]);
    }
    if (isGeneratorRegression(name)) {
        d.task = TaskKind::Regression;
        d.numClasses = 0;
    } else {
        d.task = TaskKind::Classification;
        d.numClasses = 2;
        d.classNames = (name == "and" || name == "or") ? std::vector<std::string> {"false", "true"}
                                                       : std::vector<std::string> {"0", "1"};
    }
    return d;
}

} // namespace engine

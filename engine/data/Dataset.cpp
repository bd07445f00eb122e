#include "data/Dataset.h"

#include "core/Errors.h"
#include "core/Rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace engine {

FeatureScaling FeatureScaling::compute(const Matrix& x, const std::string& method)
{
    FeatureScaling s;
    s.method = method;
    if (method == "none")
        return s;
    if (method != "standardize" && method != "minmax")
        throw InputError(
            "scaling", "expected \"none\", \"standardize\" or \"minmax\", got \"" + method + "\"");
    const auto rows = static_cast<std::size_t>(x.rows());
    s.shift.assign(rows, 0.0);
    s.scale.assign(rows, 1.0);
    if (x.cols() == 0)
        return s;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const auto row = x.row(r);
        double shift = 0, scale = 1;
        if (method == "standardize") {
            // Accumulate in double: float sums over 60,000 samples lose digits.
            double sum = 0, sq = 0;
            for (Eigen::Index c = 0; c < x.cols(); ++c)
                sum += double(row(c));
            shift = sum / double(x.cols());
            for (Eigen::Index c = 0; c < x.cols(); ++c)
                sq += (double(row(c)) - shift) * (double(row(c)) - shift);
            const double var = sq / double(x.cols());
            scale = var > 1e-12 ? 1.0 / std::sqrt(var) : 1.0;
        } else {
            shift = double(row.minCoeff());
            const double range = double(row.maxCoeff()) - shift;
            scale = range > 0 ? 1.0 / range : 1.0;
        }
        s.shift[std::size_t(r)] = shift;
        s.scale[std::size_t(r)] = scale;
    }
    return s;
}

void FeatureScaling::apply(Matrix& x) const
{
    if (isIdentity())
        return;
    if (static_cast<std::size_t>(x.rows()) != shift.size() || shift.size() != scale.size())
        throw InputError("scaling",
            "the scaling statistics cover " + std::to_string(shift.size())
                + " features, the data has " + std::to_string(x.rows()));
    if (x.cols() == 0)
        return; // an empty part (a time series' test part at test = 0): a row of it is UB
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const auto sh = static_cast<Scalar>(shift[std::size_t(r)]);
        const auto sc = static_cast<Scalar>(scale[std::size_t(r)]);
        x.row(r) = ((x.row(r).array() - sh) * sc).matrix();
    }
}

Dataset Dataset::subset(const std::vector<long>& indices) const
{
    Dataset out;
    out.name = name;
    out.scaling = scaling;
    out.featureNames = featureNames;
    out.targetNames = targetNames;
    out.vocabulary = vocabulary;
    out.inputShape = inputShape;
    out.task = task;
    out.numClasses = numClasses;
    out.classNames = classNames;
    out.reconstruction = reconstruction;
    const auto n = static_cast<Eigen::Index>(indices.size());
    out.x.resize(x.rows(), n);
    out.y.resize(y.rows(), n);
    for (Eigen::Index c = 0; c < n; ++c) {
        const long i = indices[static_cast<std::size_t>(c)];
        if (i < 0 || i >= size())
            throw std::out_of_range("Dataset::subset: index " + std::to_string(i) + " outside 0.."
                + std::to_string(size() - 1));
        out.x.col(c) = x.col(i);
        out.y.col(c) = y.col(i);
        if (i < long(classLabels.size()))
            out.classLabels.push_back(classLabels[std::size_t(i)]);
    }
    return out;
}

std::vector<long> Dataset::classCounts() const
{
    std::vector<long> counts(static_cast<std::size_t>(std::max(numClasses, 0)), 0);
    if (task != TaskKind::Classification || y.rows() == 0)
        return counts;
    for (long i = 0; i < size(); ++i) {
        const int c = label(i);
        if (c < 0)
            continue;
        if (static_cast<std::size_t>(c) >= counts.size())
            counts.resize(static_cast<std::size_t>(c) + 1, 0);
        ++counts[static_cast<std::size_t>(c)];
    }
    return counts;
}

namespace {

std::string fraction(double f)
{
    std::ostringstream os;
    os << f;
    return os.str();
}

/// Splits `total` items among groups of the given sizes in proportion to them (largest remainder
/// method), so that the sum is exactly `total` and every group gets floor or ceil of its share.
std::vector<long> apportion(const std::vector<long>& sizes, double fraction, long total)
{
    std::vector<long> share(sizes.size(), 0);
    std::vector<std::pair<double, std::size_t>> remainders;
    long assigned = 0;
    for (std::size_t g = 0; g < sizes.size(); ++g) {
        const double exact = static_cast<double>(sizes[g]) * fraction;
        share[g] = static_cast<long>(std::floor(exact));
        assigned += share[g];
        remainders.emplace_back(exact - static_cast<double>(share[g]), g);
    }
    // Larger remainder first; ties go to the lower class index so the result is deterministic.
    std::stable_sort(remainders.begin(), remainders.end(),
        [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [rem, g] : remainders) {
        if (assigned >= total)
            break;
        if (share[g] < sizes[g]) {
            ++share[g];
            ++assigned;
        }
    }
    return share;
}

} // namespace

DatasetSplits splitDataset(
    const Dataset& all, double validationFraction, double testFraction, std::uint64_t seed)
{
    const auto checkFraction = [](double f, const char* what) {
        if (!std::isfinite(f) || f < 0.0 || f > 0.9)
            throw InputError("split",
                std::string("the ") + what + " fraction must be from 0 to 0.9, got " + fraction(f));
    };
    checkFraction(validationFraction, "validation");
    checkFraction(testFraction, "test");
    if (all.empty())
        throw InputError("split", "the dataset has no samples");
    if (validationFraction + testFraction >= 1.0)
        throw InputError("split",
            "validation (" + fraction(validationFraction) + ") and test (" + fraction(testFraction)
                + ") fractions leave no samples for training");

    // Groups are classes for classification (stratified) and a single group for regression.
    std::vector<std::vector<long>> groups;
    if (all.task == TaskKind::Classification) {
        groups.resize(all.classCounts().size());
        for (long i = 0; i < all.size(); ++i) {
            const int c = all.label(i);
            if (c < 0 || static_cast<std::size_t>(c) >= groups.size())
                throw InputError("split",
                    "sample " + std::to_string(i) + " has class index " + std::to_string(c)
                        + ", expected 0.." + std::to_string(int(groups.size()) - 1));
            groups[static_cast<std::size_t>(c)].push_back(i);
        }
    } else {
        groups.emplace_back(static_cast<std::size_t>(all.size()));
        std::iota(groups[0].begin(), groups[0].end(), 0L);
    }

    Rng rng(Rng::derive(seed, 0x5011));
    std::vector<long> sizes;
    for (auto& g : groups) {
        rng.shuffle(g);
        sizes.push_back(static_cast<long>(g.size()));
    }
    const auto n = static_cast<double>(all.size());
    const auto valTotal = static_cast<long>(std::llround(n * validationFraction));
    const auto testTotal = static_cast<long>(std::llround(n * testFraction));
    const std::vector<long> valShare = apportion(sizes, validationFraction, valTotal);
    std::vector<long> rest(sizes.size());
    for (std::size_t g = 0; g < sizes.size(); ++g)
        rest[g] = sizes[g] - valShare[g];
    // Apportion the test split by the original class sizes, capped by what validation left.
    std::vector<long> testShare = apportion(sizes, testFraction, testTotal);
    for (std::size_t g = 0; g < sizes.size(); ++g)
        testShare[g] = std::min(testShare[g], rest[g]);

    std::vector<long> trainIdx, valIdx, testIdx;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto& idx = groups[g];
        const auto v = static_cast<std::size_t>(valShare[g]);
        const auto t = static_cast<std::size_t>(testShare[g]);
        valIdx.insert(valIdx.end(), idx.begin(), idx.begin() + long(v));
        testIdx.insert(testIdx.end(), idx.begin() + long(v), idx.begin() + long(v + t));
        trainIdx.insert(trainIdx.end(), idx.begin() + long(v + t), idx.end());
    }
    if (trainIdx.empty())
        throw InputError("split",
            "no samples are left for training (" + std::to_string(all.size())
                + " samples, validation " + fraction(validationFraction) + ", test "
                + fraction(testFraction) + ")");
    // Grouping by class ordered the splits by class; mix them so any prefix is representative.
    rng.shuffle(trainIdx);
    rng.shuffle(valIdx);
    rng.shuffle(testIdx);

    return {all.subset(trainIdx), all.subset(valIdx), all.subset(testIdx)};
}

} // namespace engine

#include "training/MostWrongRanking.h"

#include "data/Dataset.h"

#include <algorithm>
#include <numeric>

namespace widgets {

double classProbability(const engine::Matrix& probabilities, long j, int c)
{
    if (probabilities.rows() == 1) {
        const double p1 = std::clamp(double(probabilities(0, j)), 0.0, 1.0);
        return c == 1 ? p1 : 1.0 - p1;
    }
    return c >= 0 && c < probabilities.rows() ? double(probabilities(c, j)) : 0.0;
}

MostWrong rankMostWrong(const engine::Dataset& set, const std::vector<int>& predictions,
    const engine::Matrix& probabilities, long ranked, int count)
{
    MostWrong result;
    ranked = std::min({ranked, set.size(), long(predictions.size()), long(probabilities.cols())});
    result.ranked = std::max(0L, ranked);
    const int k = std::max(2, set.numClasses);
    for (int c = 0; c < k; ++c)
        result.classNames << (c < int(set.classNames.size())
                ? QString::fromStdString(set.classNames[std::size_t(c)])
                : QString::number(c));
    std::vector<long> order;
    std::vector<double> trueProbability(std::size_t(result.ranked), 0.0);
    for (long j = 0; j < result.ranked; ++j) {
        if (set.label(j) < 0)
            continue;
        trueProbability[std::size_t(j)] = classProbability(probabilities, j, set.label(j));
        order.push_back(j);
    }
    const auto worse = [&](long a, long b) {
        const double pa = trueProbability[std::size_t(a)], pb = trueProbability[std::size_t(b)];
        return pa != pb ? pa < pb : a < b;
    };
    const auto shown = std::min<std::size_t>(order.size(), std::size_t(std::max(0, count)));
    std::partial_sort(order.begin(), order.begin() + long(shown), order.end(), worse);
    for (std::size_t i = 0; i < shown; ++i) {
        const long j = order[i];
        const int predicted = predictions[std::size_t(j)];
        result.entries.push_back(
            {j, set.label(j), predicted, float(trueProbability[std::size_t(j)]),
                float(classProbability(probabilities, j, predicted))});
    }
    return result;
}

} // namespace widgets

#pragma once
// The samples/s of every timed run of one side of one case, over all rounds.

#include <algorithm>
#include <vector>

namespace bench {

struct RateSamples {
    std::vector<double> rates;

    void add(const std::vector<double>& more)
    {
        rates.insert(rates.end(), more.begin(), more.end());
    }
    bool empty() const { return rates.empty(); }
    /// The fastest run: on a shared machine the one least disturbed by others.
    double best() const
    {
        return rates.empty() ? 0 : *std::max_element(rates.begin(), rates.end());
    }
    double median() const
    {
        if (rates.empty())
            return 0;
        std::vector<double> v = rates;
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
};

} // namespace bench

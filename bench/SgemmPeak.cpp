#include "SgemmPeak.h"

#include "core/Parallel.h"
#include "core/Types.h"

#include <algorithm>
#include <chrono>

namespace bench {

double measureSgemmGflops(int threads, long n, int repeats)
{
    engine::setThreadCount(threads);
    const engine::Matrix a = engine::Matrix::Random(n, n);
    const engine::Matrix b = engine::Matrix::Random(n, n);
    engine::Matrix c(n, n);
    c.noalias() = a * b; // warm-up: thread pool, page faults
    double best = 0;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        c.noalias() = a * b;
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        best = std::max(best, 2.0 * double(n) * double(n) * double(n) / seconds.count() / 1e9);
    }
    // Keep the product observable so it cannot be dropped.
    volatile engine::Scalar sink = c(0, 0);
    (void)sink;
    return best;
}

} // namespace bench

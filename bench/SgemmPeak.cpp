#include "SgemmPeak.h"

#include "core/Parallel.h"
#include "core/Types.h"

#include <algorithm>
#include <chrono>

namespace bench {

SgemmPeak measureSgemmPeak(int threads, int repeats)
{
    engine::setThreadCount(threads);
    SgemmPeak peak;
    for (const long n : {512L, 1024L, 2048L}) {
        const engine::Matrix a = engine::Matrix::Random(n, n);
        const engine::Matrix b = engine::Matrix::Random(n, n);
        engine::Matrix c(n, n);
        c.noalias() = a * b; // warm-up: thread pool, page faults
        // Products of ~20 GFLOP per timing at every size, so that a clock tick is negligible.
        const long products = std::max(1L, (2048 / n) * (2048 / n) * (2048 / n) / 8);
        for (int r = 0; r < repeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            for (long p = 0; p < products; ++p)
                c.noalias() = a * b;
            const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
            const double gflops = 2.0 * double(n) * double(n) * double(n) * double(products)
                / seconds.count() / 1e9;
            if (gflops > peak.gflops)
                peak = {gflops, n};
        }
        // Keep the product observable so it cannot be dropped.
        volatile engine::Scalar sink = c(0, 0);
        (void)sink;
    }
    return peak;
}

} // namespace bench

#pragma once
// The machine's FP32 matrix-multiply peak as this engine can reach it: square products through
// the same path the layers take (Eigen's product, which calls OpenBLAS's sgemm when the engine is
// built with it), at the thread count the engine is set to.

namespace bench {

/// The fastest size and its rate.
struct SgemmPeak {
    double gflops = 0;
    long n = 0;
};

/// Best GFLOP/s (2 n^3 flops per product) over n = 512, 1024 and 2048, `repeats` timings of each
/// after a warm-up, with engine::setThreadCount(threads). Several sizes because where the rate
/// tops out depends on the caches and on what else runs: on a shared VM the 2048 products
/// reached half the rate of the 512 ones, which is what the bench's smaller GEMMs see.
SgemmPeak measureSgemmPeak(int threads, int repeats);

} // namespace bench

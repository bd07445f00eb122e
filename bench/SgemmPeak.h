#pragma once
// The machine's FP32 matrix-multiply peak as this engine can reach it: large square products
// through the same path the layers take (Eigen's product, which calls OpenBLAS's sgemm when the
// engine is built with it), at the thread count the engine is set to.

namespace bench {

/// Best GFLOP/s (2 n^3 flops per product) of `repeats` n x n x n products after one warm-up,
/// with engine::setThreadCount(threads).
double measureSgemmGflops(int threads, long n, int repeats);

} // namespace bench

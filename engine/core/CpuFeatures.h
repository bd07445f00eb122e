#pragma once
// Which vector instructions the running CPU offers, read once at start-up. The binary is built
// for baseline x86-64; the element-wise kernels (core/Kernels.h) are also compiled for AVX2+FMA
// and AVX-512 and the widest level this CPU supports is chosen at run time.

#include <string>

namespace engine {

enum class SimdLevel {
    Baseline, ///< x86-64 as compiled (SSE2), or a CPU without the wider levels.
    Avx2, ///< AVX2 + FMA (Haswell, Zen 1-3).
    Avx512 ///< AVX-512 F/VL/BW/DQ (Skylake-SP and later, Zen 4 and later).
};

/// The widest level the running CPU supports, capped by the environment variable
/// NETCANVAS_SIMD=baseline|avx2|avx512 (for comparing kernels on one machine).
SimdLevel cpuSimdLevel();

/// "AVX-512", "AVX2+FMA" or "baseline SSE2".
std::string simdLevelName(SimdLevel level);

} // namespace engine

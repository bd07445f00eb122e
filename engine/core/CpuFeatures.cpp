#include "core/CpuFeatures.h"

#include <cstdlib>
#include <string_view>

namespace engine {

namespace {

SimdLevel detectSimdLevel()
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
        return SimdLevel::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return SimdLevel::Avx2;
#endif
    return SimdLevel::Baseline;
}

SimdLevel requestedCap()
{
    const char* env = std::getenv("NETCANVAS_SIMD");
    const std::string_view v = env ? env : "";
    if (v == "baseline")
        return SimdLevel::Baseline;
    if (v == "avx2")
        return SimdLevel::Avx2;
    return SimdLevel::Avx512;
}

} // namespace

SimdLevel cpuSimdLevel()
{
    static const SimdLevel level = [] {
        const SimdLevel cpu = detectSimdLevel();
        const SimdLevel cap = requestedCap();
        return int(cap) < int(cpu) ? cap : cpu;
    }();
    return level;
}

std::string simdLevelName(SimdLevel level)
{
    switch (level) {
    case SimdLevel::Avx512:
        return "AVX-512";
    case SimdLevel::Avx2:
        return "AVX2+FMA";
    case SimdLevel::Baseline:
        break;
    }
    return "baseline SSE2";
}

} // namespace engine

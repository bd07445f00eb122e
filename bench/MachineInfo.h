#pragma once
// What the bench ran on, for its header and the README table's caption: the CPU model, the
// instruction-set extensions that decide which kernels run, and the BLAS build.

#include <string>
#include <vector>

namespace bench {

struct MachineInfo {
    std::string cpuModel; ///< /proc/cpuinfo "model name", or "unknown CPU"
    /// The flags among sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16
    /// avx_vnni amx_* that /proc/cpuinfo lists, in that order.
    std::vector<std::string> isa;
    /// "OpenBLAS Cooperlake (OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64)",
    /// "..., chosen by OPENBLAS_CORETYPE=Haswell" when the environment picks the kernels, "Eigen"
    /// when the engine was built without OpenBLAS.
    std::string blas;
    /// The 1-minute load average when the bench started (/proc/loadavg), "unknown" without it.
    std::string loadAverage;
    std::string isaList(char separator) const;
};

MachineInfo machineInfo();

} // namespace bench

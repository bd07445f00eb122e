#include "MachineInfo.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#ifdef NETCANVAS_USE_OPENBLAS
extern "C" {
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

namespace bench {

namespace {

/// The value of the first "key : value" line of /proc/cpuinfo whose key is `key`.
std::string cpuinfoField(const std::string& key)
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string name = line.substr(0, colon);
        name.erase(name.find_last_not_of(" \t") + 1);
        if (name != key)
            continue;
        const std::size_t start = line.find_first_not_of(' ', colon + 1);
        return start == std::string::npos ? std::string() : line.substr(start);
    }
    return {};
}

} // namespace

std::string MachineInfo::isaList(char separator) const
{
    std::string s;
    for (const std::string& flag : isa)
        s += (s.empty() ? "" : std::string(1, separator)) + flag;
    return s.empty() ? "none" : s;
}

MachineInfo machineInfo()
{
    MachineInfo info;
    info.cpuModel = cpuinfoField("model name");
    if (info.cpuModel.empty())
        info.cpuModel = "unknown CPU";

    // The extensions the GEMM and element-wise kernels choose between.
    static const char* const relevant[] = {"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
        "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16"};
    std::istringstream flags(cpuinfoField("flags"));
    std::vector<std::string> present;
    for (std::string flag; flags >> flag;)
        present.push_back(flag);
    for (const char* flag : relevant)
        for (const std::string& p : present)
            if (p == flag) {
                info.isa.push_back(p);
                break;
            }

    std::ifstream load("/proc/loadavg");
    if (!(load >> info.loadAverage))
        info.loadAverage = "unknown";

#ifdef NETCANVAS_USE_OPENBLAS
    std::string config = openblas_get_config();
    while (!config.empty() && config.back() == ' ')
        config.pop_back();
    info.blas = std::string("OpenBLAS ") + openblas_get_corename() + " (" + config + ")";
    // The environment overrides OpenBLAS's own choice of kernels for the CPU.
    if (const char* coretype = std::getenv("OPENBLAS_CORETYPE"))
        info.blas += std::string(", chosen by OPENBLAS_CORETYPE=") + coretype;
#else
    info.blas = "Eigen";
#endif
    return info;
}

} // namespace bench

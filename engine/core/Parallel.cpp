#include "core/Parallel.h"

#include "core/Kernels.h"

#include <Eigen/Core>

#include <algorithm>
#include <exception>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef NETCANVAS_USE_OPENBLAS
extern "C" {
void openblas_set_num_threads(int);
int openblas_get_parallel(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

namespace engine {

namespace {
int g_threads = 0;
thread_local int t_threadsOverride = 0; ///< ScopedThreadCount's, 0 when none lives
} // namespace

void setThreadCount(int n)
{
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    g_threads = n <= 0 ? hw : n;
#ifdef _OPENMP
    omp_set_num_threads(g_threads);
#endif
#ifdef NETCANVAS_USE_OPENBLAS
    openblas_set_num_threads(g_threads);
#endif
    Eigen::setNbThreads(g_threads);
}

int threadCount()
{
    if (t_threadsOverride > 0)
        return t_threadsOverride;
    if (g_threads <= 0)
        setThreadCount(0);
    return g_threads;
}

ScopedThreadCount::ScopedThreadCount(int n)
    : m_previous(t_threadsOverride)
{
    t_threadsOverride = std::max(1, n);
}

ScopedThreadCount::~ScopedThreadCount()
{
    t_threadsOverride = m_previous;
}

std::string computeBackendDescription()
{
    std::string simd = Eigen::SimdInstructionSetsInUse();
    std::string s;
#ifdef NETCANVAS_USE_OPENBLAS
    const int parallel = openblas_get_parallel();
    s = std::string("GEMM: OpenBLAS (") + openblas_get_corename() + " kernels, "
        + (parallel == 2        ? "OpenMP"
                : parallel == 1 ? "pthreads"
                                : "sequential")
        + ")";
#else
    s = "GEMM: Eigen";
#endif
    s += "; element-wise: " + simdLevelName(kernels().level) + " kernels, Eigen " + simd;
#ifdef _OPENMP
    s += "; OpenMP";
#endif
    return s;
}

void runBesideTrainer(const std::function<void()>& fn)
{
#ifdef _OPENMP
    // Two threads, because a region of one is not active (omp_in_parallel() stays false and
    // BLAS would enter its pool); the second thread only waits at the region's end.
    std::exception_ptr failure;
#pragma omp parallel num_threads(2)
    {
        if (omp_get_thread_num() == 0) {
            try {
                fn();
            } catch (...) {
                failure = std::current_exception();
            }
        }
    }
    if (failure)
        std::rethrow_exception(failure);
#else
    fn();
#endif
}

} // namespace engine

#include "core/Parallel.h"

#include "core/Kernels.h"
#include "core/Types.h"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
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

namespace {
std::atomic<int> g_preparedBlasBuffers {0};
std::mutex g_prepareBlasMutex;
} // namespace

// Measured on an AVX2 AMD EPYC with Debian's OpenBLAS 0.3.21 (Zen kernels): a product of the
// shapes the layers multiply (a conv's 64 x 288 filters by 288 x 363 patches) runs at 19-20
// GFLOP/s, half the 38-40 it reaches once a product of about 512 x 512 x 512 has gone through the
// same work buffer, and stays fast after it (a 256^3 product is not enough; perf puts the time
// inside sgemm_kernel either way, the same instructions). OpenBLAS hands each concurrent call one
// buffer of a pool, so a conv layer running on 2 threads needs 2 such buffers: an engine that
// never multiplies a large matrix (the CNN's inference, a view's forward pass) ran its
// convolutions at half speed, and on 2 threads one worker fast and the other slow. The likely
// cause is the kernel's prefetches ahead into buffer pages that a small product never touched, so
// one large product per buffer, all at once so that each takes its own buffer, is what this does,
// again whenever the thread count grows: buffers prepared while the engine ran on 1 thread left
// the later 2-thread products slow (the CNN's inference on 2 threads 9.2k samples/s after the
// 1-thread cases, 12.3k when prepared again at 2).
void prepareBlasBuffers(int threads)
{
#if defined(NETCANVAS_USE_OPENBLAS) && defined(_OPENMP)
    if (threads <= g_preparedBlasBuffers.load(std::memory_order_acquire) || omp_in_parallel())
        return;
    std::lock_guard lock(g_prepareBlasMutex);
    if (threads <= g_preparedBlasBuffers.load(std::memory_order_relaxed))
        return;
    constexpr long n = 512;
    // Inside the region each product runs single-threaded on its own thread and buffer (a
    // region of one thread is not active: BLAS would spread the product over its own threads,
    // hence at least two).
#pragma omp parallel num_threads(std::max(2, threads))
    {
        const Matrix a = Matrix::Constant(n, n, Scalar(1) / Scalar(n));
        Matrix c(n, n);
#pragma omp barrier
        c.noalias() = a * a;
    }
    g_preparedBlasBuffers.store(threads, std::memory_order_release);
#else
    (void)threads;
#endif
}

int preparedBlasBuffers()
{
    return g_preparedBlasBuffers.load(std::memory_order_acquire);
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

#pragma once
// Threading policy. OpenMP parallelises element-wise work over columns (samples); BLAS (when the
// engine is built with it) parallelises GEMMs with its own OpenMP threads and runs single-threaded
// when called from inside one of our parallel regions, so the two never oversubscribe the cores.

#include <functional>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace engine {

/// Sets the number of threads used by OpenMP regions and by BLAS. n <= 0 means all cores.
void setThreadCount(int n);
/// The threads the engine's parallel regions use on the calling thread: a ScopedThreadCount's
/// while one lives on it, else setThreadCount()'s.
int threadCount();

/// Makes threadCount() return n (>= 1) on the calling thread while it lives (nesting restores the
/// previous value). Each run of a sweep trains on its share of the cores this way, next to the
/// others, where setThreadCount() would change every thread of the process.
class ScopedThreadCount {
public:
    explicit ScopedThreadCount(int n);
    ~ScopedThreadCount();
    ScopedThreadCount(const ScopedThreadCount&) = delete;
    ScopedThreadCount& operator=(const ScopedThreadCount&) = delete;

private:
    int m_previous;
};

/// Describes the compute back end, e.g. "OpenBLAS 0.3.21 (Haswell, OpenMP) + Eigen AVX2/FMA".
std::string computeBackendDescription();

/// Runs fn on the calling thread with BLAS and the engine's parallel regions single-threaded:
/// for a second thread that runs a copy of the network (a view's) while the trainer's thread
/// uses OpenBLAS's OpenMP pool, which must not be entered from two threads at once. Inside an
/// active parallel region BLAS runs on the calling thread instead of entering the pool.
/// Exceptions thrown by fn reach the caller.
void runBesideTrainer(const std::function<void()>& fn);

/// Makes sure OpenBLAS's work buffers for `threads` concurrent products (at least two) are ready:
/// the first time and again whenever `threads` exceeds the count prepared before (see
/// Parallel.cpp for why). Does nothing inside an active parallel region or without OpenBLAS.
void prepareBlasBuffers(int threads);
/// The largest thread count prepareBlasBuffers() has prepared for so far (0 before).
int preparedBlasBuffers();

/// Calls fn(begin, end, worker) over [0, n) split into contiguous ranges, one per thread
/// (worker = 0 .. threadCount() - 1, each at most once), when the work is large enough to pay
/// for it (work = n * costPerItem scalar operations), else fn(0, n, 0) on the calling thread.
template <typename Fn> void parallelWorkers(long n, long costPerItem, Fn&& fn)
{
    constexpr long minWorkPerThread = 32 * 1024;
#ifdef _OPENMP
    const int threads = threadCount();
    if (threads > 1 && n > 1 && n * costPerItem >= 2 * minWorkPerThread) {
        prepareBlasBuffers(threads);
#pragma omp parallel num_threads(threads)
        {
            const long t = omp_get_thread_num();
            const long nt = omp_get_num_threads();
            const long begin = n * t / nt;
            const long end = n * (t + 1) / nt;
            if (begin < end)
                fn(begin, end, int(t));
        }
        return;
    }
#endif
    (void)costPerItem;
    prepareBlasBuffers(1);
    fn(0L, n, 0);
}

/// parallelWorkers without the worker index: fn(begin, end).
template <typename Fn> void parallelRanges(long n, long costPerItem, Fn&& fn)
{
    parallelWorkers(n, costPerItem, [&](long begin, long end, int) { fn(begin, end); });
}

} // namespace engine

#include "Interrupt.h"

#include <atomic>
#include <csignal>

namespace cli {

namespace {

std::atomic<bool> g_interrupted {false};
static_assert(
    std::atomic<bool>::is_always_lock_free, "the SIGINT handler may only touch lock-free atomics");

extern "C" void onSigInt(int)
{
    g_interrupted.store(true, std::memory_order_relaxed);
}

} // namespace

void installInterruptHandler()
{
    struct sigaction sa { };
    sa.sa_handler = onSigInt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
}

bool interruptRequested()
{
    return g_interrupted.load(std::memory_order_relaxed);
}

} // namespace cli

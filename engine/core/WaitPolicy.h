#pragma once
// How idle OpenMP threads wait, chosen before the OpenMP runtime starts.
//
// libgomp (GCC's OpenMP runtime, which OpenBLAS's OpenMP flavour shares) reads OMP_WAIT_POLICY
// and GOMP_SPINCOUNT once, in a constructor that runs when the library is loaded: setting them
// in main() changes nothing. By default an idle worker spins up to 300,000 times before it
// sleeps, so on a machine busy with other work a worker whose core is taken stalls every
// parallel region (measured: 2-thread predict of the Fashion-MNIST MLP 824-907 samples/s under
// a load of 14 on 2 cores, against 4,700-7,200 with OMP_WAIT_POLICY=PASSIVE and 8,900-49,900
// with GOMP_SPINCOUNT=1000). The executables therefore restart themselves once with
// GOMP_SPINCOUNT=1000 (libgomp's own count for an oversubscribed machine) unless the user chose
// a policy.

#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace engine {

/// GOMP_SPINCOUNT's value the executables start with when the user set no wait policy.
inline constexpr const char* kBoundedSpinCount = "1000";
/// Set in the restarted process, so it never restarts again.
inline constexpr const char* kWaitPolicyMarker = "NETCANVAS_WAIT_POLICY_SET";

/// The environment variable (name, value) to set before restarting, or nullopt when the user
/// already chose (OMP_WAIT_POLICY or GOMP_SPINCOUNT set) or this process is the restarted one.
/// `getenv` reads a variable (nullptr when unset).
std::optional<std::pair<std::string, std::string>> waitPolicyToSet(
    const std::function<const char*(const char*)>& getenv);

/// Call first in main(): sets waitPolicyToSet()'s variable and the marker and re-executes the
/// program (/proc/self/exe) with the same arguments. Returns (doing nothing) when there is
/// nothing to set, on systems without /proc/self/exe, or when the exec fails: the program then
/// runs on with libgomp's defaults.
void restartWithBoundedSpinning(char** argv);

} // namespace engine

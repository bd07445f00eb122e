#include "core/WaitPolicy.h"

#include <cstdlib>

#ifdef __linux__
#include <unistd.h>
#endif

namespace engine {

std::optional<std::pair<std::string, std::string>> waitPolicyToSet(
    const std::function<const char*(const char*)>& getenv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT") || getenv(kWaitPolicyMarker))
        return std::nullopt;
    return std::make_pair(std::string("GOMP_SPINCOUNT"), std::string(kBoundedSpinCount));
}

void restartWithBoundedSpinning(char** argv)
{
#ifdef __linux__
    const auto set = waitPolicyToSet([](const char* name) { return std::getenv(name); });
    if (!set || !argv || !argv[0])
        return;
    setenv(set->first.c_str(), set->second.c_str(), 1);
    setenv(kWaitPolicyMarker, "1", 1);
    execv("/proc/self/exe", argv);
    // Still here: the exec failed; run on with the runtime's defaults. The marker stays set
    // (harmless), the spin count does not apply to this process.
#else
    (void)argv;
#endif
}

} // namespace engine

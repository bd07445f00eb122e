#include "ExternalBaseline.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace bench {

std::string shellQuote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::optional<std::vector<double>> runBaseline(const std::string& command,
    const std::string& interpreter, const std::string& library, std::string& problem)
{
    std::FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
    if (!pipe) {
        problem = "cannot start " + interpreter;
        return std::nullopt;
    }
    std::string output;
    std::array<char, 512> buf {};
    while (std::fgets(buf.data(), int(buf.size()), pipe))
        output += buf.data();
    const int status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        problem = WIFEXITED(status) && WEXITSTATUS(status) == 3 ? library + " is not available"
            : WIFEXITED(status) && WEXITSTATUS(status) == 127   ? interpreter + " not found"
                                                                : "the run failed: " + command;
        return std::nullopt;
    }
    const std::size_t key = output.find("rates=");
    if (key == std::string::npos) {
        problem = "no rates= in the output of " + command;
        return std::nullopt;
    }
    std::vector<double> rates;
    const char* p = output.c_str() + key + 6;
    while (true) {
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p)
            break;
        rates.push_back(v);
        if (*end != ',')
            break;
        p = end + 1;
    }
    if (rates.empty())
        problem = "empty rates= in the output of " + command;
    return rates.empty() ? std::nullopt : std::optional(rates);
}

} // namespace bench

#include "Support.h"

#include "core/AtomicFile.h"
#include "core/Errors.h"

#include <cmath>
#include <cstdio>
#include <system_error>

namespace cli {

CommandError::CommandError(const std::string& message)
    : std::runtime_error(oneLine(message))
{ }

std::string oneLine(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\r')
            continue;
        if (c == '\n')
            out += "; ";
        else
            out += c;
    }
    return out;
}

std::string withFile(const std::string& file, const std::string& what)
{
    const std::string name = std::filesystem::path(file).filename().string();
    if (what.rfind(file + ":", 0) == 0 || (!name.empty() && what.rfind(name + ":", 0) == 0))
        return oneLine(what);
    return oneLine(file + ": " + what);
}

void writeFileAtomically(const std::filesystem::path& file, const std::string& content)
{
    try {
        engine::writeFileAtomically(file, content);
    } catch (const engine::InputError& e) {
        throw CommandError(oneLine(e.what()));
    }
}

std::string formatNumber(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    return buf;
}

engine::PathPolicy pathPolicy(const std::vector<std::string>& allowPaths)
{
    engine::PathPolicy policy;
    for (const std::string& dir : allowPaths) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw CommandError("--allow-path " + dir + ": not a folder");
        policy.allow(dir);
    }
    return policy;
}

} // namespace cli

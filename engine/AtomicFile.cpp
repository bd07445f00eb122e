#include "AtomicFile.h"

#include "DataFile.h"
#include "Errors.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace engine {

namespace {

std::string systemReason(const char* fallback)
{
    const int err = errno;
    return err ? std::strerror(err) : fallback;
}

} // namespace

void writeFileAtomically(const std::filesystem::path& file, const std::string& bytes)
{
    // A unique name in the target's folder, so that the final rename never crosses file systems.
    static std::atomic<unsigned> counter {0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
    std::string tempName(1, '.');
    tempName += file.filename().string();
    tempName += ".tmp-" + std::to_string(stamp) + "-" + std::to_string(counter++);
    const std::filesystem::path temp = file.parent_path() / tempName;

    errno = 0;
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
        throw InputError(
            file.string(), "cannot write: " + systemReason("cannot create a file there"));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    std::error_code ec;
    if (!out) {
        const std::string reason = systemReason("write failed");
        std::filesystem::remove(temp, ec);
        throw InputError(file.string(), "cannot write: " + reason);
    }
    std::filesystem::rename(temp, file, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        throw InputError(file.string(), "cannot write: " + ec.message());
    }
}

std::string readFileBytes(const std::filesystem::path& file)
{
    return readDataFile(file);
}

} // namespace engine

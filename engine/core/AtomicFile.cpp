#include "core/AtomicFile.h"

#include "core/DataFile.h"
#include "core/Errors.h"

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

/// Removes ".NAME.tmp-*" files beside `file` older than a minute: what a killed write left.
/// Younger ones may belong to a write in progress.
void removeStaleTemporaries(const std::filesystem::path& file)
{
    std::string prefix(1, '.');
    prefix += file.filename().string();
    prefix += ".tmp-";
    const auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1);
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::error_code ignored;
        if (it->path().filename().string().starts_with(prefix) && it->is_regular_file(ignored)
            && it->last_write_time(ignored) < cutoff)
            std::filesystem::remove(it->path(), ignored);
    }
}

} // namespace

bool writeFileAtomically(const std::filesystem::path& file, const std::string& bytes,
    const std::function<bool()>& commit)
{
    removeStaleTemporaries(file);
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
    if (commit && !commit()) {
        std::filesystem::remove(temp, ec);
        return false;
    }
    std::filesystem::rename(temp, file, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        throw InputError(file.string(), "cannot write: " + ec.message());
    }
    return true;
}

std::string readFileBytes(const std::filesystem::path& file)
{
    return readDataFile(file);
}

} // namespace engine

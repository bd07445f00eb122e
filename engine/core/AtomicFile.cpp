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

/// ".NAME.tmp-": the prefix of every temporary written for `target` (a file or a folder).
std::string temporaryPrefix(const std::filesystem::path& target)
{
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
    std::string prefix(1, '.');
    prefix += target.filename().string();
    prefix += ".tmp-";
    return prefix;
}

/// A new temporary's path for `target` in `folder`, unique within this process and over time.
std::filesystem::path temporaryPath(
    const std::filesystem::path& target, const std::filesystem::path& folder)
{
    static std::atomic<unsigned> counter {0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    return folder
        / (temporaryPrefix(target) + std::to_string(stamp) + "-" + std::to_string(counter++));
}

/// Removes ".NAME.tmp-*" files and folders for `target` in `folder` older than a minute: what a
/// killed write left. Younger ones may belong to a write in progress.
void removeStaleTemporaries(
    const std::filesystem::path& target, const std::filesystem::path& folder)
{
    const std::string prefix = temporaryPrefix(target);
    const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1);
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder.empty() ? "." : folder, ec), end;
         !ec && it != end; it.increment(ec)) {
        std::error_code ignored;
        if (!it->path().filename().string().starts_with(prefix) || it->is_symlink(ignored)
            || it->last_write_time(ignored) >= cutoff)
            continue;
        if (it->is_regular_file(ignored))
            std::filesystem::remove(it->path(), ignored);
        else if (it->is_directory(ignored))
            std::filesystem::remove_all(it->path(), ignored);
    }
}

/// Writes `bytes` to a new file `path`; false (errno set) when it cannot be created or written.
bool writeNewFile(const std::filesystem::path& path, const std::string& bytes)
{
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    return bool(out);
}

} // namespace

bool writeFileAtomically(const std::filesystem::path& file, const std::string& bytes,
    const std::function<bool()>& commit)
{
    removeStaleTemporaries(file, file.parent_path());
    // In the target's folder, so that the final rename never crosses file systems.
    const std::filesystem::path temp = temporaryPath(file, file.parent_path());
    std::error_code ec;
    if (!writeNewFile(temp, bytes)) {
        const std::string reason = systemReason("cannot create a file there");
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

namespace {

/// Moves the files of the complete temporary folder `temp` into the existing `folder`. Every
/// name is checked first, so that a clash (a folder of that name) fails before anything moved.
void moveFilesInto(const std::filesystem::path& temp, const std::filesystem::path& folder,
    const std::vector<FolderFile>& files)
{
    std::error_code ec;
    for (const FolderFile& f : files) {
        const auto status = std::filesystem::symlink_status(folder / f.name, ec);
        if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)
            && !std::filesystem::is_symlink(status))
            throw InputError((folder / f.name).string(), "cannot write: not a regular file");
    }
    for (const FolderFile& f : files) {
        std::filesystem::rename(temp / f.name, folder / f.name, ec);
        if (ec)
            throw InputError((folder / f.name).string(), "cannot write: " + ec.message());
    }
}

} // namespace

bool writeFolderAtomically(const std::filesystem::path& folder,
    const std::vector<FolderFile>& files, const std::function<bool()>& commit)
{
    // "out/", "." and "out/." name the folder by its last real component.
    std::filesystem::path target = std::filesystem::absolute(folder).lexically_normal();
    if (target.filename().empty())
        target = target.parent_path();
    const std::filesystem::path parent = target.parent_path();
    std::error_code ec;
    const bool exists = std::filesystem::exists(target, ec);
    if (exists && !std::filesystem::is_directory(target, ec))
        throw InputError(folder.string(), "cannot write: not a folder");
    if (!exists)
        std::filesystem::create_directories(parent, ec);
    if (ec)
        throw InputError(folder.string(), "cannot create the folder: " + ec.message());

    removeStaleTemporaries(target, parent);
    std::filesystem::path temp = temporaryPath(target, parent);
    if (!std::filesystem::create_directory(temp, ec) && exists) {
        // A writable folder in a read-only one: keep the temporary inside it.
        removeStaleTemporaries(target, target);
        temp = temporaryPath(target, target);
        std::filesystem::create_directory(temp, ec);
    }
    if (ec)
        throw InputError(folder.string(), "cannot write: " + ec.message());

    try {
        for (const FolderFile& f : files) {
            if (!writeNewFile(temp / f.name, f.bytes))
                throw InputError((folder / f.name).string(),
                    "cannot write: " + systemReason("cannot create a file there"));
        }
        if (commit && !commit()) {
            std::filesystem::remove_all(temp, ec);
            return false;
        }
        if (exists) {
            moveFilesInto(temp, target, files);
            std::filesystem::remove_all(temp, ec);
        } else {
            std::filesystem::rename(temp, target, ec);
            if (ec)
                throw InputError(folder.string(), "cannot write: " + ec.message());
        }
    } catch (...) {
        std::filesystem::remove_all(temp, ec);
        throw;
    }
    return true;
}

std::string readFileBytes(const std::filesystem::path& file)
{
    return readDataFile(file);
}

} // namespace engine

#pragma once
// Which files a project may read. A project file is untrusted input (lessons travel by e-mail,
// teachers run students' projects), so its dataset paths may not wander the file system.

#include "core/Errors.h"

#include <filesystem>
#include <string>
#include <vector>

namespace engine {

/// The folder of datasets installed by the system (Debian's dataset-* packages).
inline constexpr const char* kSystemDatasetDir = "/usr/share/datasets";

/// A project may read files in its own folder and below, and in kSystemDatasetDir; any other
/// folder needs the user's consent, given with allow() (netcanvas-train --allow-path DIR, the
/// window's "Allow" answer). Paths are compared after resolving symlinks and "..".
class PathPolicy {
public:
    /// The project's folder and the system dataset folder only.
    PathPolicy() = default;
    /// Every path (files the user picked in a dialog, tests).
    static PathPolicy unrestricted();

    /// Lets projects read `dir` and everything below it.
    void allow(const std::filesystem::path& dir);
    const std::vector<std::filesystem::path>& allowedFolders() const { return m_allowed; }

    /// True when `file` lies in `projectDir` (empty: the current folder), the system dataset
    /// folder or an allowed folder.
    bool permits(const std::filesystem::path& file, const std::filesystem::path& projectDir) const;
    /// Throws PathNotAllowed(where, file) unless permits().
    void check(const std::filesystem::path& file, const std::filesystem::path& projectDir,
        const std::string& where) const;

    /// `path` made absolute with symlinks and ".." resolved (as far as it exists).
    static std::filesystem::path resolved(const std::filesystem::path& path);

private:
    std::vector<std::filesystem::path> m_allowed;
    bool m_unrestricted = false;
};

/// A project names a file outside the folders it may read. path() is the resolved file; the
/// message names it and how to allow it.
class PathNotAllowed : public InputError {
public:
    PathNotAllowed(const std::string& where, std::filesystem::path path);
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace engine

#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace engine {

/// Writes `bytes` to a temporary file in the target's folder (".NAME.tmp-..."), then renames it
/// over `file`, so a reader never sees a half-written export. `commit`, when given, is asked
/// between the write and the rename: false (e.g. Ctrl+C arrived) removes the temporary file,
/// leaves `file` as it was and returns false. Temporaries of the same target older than a minute
/// (left by a killed write) are removed first. Throws InputError(file, "cannot write: ...").
bool writeFileAtomically(const std::filesystem::path& file, const std::string& bytes,
    const std::function<bool()>& commit = {});

/// One file of a folder written by writeFolderAtomically(): a plain file name and its bytes.
struct FolderFile {
    std::string name;
    std::string bytes;
};

/// Writes every file into a hidden temporary folder beside `folder` (".NAME.tmp-...", inside
/// `folder` when its parent is not writable), then moves them in: renames the whole temporary
/// folder when `folder` does not exist yet, else each file over its namesake (other files in
/// `folder` stay). A failed write (full disk, ...) or a false `commit` removes the temporary
/// folder and leaves `folder` as it was, so a reader never sees half an export. Temporaries of
/// ours older than a minute are removed first. Throws InputError("FOLDER/NAME" or FOLDER,
/// "cannot write: ...").
bool writeFolderAtomically(const std::filesystem::path& folder,
    const std::vector<FolderFile>& files, const std::function<bool()>& commit = {});

/// The whole file as bytes: readDataFile() (regular files only).
std::string readFileBytes(const std::filesystem::path& file);

} // namespace engine

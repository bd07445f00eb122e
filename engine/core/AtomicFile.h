#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace engine {

/// Writes `bytes` to a temporary file in the target's folder (".NAME.tmp-..."), then renames it
/// over `file`, so a reader never sees a half-written export. `commit`, when given, is asked
/// between the write and the rename: false (e.g. Ctrl+C arrived) removes the temporary file,
/// leaves `file` as it was and returns false. Temporaries of the same target older than a minute
/// (left by a killed write) are removed first. Throws InputError(file, "cannot write: ...").
bool writeFileAtomically(const std::filesystem::path& file, const std::string& bytes,
    const std::function<bool()>& commit = {});

/// The whole file as bytes: readDataFile() (regular files only).
std::string readFileBytes(const std::filesystem::path& file);

} // namespace engine

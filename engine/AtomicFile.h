#pragma once

#include <filesystem>
#include <string>

namespace engine {

/// Writes `bytes` to a temporary file in the target's folder, then renames it over `file`, so a
/// reader never sees a half-written export. Throws InputError(file, "cannot write: ...").
void writeFileAtomically(const std::filesystem::path& file, const std::string& bytes);

/// The whole file as bytes: readDataFile() (regular files only).
std::string readFileBytes(const std::filesystem::path& file);

} // namespace engine

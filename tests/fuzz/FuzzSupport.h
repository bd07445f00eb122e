#pragma once
// Shared by the libFuzzer harnesses (docs/fuzzing.md): each harness hands the fuzzer's bytes to
// one engine loader as a file, as a user's file would reach it. The loader may refuse the input
// with the engine's InputError or ShapeError (the expected answer to a bad file); anything else
// that escapes (another exception, a sanitizer report, a crash, a hang) is a finding.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace fuzz {

/// Writes `size` bytes to `fileName` in this process's scratch folder (under $TMPDIR, else
/// /dev/shm or /tmp; removed at exit) and returns its path. The same name is overwritten by the
/// next input, so a harness's files never pile up.
std::filesystem::path writeInputFile(
    const std::string& fileName, const void* data, std::size_t size);

/// The same for text.
std::filesystem::path writeInputFile(const std::string& fileName, const std::string& text);

/// Runs `load`. Returns true when it finished, false when it refused the input with InputError
/// or ShapeError. Any other exception is reported on stderr with `loader` and its type, then
/// aborts the process so that libFuzzer saves the input as a crash.
bool expectOnlyInputErrors(const char* loader, const std::function<void()>& load);

/// Aborts with `what` when a property the harness checks does not hold (a finding).
void findingIf(bool failed, const char* what);

} // namespace fuzz

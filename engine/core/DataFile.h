#pragma once
// Reading a file the user did not necessarily write (a project's dataset, a lesson, a model):
// only regular files, in chunks, cancellable, with a bound on what one line may hold.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace engine {

/// How a data file is read. The defaults read any regular file whole.
struct ReadLimits {
    /// > 0: a line (up to '\n') longer than this throws InputError("<file>: line N", ...), so a
    /// gigabyte without a newline is refused after its first megabyte instead of filling memory.
    std::size_t maxLineBytes = 0;
    /// Checked once per chunk (1 MiB): when true the read throws LoadCancelled.
    const std::atomic<bool>* cancel = nullptr;
    /// Called after each chunk with the bytes read so far and the file's size.
    std::function<void(std::size_t read, std::size_t total)> progress;
};

/// A text line of a CSV file may hold at most this many bytes (1 MiB).
inline constexpr std::size_t kMaxCsvLineBytes = std::size_t(1) << 20;

/// Throws InputError(file, ...) unless `file` is a regular file (after following symlinks):
/// "no such file", "is a folder", "is a named pipe (FIFO)", "is a character device" ... so that
/// no reader opens a pipe (which blocks until someone writes) or a device (which never ends).
void requireRegularFile(const std::filesystem::path& file);

/// The whole file as bytes, after requireRegularFile(). Throws InputError(file, "cannot read:
/// ...") when it cannot be opened or read, and LoadCancelled when limits.cancel is set.
std::string readDataFile(const std::filesystem::path& file, const ReadLimits& limits = {});

/// `text` quoted for an error message: at most `maxChars` bytes (then "..."), control and
/// non-ASCII bytes as \xNN, so a message never carries more than a short, printable excerpt.
std::string quoteExcerpt(std::string_view text, std::size_t maxChars = 40);

/// True when `file` and its first bytes look like a text table (a .csv, .tsv, .txt, .dat or
/// .data name, and no NUL or other control bytes but tab, CR and LF): only then may an error
/// message quote its cells.
bool looksLikeCsvFile(const std::filesystem::path& file, std::string_view text);

/// Bytes of memory the system can still give (MemAvailable), or 0 when unknown.
std::size_t availableMemoryBytes();

} // namespace engine

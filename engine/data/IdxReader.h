#pragma once
// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
// header "0x00 0x00 <type> <rank>", then `rank` 32-bit sizes, then the values in row-major order.
// Files may be gzip-compressed (.gz) or plain; both are read the same way.

#include "data/Dataset.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace engine {

/// One IDX array, values kept as stored (converted on access).
struct IdxArray {
    enum class Type : std::uint8_t {
        UInt8 = 0x08,
        Int8 = 0x09,
        Int16 = 0x0B,
        Int32 = 0x0C,
        Float32 = 0x0D,
        Float64 = 0x0E
    };
    Type type = Type::UInt8;
    std::vector<int> dims; ///< e.g. {60000, 28, 28}
    std::vector<unsigned char> bytes; ///< the values, big-endian as in the file

    long count() const; ///< product of dims
    /// Value number i (row-major), converted to double.
    double value(long i) const;
};

/// Reads an IDX file, gzip or plain. Throws InputError whose where() is the file name and whose
/// message gives the byte offset (in the uncompressed data) and what was expected there:
/// wrong magic number, unknown type, truncated header or data, bytes left over.
/// Only a regular file is read (requireRegularFile()); no message shows its bytes. The header's
/// sizes are checked against kMaxIdxValues and the free memory before anything is allocated,
/// and decompression stops after the size the header states. `cancel`, checked per MiB read:
/// throws LoadCancelled.
IdxArray readIdx(const std::filesystem::path& file, const std::atomic<bool>* cancel = nullptr);

/// The most values an IDX array may hold (2^29, 2 GiB as floats; Fashion-MNIST has 47 million).
inline constexpr std::uint64_t kMaxIdxValues = std::uint64_t(1) << 29;

/// Builds a classification dataset from an IDX images file (n x h x w, or n x h x w x c) and a
/// labels file (n). Pixels are divided by 255 for unsigned bytes (so they lie in [0, 1]).
/// inputShape is {h, w, c} when `imageShape`, else {h * w * c}. `limit` > 0 keeps the first
/// `limit` samples. numClasses = largest label + 1 (at least `minClasses`). Throws InputError
/// naming the file when a file is unreadable, malformed, or the counts disagree.
Dataset readIdxDataset(const std::filesystem::path& images, const std::filesystem::path& labels,
    bool imageShape, long limit = 0, int minClasses = 0, const std::atomic<bool>* cancel = nullptr);

/// The ten Fashion-MNIST class names: "T-shirt/top", "Trouser", ... "Ankle boot".
std::vector<std::string> fashionMnistClassNames();

} // namespace engine

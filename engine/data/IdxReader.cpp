#include "data/IdxReader.h"

#include "core/DataFile.h"
#include "core/Errors.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

namespace engine {

namespace {

int elementSize(IdxArray::Type t)
{
    switch (t) {
    case IdxArray::Type::UInt8:
    case IdxArray::Type::Int8:
        return 1;
    case IdxArray::Type::Int16:
        return 2;
    case IdxArray::Type::Int32:
    case IdxArray::Type::Float32:
        return 4;
    case IdxArray::Type::Float64:
        return 8;
    }
    return 0;
}

std::uint64_t bigEndian(const unsigned char* p, int n)
{
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

std::string dimsText(const std::vector<int>& dims)
{
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i)
        s += (i ? "x" : "") + std::to_string(dims[i]);
    return s;
}

} // namespace

long IdxArray::count() const
{
    long n = 1;
    for (int d : dims)
        n *= d;
    return n;
}

double IdxArray::value(long i) const
{
    const unsigned char* p = bytes.data() + i * elementSize(type);
    switch (type) {
    case Type::UInt8:
        return p[0];
    case Type::Int8:
        return static_cast<signed char>(p[0]);
    case Type::Int16:
        return static_cast<std::int16_t>(bigEndian(p, 2));
    case Type::Int32:
        return static_cast<std::int32_t>(bigEndian(p, 4));
    case Type::Float32:
        return std::bit_cast<float>(static_cast<std::uint32_t>(bigEndian(p, 4)));
    case Type::Float64:
        return std::bit_cast<double>(bigEndian(p, 8));
    }
    return 0;
}

namespace {

/// A gzip or plain file read in pieces, each piece exactly as long as asked for.
class IdxStream {
public:
    IdxStream(const std::filesystem::path& file, const std::atomic<bool>* cancel)
        : m_name(file.string())
        , m_cancel(cancel)
        , m_in(nullptr, gzclose)
    {
        requireRegularFile(file);
        m_in.reset(gzopen(m_name.c_str(), "rb"));
        if (!m_in)
            throw InputError(m_name, "cannot open the file: " + std::string(std::strerror(errno)));
        gzbuffer(m_in.get(), 1 << 17);
    }

    /// Reads up to `size` bytes into `out`, in chunks (checking the cancel flag); returns how
    /// many there were before the end of the (decompressed) data.
    std::size_t read(unsigned char* out, std::size_t size)
    {
        std::size_t done = 0;
        while (done < size) {
            if (m_cancel && m_cancel->load())
                throw LoadCancelled();
            const unsigned chunk = unsigned(std::min<std::size_t>(size - done, 1 << 20));
            const int n = gzread(m_in.get(), out + done, chunk);
            if (n < 0) {
                int code = 0;
                const char* msg = gzerror(m_in.get(), &code);
                throw InputError(m_name,
                    "byte " + std::to_string(m_offset + done) + ": corrupt gzip data (" + msg
                        + ")");
            }
            if (n == 0)
                break;
            done += std::size_t(n);
        }
        m_offset += done;
        int code = 0;
        const char* msg = gzerror(m_in.get(), &code);
        if (code != Z_OK)
            throw InputError(m_name,
                "byte " + std::to_string(m_offset) + ": the gzip stream is damaged or truncated ("
                    + msg + ")");
        return done;
    }

private:
    std::string m_name;
    const std::atomic<bool>* m_cancel;
    std::unique_ptr<gzFile_s, int (*)(gzFile)> m_in;
    std::size_t m_offset = 0;
};

} // namespace

IdxArray readIdx(const std::filesystem::path& file, const std::atomic<bool>* cancel)
{
    constexpr std::size_t kChunk = 1 << 20;
    const std::string name = file.string();
    IdxStream in(file, cancel);
    // No byte of a file that is not IDX appears in a message: it may be anything.
    unsigned char head[4] = {};
    const std::size_t got = in.read(head, 4);
    if (got < 4)
        throw InputError(name,
            "byte " + std::to_string(got) + ": the file ends inside the 4-byte IDX header ("
                + std::to_string(got) + " bytes in all)");
    if (head[0] != 0 || head[1] != 0)
        throw InputError(name,
            "byte 0: not an IDX file: an IDX file starts with 0x00 0x00, a type and a rank (e.g. "
            "0x00 0x00 0x08 0x03 for images)");
    IdxArray a;
    a.type = static_cast<IdxArray::Type>(head[2]);
    if (elementSize(a.type) == 0)
        throw InputError(
            name, "byte 2: unknown IDX value type (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
    const int rank = head[3];
    if (rank < 1)
        throw InputError(name, "byte 3: an IDX array needs at least one dimension, got rank 0");
    const std::size_t header = 4 + 4 * std::size_t(rank);
    std::vector<unsigned char> sizes(4 * std::size_t(rank));
    if (const std::size_t n = in.read(sizes.data(), sizes.size()); n < sizes.size())
        throw InputError(name,
            "byte " + std::to_string(4 + n) + ": truncated header: rank " + std::to_string(rank)
                + " needs " + std::to_string(header) + " header bytes, the file has "
                + std::to_string(4 + n));
    std::uint64_t count = 1;
    for (int d = 0; d < rank; ++d) {
        const std::uint64_t size = bigEndian(sizes.data() + 4 * d, 4);
        if (size == 0 || size > 0x7FFFFFFF)
            throw InputError(name,
                "byte " + std::to_string(4 + 4 * d) + ": dimension " + std::to_string(d)
                    + " has size " + std::to_string(size) + ", expected 1 to 2147483647");
        a.dims.push_back(int(size));
        count *= size;
        if (count > kMaxIdxValues)
            throw InputError(name,
                "byte 4: the header promises " + dimsText(a.dims) + "... values, more than the "
                    + std::to_string(kMaxIdxValues) + " a dataset may hold");
    }
    const std::uint64_t expected = count * std::uint64_t(elementSize(a.type));
    // The values, and the same count again as floats once they become a Dataset.
    const std::uint64_t needed = expected + count * sizeof(Scalar);
    if (const std::size_t available = availableMemoryBytes(); available > 0 && needed > available)
        throw InputError(name,
            "byte 4: " + dimsText(a.dims) + " values need about " + std::to_string(needed >> 20)
                + " MiB of memory, only " + std::to_string(available >> 20) + " MiB are free");
    // Decompression stops at the size the header states (and one byte more, to tell extra data).
    // The buffer grows with the data that really arrives (doubling, from 1 MiB), so a short file
    // whose header promises gigabytes never allocates them (found by fuzz_idx).
    std::size_t found = 0;
    while (found < expected) {
        const std::size_t chunk
            = std::size_t(std::min<std::uint64_t>(expected - found, std::max(found, kChunk)));
        a.bytes.resize(found + chunk);
        const std::size_t n = in.read(a.bytes.data() + found, chunk);
        found += n;
        if (n < chunk)
            break;
    }
    a.bytes.resize(found);
    unsigned char extra = 0;
    if (found < expected || in.read(&extra, 1) > 0)
        throw InputError(name,
            "byte " + std::to_string(header) + ": " + (found < expected ? "truncated: " : "")
                + "expected " + std::to_string(expected) + " bytes of data for " + dimsText(a.dims)
                + " values, found " + (found < expected ? std::to_string(found) : "more")
                + (found < expected ? "" : " (extra bytes at the end)"));
    return a;
}

Dataset readIdxDataset(const std::filesystem::path& images, const std::filesystem::path& labels,
    bool imageShape, long limit, int minClasses, const std::atomic<bool>* cancel)
{
    const IdxArray img = readIdx(images, cancel);
    const IdxArray lab = readIdx(labels, cancel);
    if (img.dims.size() < 2 || img.dims.size() > 4)
        throw InputError(images.string(),
            "expected images (n x height x width [x channels]), got an array of "
                + dimsText(img.dims));
    if (lab.dims.size() != 1)
        throw InputError(labels.string(),
            "expected labels (one dimension), got an array of " + dimsText(lab.dims));
    if (img.dims[0] != lab.dims[0])
        throw InputError(labels.string(),
            "has " + std::to_string(lab.dims[0]) + " labels but " + images.filename().string()
                + " has " + std::to_string(img.dims[0]) + " images");

    const long available = img.dims[0];
    const long n = limit > 0 ? std::min(limit, available) : available;
    const int h = img.dims[1];
    const int w = img.dims.size() > 2 ? img.dims[2] : 1;
    const int c = img.dims.size() > 3 ? img.dims[3] : 1;
    const long features = long(h) * w * c;

    Dataset d;
    d.name = images.filename().string();
    d.task = TaskKind::Classification;
    d.inputShape = imageShape ? Shape {h, w, c} : Shape {int(features)};
    d.x.resize(features, n);
    d.y.resize(1, n);
    if (img.type == IdxArray::Type::UInt8) {
        const unsigned char* p = img.bytes.data();
        const Scalar scale = Scalar(1) / Scalar(255);
        for (long i = 0; i < n * features; ++i)
            d.x.data()[i] = Scalar(p[i]) * scale;
    } else {
        for (long i = 0; i < n * features; ++i)
            d.x.data()[i] = Scalar(img.value(i));
    }
    int maxLabel = -1;
    for (long i = 0; i < n; ++i) {
        const double v = lab.value(i);
        if (v < 0 || v != double(long(v)) || v > 65535)
            throw InputError(labels.string(),
                "byte " + std::to_string(8 + i * elementSize(lab.type)) + ": label "
                    + std::to_string(i) + " is " + std::to_string(v)
                    + ", expected a class index 0, 1, 2, ...");
        d.y(0, i) = Scalar(v);
        maxLabel = std::max(maxLabel, int(v));
    }
    d.numClasses = std::max(maxLabel + 1, minClasses);
    for (int k = 0; k < d.numClasses; ++k)
        d.classNames.push_back(std::to_string(k));
    return d;
}

std::vector<std::string> fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
        "Bag", "Ankle boot"};
}

} // namespace engine

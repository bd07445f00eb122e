// IDX arrays (engine/IdxReader.*), plain and gzip: the bytes are read as an IDX file, then the
// same bytes gzip-compressed are read as a .gz file; both must give the same answer. An array
// with at least two dimensions is also read as the images of an IDX dataset, with a labels file
// of matching length, as the "idx" dataset source does.

#include "FuzzSupport.h"
#include "data/IdxReader.h"

#include <zlib.h>

#include <vector>

namespace {

std::vector<unsigned char> gzipCompress(const std::uint8_t* data, std::size_t size)
{
    z_stream stream {};
    // windowBits 15 + 16: a gzip header and trailer, as the .gz files of MNIST have.
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    std::vector<unsigned char> out(deflateBound(&stream, uLong(size)) + 32);
    stream.next_in = const_cast<Bytef*>(data);
    stream.avail_in = uInt(size);
    stream.next_out = out.data();
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return result == Z_STREAM_END ? out : std::vector<unsigned char> {};
}

/// An IDX labels file (unsigned bytes, rank 1) of `count` labels 0, 1, 2, 0, ...
std::vector<unsigned char> labelsFile(int count)
{
    std::vector<unsigned char> file = {0, 0, 0x08, 1, (unsigned char)(count >> 24),
        (unsigned char)(count >> 16), (unsigned char)(count >> 8), (unsigned char)count};
    for (int i = 0; i < count; ++i)
        file.push_back((unsigned char)(i % 3));
    return file;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto plainFile = fuzz::writeInputFile("images.idx", data, size);
    engine::IdxArray plain;
    const bool plainRead = fuzz::expectOnlyInputErrors(
        "readIdx(plain)", [&] { plain = engine::readIdx(plainFile); });
    if (plainRead) {
        // Every value converts (reads inside the array); the sum only keeps the loop.
        volatile double sum = 0;
        for (long i = 0; i < std::min(plain.count(), 4096L); ++i)
            sum = sum + plain.value(i);
    }

    const std::vector<unsigned char> compressed = gzipCompress(data, size);
    if (!compressed.empty()) {
        const auto gzFile
            = fuzz::writeInputFile("images.idx.gz", compressed.data(), compressed.size());
        engine::IdxArray unpacked;
        const bool gzRead = fuzz::expectOnlyInputErrors(
            "readIdx(gzip)", [&] { unpacked = engine::readIdx(gzFile); });
        // Bytes that are gzip themselves are unpacked once in the plain file, not in the copy.
        const bool looksGzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
        if (!looksGzip) {
            fuzz::findingIf(gzRead != plainRead, "an IDX file and its gzip copy read differently");
            fuzz::findingIf(plainRead
                    && (unpacked.dims != plain.dims || unpacked.bytes != plain.bytes
                        || unpacked.type != plain.type),
                "an IDX file and its gzip copy give different arrays");
        }
    }

    if (plainRead && plain.dims.size() >= 2 && plain.dims[0] > 0 && plain.dims[0] <= 1000) {
        const std::vector<unsigned char> labels = labelsFile(plain.dims[0]);
        const auto labelsPath = fuzz::writeInputFile("labels.idx", labels.data(), labels.size());
        const bool imageShape = (size % 2) == 0;
        fuzz::expectOnlyInputErrors("readIdxDataset",
            [&] { engine::readIdxDataset(plainFile, labelsPath, imageShape, long(size % 4)); });
    }
    return 0;
}

#include "core/DataFile.h"

#include "core/Errors.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace engine {

namespace {

std::string kindOf(std::filesystem::file_type type)
{
    using std::filesystem::file_type;
    switch (type) {
    case file_type::directory:
        return "is a folder";
    case file_type::fifo:
        return "is a named pipe (FIFO)";
    case file_type::character:
        return "is a character device";
    case file_type::block:
        return "is a block device";
    case file_type::socket:
        return "is a socket";
    default:
        return "is not a regular file";
    }
}

} // namespace

void requireRegularFile(const std::filesystem::path& file)
{
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found)
        throw InputError(file.string(), "no such file");
    if (ec)
        throw InputError(file.string(), "cannot read: " + ec.message());
    if (status.type() != std::filesystem::file_type::regular)
        throw InputError(file.string(),
            kindOf(status.type()) + ", not a regular file: NetCanvas reads data only from files");
}

std::string readDataFile(const std::filesystem::path& file, const ReadLimits& limits)
{
    requireRegularFile(file);
    const std::string name = file.string();
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError(
            name, std::string("cannot read: ") + (errno ? std::strerror(errno) : "cannot open"));
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    const std::size_t total = ec ? 0 : std::size_t(size);
    std::string text;
    text.reserve(total);
    constexpr std::size_t kChunk = std::size_t(1) << 20;
    std::vector<char> chunk(kChunk);
    long line = 1;
    std::size_t lineLength = 0;
    while (in) {
        if (limits.cancel && limits.cancel->load())
            throw LoadCancelled();
        in.read(chunk.data(), std::streamsize(kChunk));
        const auto n = std::size_t(in.gcount());
        if (n == 0)
            break;
        if (limits.maxLineBytes > 0) {
            for (std::size_t i = 0; i < n; ++i) {
                if (chunk[i] == '\n') {
                    ++line;
                    lineLength = 0;
                } else if (++lineLength > limits.maxLineBytes) {
                    throw InputError(name + ": line " + std::to_string(line),
                        "the line is longer than " + std::to_string(limits.maxLineBytes >> 10)
                            + " KiB; a CSV row is much shorter (is this a CSV file?)");
                }
            }
        }
        text.append(chunk.data(), n);
        if (limits.progress)
            limits.progress(text.size(), std::max(total, text.size()));
    }
    if (in.bad())
        throw InputError(name, "cannot read: input/output error");
    return text;
}

std::string quoteExcerpt(std::string_view text, std::size_t maxChars)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < std::min(text.size(), maxChars); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20 || c >= 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    if (text.size() > maxChars)
        out += "...";
    return out + "\"";
}

bool looksLikeCsvFile(const std::filesystem::path& file, std::string_view text)
{
    std::string ext = file.extension().string();
    std::transform(
        ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext != ".csv" && ext != ".tsv" && ext != ".txt" && ext != ".dat" && ext != ".data")
        return false;
    const auto head = text.substr(0, 4096);
    return std::none_of(head.begin(), head.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c < 0x20 && c != '\t' && c != '\r' && c != '\n';
    });
}

std::size_t availableMemoryBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::size_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:")
            return kib * 1024;
    return 0;
}

} // namespace engine

#include "export/WeightsExport.h"

#include "core/Errors.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>

namespace engine {

std::string npyBytes(const Matrix& m)
{
    static_assert(std::endian::native == std::endian::little, "'<f4' data is written as is");
    std::string shape = "(";
    shape.append(std::to_string(m.rows()));
    shape.append(m.cols() == 1 ? "," : ", " + std::to_string(m.cols()));
    shape.append(")");
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + header, padded with spaces and ended by '\n' to a
    // multiple of 64 bytes, as numpy.lib.format writes it.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';

    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += char(header.size() & 0xff);
    bytes += char((header.size() >> 8) & 0xff);
    bytes += header;
    bytes.reserve(bytes.size() + std::size_t(m.size()) * 4);
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const float v = static_cast<float>(m(r, c));
            const auto raw = std::bit_cast<std::uint32_t>(v);
            for (int b = 0; b < 4; ++b)
                bytes += char((raw >> (8 * b)) & 0xff);
        }
    }
    return bytes;
}

std::string safeFileStem(const std::string& name)
{
    std::string s;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-' || c == '.';
        s += ok ? c : '_';
    }
    if (s.empty() || s.front() == '.')
        s.insert(s.begin(), '_');
    return s;
}

std::vector<WeightArray> weightArrays(const Project& project)
{
    if (project.weights.empty())
        throw InputError("weights", "the project has no trained weights (train it first)");
    std::map<NodeId, const NodeRecord*> records;
    for (const NodeRecord& n : project.nodes)
        records[n.id] = &n;

    std::vector<WeightArray> arrays;
    std::set<std::string> used;
    for (const auto& [id, params] : project.weights) {
        const auto record = records.find(id);
        WeightArray a;
        a.node = id;
        if (record != records.end()) {
            a.nodeType = record->second->type;
            a.nodeName = record->second->name.empty()
                ? record->second->type + "_" + std::to_string(id)
                : record->second->name;
        } else {
            a.nodeName = "node_" + std::to_string(id);
        }
        for (const auto& [param, value] : params) {
            a.param = param;
            a.value = &value;
            const std::string stem = safeFileStem(a.nodeName) + "." + safeFileStem(param);
            a.fileName = stem + ".npy";
            // Names that only differ in characters replaced by '_' must not overwrite each other.
            for (int n = 2; used.count(a.fileName); ++n)
                a.fileName = stem + "_" + std::to_string(n) + ".npy";
            used.insert(a.fileName);
            arrays.push_back(a);
        }
    }
    return arrays;
}

std::string npyReadme(const Project& project, const std::vector<WeightArray>& arrays)
{
    std::string s;
    s += "Trained weights of \"" + (project.name.empty() ? std::string("network") : project.name)
        + "\", exported by NetCanvas " NETCANVAS_VERSION ".\n\n";
    s += "One NumPy file per parameter, named <layer name>.<parameter>.npy.\n"
         "Every array is float32 little-endian ('<f4'), C order: numpy.load(file) returns it.\n"
         "Matrices are stored as the engine stores them:\n"
         "  Dense  W: (units, inputs), b: (units,)   -> y = W @ x + b, like torch "
         "Linear.weight/bias\n"
         "  Conv2D W: (filters, kernel*kernel*in_channels), column (kh*kernel + kw)*in_channels + "
         "ci;\n"
         "         reshape(filters, kernel, kernel, in_channels).transpose(0, 3, 1, 2) gives\n"
         "         PyTorch's (out, in, kh, kw); b: (filters,)\n"
         "  BatchNorm / LayerNorm: per-feature vectors (gamma, beta, running statistics).\n"
         "A parameter with one column is written 1-D.\n\n"
         "Files:\n";
    for (const WeightArray& a : arrays) {
        const Matrix& m = *a.value;
        const std::string shape = m.cols() == 1
            ? "(" + std::to_string(m.rows()) + ",)"
            : "(" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + ")";
        s += "  " + a.fileName + "  " + shape + "  layer '" + a.nodeName + "'"
            + (a.nodeType.empty() ? std::string() : " (" + a.nodeType + ")") + ", parameter "
            + a.param + "\n";
    }
    s += "\nExample (Python):\n"
         "  import numpy as np\n";
    if (!arrays.empty())
        s += "  w = np.load('" + arrays.front().fileName + "')\n";
    return s;
}

namespace {

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string shortest(Scalar v)
{
    char buf[40];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

} // namespace

std::string weightsCsv(const Project& project)
{
    const std::vector<WeightArray> arrays = weightArrays(project);
    std::string s = "node,type,parameter,row,column,value\n";
    for (const WeightArray& a : arrays) {
        const std::string prefix
            = csvField(a.nodeName) + "," + csvField(a.nodeType) + "," + csvField(a.param) + ",";
        const Matrix& m = *a.value;
        for (Eigen::Index r = 0; r < m.rows(); ++r) {
            for (Eigen::Index c = 0; c < m.cols(); ++c) {
                s += prefix;
                s += std::to_string(r);
                s += ',';
                s += std::to_string(c);
                s += ',';
                s += shortest(m(r, c));
                s += '\n';
            }
        }
    }
    return s;
}

} // namespace engine

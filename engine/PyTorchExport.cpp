#include "PyTorchExport.h"

#include "AtomicFile.h"
#include "Errors.h"
#include "layers/Activation.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace engine {

namespace {

constexpr std::size_t kBase64Line = 76;

std::string base64(const std::string& bytes)
{
    static constexpr char kAlphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16
            | std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 | std::uint8_t(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += kAlphabet[(v >> shift) & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2)
            v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Row-major little-endian float32 bytes, the layout of torch.Tensor.reshape(rows, cols).
std::string floatBytes(const Matrix& m)
{
    std::string bytes;
    bytes.reserve(std::size_t(m.size()) * 4);
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const auto raw = std::bit_cast<std::uint32_t>(static_cast<float>(m(r, c)));
            for (int b = 0; b < 4; ++b)
                bytes += char((raw >> (8 * b)) & 0xff);
        }
    return bytes;
}

std::string pythonNumber(double v)
{
    char buf[40];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ptr);
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

/// A JSON string literal is also a valid Python one.
std::string pythonString(const std::string& s)
{
    return nlohmann::json(s).dump();
}

/// Python identifiers for node names, unique and never a keyword or a name the script uses.
class Identifiers {
public:
    std::string make(const std::string& name)
    {
        std::string s;
        for (char c : name) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_';
            s += ok ? c : '_';
        }
        if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
            s.insert(0, "n_");
        std::string id = s;
        for (int i = 2; m_used.count(id) || kReserved.count(id); ++i)
            id = s + "_" + std::to_string(i);
        m_used.insert(id);
        return id;
    }

private:
    inline static const std::set<std::string> kReserved {"x", "self", "torch", "nn", "F", "False",
        "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
        "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
        "with", "yield", "forward", "predict", "training"};
    std::set<std::string> m_used;
};

std::string activationExpr(ActivationKind kind, double alpha, const std::string& e)
{
    switch (kind) {
    case ActivationKind::Identity:
        return e;
    case ActivationKind::Sigmoid:
        return "torch.sigmoid(" + e + ")";
    case ActivationKind::Tanh:
        return "torch.tanh(" + e + ")";
    case ActivationKind::ReLU:
        return "F.relu(" + e + ")";
    case ActivationKind::LeakyReLU:
        return "F.leaky_relu(" + e + ", negative_slope=" + pythonNumber(alpha) + ")";
    case ActivationKind::ELU:
        return "F.elu(" + e + ", alpha=" + pythonNumber(alpha) + ")";
    case ActivationKind::GELU:
        return "F.gelu(" + e + ")"; // exact (erf) form, as the engine computes it
    case ActivationKind::Softmax:
        return "torch.softmax(" + e + ", dim=-1)";
    }
    return e;
}

std::string joined(const std::vector<std::string>& parts, const std::string& sep)
{
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? sep : "") + parts[i];
    return s;
}

} // namespace

std::string pytorchScript(const Graph& graph, const GraphContext& context, const Project& project)
{
    if (!graph.isCompiled())
        throw InputError("pytorch", "the network must be compiled before export");
    const GraphCheck& check = graph.compiled();
    const WeightMap weights = graph.weights();
    const long features = check.shapes.at(check.inputNode).size();
    const long outputs = check.shapes.at(check.outputNode).size();
    const std::string loss = graph.lossType();

    Identifiers ids;
    std::map<NodeId, std::string> vars; // node -> Python expression of its output
    std::ostringstream init, forward, weightTable;
    for (NodeId id : graph.executionOrder()) {
        const Layer& layer = graph.layer(id);
        const std::string type = layer.type();
        if (type == "Loss")
            continue;
        if (type == "Input") {
            vars[id] = "x";
            continue;
        }
        std::vector<std::string> in;
        for (NodeId src : graph.inputsOf(id))
            in.push_back(vars.at(src));
        const std::string name = ids.make(graph.name(id));
        std::string expr;
        if (type == "Dense") {
            const auto& dense = static_cast<const Dense&>(layer);
            const auto& params = weights.at(id);
            const Matrix& w = params.at("W");
            init << "        self." << name << " = nn.Linear(" << w.cols() << ", " << w.rows()
                 << ", bias=" << (params.count("b") ? "True" : "False") << ")\n";
            for (const auto& [param, key] : {std::pair {"W", "weight"}, {"b", "bias"}}) {
                const auto p = params.find(param);
                if (p == params.end())
                    continue;
                const std::string shape = p->second.cols() == 1
                    ? "[" + std::to_string(p->second.rows()) + "]"
                    : "[" + std::to_string(p->second.rows()) + ", "
                        + std::to_string(p->second.cols()) + "]";
                // Adjacent string literals keep the lines short (Python joins them).
                const std::string data = base64(floatBytes(p->second));
                weightTable << "    \"" << name << "." << key << "\": (\n        " << shape
                            << ",\n        (\n";
                for (std::size_t at = 0; at < data.size(); at += kBase64Line)
                    weightTable << "            \"" << data.substr(at, kBase64Line) << "\"\n";
                weightTable << "        ),\n    ),\n";
            }
            expr = activationExpr(dense.activation(), dense.attributes().value("alpha", 0.01),
                "self." + name + "(" + in.at(0) + ")");
        } else if (type == "Activation") {
            const auto& act = static_cast<const Activation&>(layer);
            expr = activationExpr(act.kind(), act.alpha(), in.at(0));
        } else if (type == "Dropout") {
            init << "        self." << name
                 << " = nn.Dropout(p=" << pythonNumber(static_cast<const Dropout&>(layer).rate())
                 << ")\n";
            expr = "self." + name + "(" + in.at(0) + ")";
        } else if (type == "Flatten" || type == "Reshape") {
            expr = in.at(0); // samples travel flat: only the engine's shape label changes
        } else if (type == "Add") {
            expr = joined(in, " + ");
        } else if (type == "Concatenate") {
            long positions = 1;
            std::vector<std::string> views;
            for (std::size_t i = 0; i < in.size(); ++i) {
                const Shape& s = check.shapes.at(graph.inputsOf(id)[i]);
                const long channels = s.dims().empty() ? 1 : s.dims().back();
                positions = s.size() / channels;
                views.push_back(in[i] + ".reshape(x.shape[0], " + std::to_string(positions) + ", "
                    + std::to_string(channels) + ")");
            }
            // Samples are flat; an H x W x C sample joins per position along C.
            expr = positions == 1
                ? "torch.cat([" + joined(in, ", ") + "], dim=-1)"
                : "torch.cat([" + joined(views, ", ") + "], dim=-1).reshape(x.shape[0], -1)";
        } else {
            throw InputError("nodes '" + graph.name(id) + "'",
                "a " + type
                    + " layer cannot be exported to PyTorch yet (exportable: Input, Dense, "
                      "Activation, Dropout, Flatten, Reshape, Add, Concatenate)");
        }
        forward << "        " << name << " = " << expr << "  # " << type << " '" << graph.name(id)
                << "'\n";
        vars[id] = name;
    }

    const bool classification = context.numClasses > 0;
    std::vector<std::string> columns;
    if (outputs == 1)
        columns.push_back(classification ? "\"p1\"" : "\"y\"");
    else
        for (long i = 0; i < outputs; ++i)
            columns.push_back(
                std::string(classification ? "\"p" : "\"y") + std::to_string(i) + "\"");
    std::string transform = "y";
    if (loss == "binary_crossentropy")
        transform = "torch.sigmoid(y)";
    else if (loss == "softmax_crossentropy")
        transform = "torch.softmax(y, dim=-1)";

    const std::string title = project.name.empty() ? std::string("network") : project.name;
    std::ostringstream py;
    py << "#!/usr/bin/env python3\n"
       << "# Generated by NetCanvas " << NETCANVAS_VERSION << " from " << pythonString(title)
       << ". Needs PyTorch (https://pytorch.org).\n"
       << "\"\"\"A trained NetCanvas network as a PyTorch module.\n\n"
       << "    python3 "
       << "this_script.py [--input X.csv]\n\n"
       << "prints one CSV row of predictions per input row (one sample of " << features
       << " numbers per row;\n"
       << "a header row is skipped), or the module when no input is given.\n\"\"\"\n\n"
       << "import argparse\nimport array\nimport base64\nimport csv\nimport sys\n\n"
       << "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"
       << "PROJECT_NAME = " << pythonString(title) << "\n"
       << "PROJECT_DESCRIPTION = " << pythonString(project.description) << "\n"
       << "INPUT_FEATURES = " << features << "\n"
       << "OUTPUT_COLUMNS = [" << joined(columns, ", ") << "]\n\n"
       << "# state-dict key: (shape, base64 of little-endian float32, row-major)\n"
       << "WEIGHTS = {\n"
       << weightTable.str() << "}\n\n\n"
       << "class Net(nn.Module):\n"
       << "    \"\"\"The NetCanvas graph; forward() in its topological order.\"\"\"\n\n"
       << "    def __init__(self):\n"
       << "        super().__init__()\n"
       << init.str() << (init.str().empty() ? "        pass\n" : "") << "\n"
       << "    def forward(self, x):\n"
       << "        \"\"\"x: [N, INPUT_FEATURES] float32 -> raw prediction [N, " << outputs << "] ("
       << (transform == "y" ? "values" : "logits") << ").\"\"\"\n"
       << forward.str() << "        return " << vars.at(check.outputNode) << "\n\n"
       << "    def predict(self, x):\n"
       << "        \"\"\"What the loss makes of the raw prediction (" << pythonString(loss)
       << ").\"\"\"\n"
       << "        y = self.forward(x)\n"
       << "        return " << transform << "\n\n\n"
       << "def _tensor(shape, data):\n"
       << "    values = array.array(\"f\", base64.b64decode(data))\n"
       << "    if sys.byteorder == \"big\":\n"
       << "        values.byteswap()\n"
       << "    return torch.tensor(values.tolist(), dtype=torch.float32).reshape(shape)\n\n\n"
       << "def build_model():\n"
       << "    \"\"\"The network with its trained weights, in evaluation mode.\"\"\"\n"
       << "    model = Net()\n"
       << "    model.load_state_dict({key: _tensor(*value) for key, value in WEIGHTS.items()})\n"
       << "    return model.eval()\n\n\n"
       << "def read_inputs(path):\n"
       << "    rows = []\n"
       << "    with open(path, newline=\"\") as f:\n"
       << "        for number, row in enumerate(csv.reader(f), start=1):\n"
       << "            if not row or all(not field.strip() for field in row):\n"
       << "                continue\n"
       << "            try:\n"
       << "                values = [float(field) for field in row]\n"
       << "            except ValueError:\n"
       << "                if not rows:\n"
       << "                    continue  # header\n"
       << "                sys.exit(f\"{path}: row {number}: expected numbers\")\n"
       << "            if len(values) != INPUT_FEATURES:\n"
       << "                sys.exit(f\"{path}: row {number}: expected {INPUT_FEATURES} values, "
          "found {len(values)}\")\n"
       << "            rows.append(values)\n"
       << "    return torch.tensor(rows, dtype=torch.float32).reshape(len(rows), "
          "INPUT_FEATURES)\n\n\n"
       << "def main(argv=None):\n"
       << "    parser = argparse.ArgumentParser(description=f\"Run the NetCanvas network "
          "{PROJECT_NAME}.\")\n"
       << "    parser.add_argument(\"--input\", help=\"CSV of inputs, one sample per row\")\n"
       << "    args = parser.parse_args(argv)\n"
       << "    model = build_model()\n"
       << "    if not args.input:\n"
       << "        print(model)\n"
       << "        return 0\n"
       << "    with torch.no_grad():\n"
       << "        y = model.predict(read_inputs(args.input))\n"
       << "    out = csv.writer(sys.stdout, lineterminator=\"\\n\")\n"
       << "    out.writerow(OUTPUT_COLUMNS)\n"
       << "    for row in y.tolist():\n"
       << "        out.writerow([repr(v) for v in row])\n"
       << "    return 0\n\n\n"
       << "if __name__ == \"__main__\":\n"
       << "    sys.exit(main())\n";
    return py.str();
}

void exportPyTorch(
    const Project& project, const GraphContext& context, const std::filesystem::path& file)
{
    Graph graph = project.buildGraph();
    try {
        graph.compile(context, project.training.seed);
    } catch (const ShapeError& e) {
        throw InputError("nodes", e.what());
    }
    graph.setWeights(project.weights, true);
    writeFileAtomically(file, pytorchScript(graph, context, project));
}

} // namespace engine

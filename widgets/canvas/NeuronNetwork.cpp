#include "canvas/NeuronNetwork.h"

#include "data/DatasetLoading.h"
#include "data/DatasetSpec.h"
#include "data/PathConsent.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace widgets {

NeuronNetwork::NeuronNetwork() = default;
NeuronNetwork::~NeuronNetwork() = default;

bool NeuronNetwork::rebuild(const engine::Project& project,
    const std::optional<engine::GraphContext>& context, const QString& projectDir)
{
    m_graph.reset();
    m_sources.clear();
    m_units.clear();
    m_problem.clear();
    invalidate();

    const bool dataChanged = m_dataSpec.toJson() != project.dataset.toJson()
        || m_dataDir != projectDir || m_validationSplit != project.training.validationSplit
        || m_testSplit != project.training.testSplit;
    if (dataChanged) {
        m_dataSpec = project.dataset;
        m_dataDir = projectDir;
        m_validationSplit = project.training.validationSplit;
        m_testSplit = project.training.testSplit;
        m_train.reset();
        m_dataTried = false;
        m_dataProblem.clear();
    }
    m_seed = project.training.seed;
    if (context) {
        m_context = *context;
    } else if (ensureData()) {
        const engine::Dataset& d = *m_train;
        m_context = {d.inputShape, d.task == engine::TaskKind::Classification ? d.numClasses : 0,
            d.y.rows()};
    } else {
        m_problem = m_dataProblem;
        return false;
    }
    try {
        auto graph = std::make_unique<engine::Graph>(project.buildGraph());
        graph->compile(m_context, m_seed);
        m_graph = std::move(graph);
    } catch (const std::exception& e) {
        m_problem = QString::fromStdString(e.what());
        return false;
    }
    const engine::GraphCheck& check = m_graph->compiled();
    for (engine::NodeId id : m_graph->executionOrder()) {
        const auto shape = check.shapes.find(id);
        if (shape == check.shapes.end() || shape->second.rank() != 1)
            continue;
        const std::string type = m_graph->layer(id).type();
        if (type == "Dense") {
            const auto inputs = m_graph->inputsOf(id);
            if (inputs.size() != 1)
                continue;
            m_sources[id] = inputs.front();
        } else if (type != "Input") {
            continue;
        }
        m_units[id] = shape->second.size();
    }
    setWeights(project.weights);
    return true;
}

bool NeuronNetwork::hasNeurons(engine::NodeId id) const
{
    return m_units.count(id) != 0;
}

long NeuronNetwork::units(engine::NodeId id) const
{
    const auto it = m_units.find(id);
    return it == m_units.end() ? 0 : it->second;
}

bool NeuronNetwork::isDense(engine::NodeId id) const
{
    return m_sources.count(id) != 0;
}

engine::NodeId NeuronNetwork::source(engine::NodeId id) const
{
    const auto it = m_sources.find(id);
    return it == m_sources.end() ? -1 : it->second;
}

QString NeuronNetwork::activation(engine::NodeId id) const
{
    if (!m_graph || !isDense(id))
        return {};
    const nlohmann::json a = m_graph->layer(id).attributes();
    return QString::fromStdString(a.value("activation", std::string("identity")));
}

const engine::Matrix* NeuronNetwork::param(engine::NodeId node, const char* name) const
{
    if (!m_graph || !m_graph->hasNode(node))
        return nullptr;
    // params() hands out pointers into the layer; the layer is not changed through them here.
    for (const engine::Param& p : const_cast<engine::Layer&>(m_graph->layer(node)).params())
        if (p.name == name)
            return p.value;
    return nullptr;
}

double NeuronNetwork::weight(engine::NodeId node, long unit, long input) const
{
    const engine::Matrix* w = param(node, "W");
    if (!w || unit < 0 || input < 0 || unit >= w->rows() || input >= w->cols())
        return 0;
    return double((*w)(unit, input));
}

std::optional<double> NeuronNetwork::bias(engine::NodeId node, long unit) const
{
    const engine::Matrix* b = param(node, "b");
    if (!b || unit < 0 || unit >= b->size())
        return std::nullopt;
    return double(b->data()[unit]);
}

double NeuronNetwork::maxAbsWeight() const
{
    double m = 0;
    for (const auto& [id, src] : m_sources)
        if (const engine::Matrix* w = param(id, "W"); w && w->size() > 0)
            m = std::max(m, double(w->cwiseAbs().maxCoeff()));
    return m;
}

void NeuronNetwork::setWeights(const engine::WeightMap& weights)
{
    if (!m_graph)
        return;
    m_graph->setMatchingWeights(weights); // a stale entry: the node keeps what it has
    invalidate();
}

engine::WeightMap NeuronNetwork::weights() const
{
    return m_graph ? m_graph->weights() : engine::WeightMap {};
}

void NeuronNetwork::resetToInitial()
{
    if (!m_graph)
        return;
    m_graph->compile(m_context, m_seed);
    invalidate();
}

void NeuronNetwork::invalidate()
{
    m_cachedSample = -1;
    m_sampleOut.clear();
    m_gridOut.clear();
}

// --- data -------------------------------------------------------------------------------------

bool NeuronNetwork::ensureData()
{
    if (m_train)
        return true;
    if (m_dataTried)
        return false;
    m_dataTried = true;
    try {
        const std::filesystem::path dir = std::filesystem::path(
            m_dataDir.isEmpty() ? std::string(".") : m_dataDir.toStdString());
        // The same split as the training worker's, so sample i is the same point in both.
        engine::DatasetSplits splits
            = engine::splitDataset(engine::loadDataset(m_dataSpec, dir, PathConsent::policy()),
                m_validationSplit, m_testSplit, m_seed); // as DatasetCache::acquire
        m_train = std::move(splits.train);
    } catch (const engine::PathNotAllowed& e) {
        // Not read: the Dataset dock asks the user; once he allows the folder, load it then.
        m_dataTried = false;
        m_dataProblem = QString::fromStdString(e.what());
        return false;
    } catch (const std::exception& e) {
        m_dataProblem = QString::fromStdString(e.what());
        return false;
    }
    if (m_train->inputShape.size() == 2 && !m_train->empty()) {
        const engine::Matrix& x = m_train->x;
        const double x0 = x.row(0).minCoeff(), x1 = x.row(0).maxCoeff();
        const double y0 = x.row(1).minCoeff(), y1 = x.row(1).maxCoeff();
        const double mx = std::max(1e-3, 0.1 * (x1 - x0)), my = std::max(1e-3, 0.1 * (y1 - y0));
        m_xMin = x0 - mx;
        m_xMax = x1 + mx;
        m_yMin = y0 - my;
        m_yMax = y1 + my;
    }
    return true;
}

long NeuronNetwork::sampleCount()
{
    return ensureData() ? m_train->size() : 0;
}

bool NeuronNetwork::isTwoD()
{
    return ensureData() && m_train->inputShape.size() == 2;
}

std::vector<double> NeuronNetwork::sampleInput(long sample)
{
    std::vector<double> v;
    if (!ensureData() || sample < 0 || sample >= m_train->size())
        return v;
    for (long r = 0; r < m_train->x.rows(); ++r)
        v.push_back(double(m_train->x(r, sample)));
    return v;
}

std::optional<NeuronNetwork::Value> NeuronNetwork::value(
    engine::NodeId node, long unit, long sample)
{
    if (!m_graph || !hasNeurons(node) || unit < 0 || unit >= units(node) || !ensureData()
        || sample < 0 || sample >= m_train->size()
        || m_train->x.rows() != m_context.inputShape.size())
        return std::nullopt;
    if (m_cachedSample != sample) {
        m_input = m_train->x.col(sample);
        try {
            m_graph->forward(m_input, engine::Mode::Inference);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        m_sampleOut.clear();
        for (const auto& [id, n] : m_units)
            m_sampleOut[id] = m_graph->output(id);
        m_cachedSample = sample;
    }
    const engine::Matrix& out = m_sampleOut[node];
    if (out.rows() <= unit || out.cols() < 1)
        return std::nullopt;
    Value v;
    v.act = double(out(unit, 0));
    v.pre = v.act;
    if (isDense(node)) {
        const engine::Matrix& in = m_sampleOut[source(node)];
        const engine::Matrix* w = param(node, "W");
        if (!w || in.rows() != w->cols())
            return std::nullopt;
        double z = double(w->row(unit).dot(in.col(0)));
        if (const auto b = bias(node, unit))
            z += *b;
        v.pre = z;
    }
    return v;
}

GridImage NeuronNetwork::outputMap(engine::NodeId node, long unit)
{
    GridImage img;
    if (!m_graph || !hasNeurons(node) || unit < 0 || unit >= units(node) || !isTwoD()
        || m_context.inputShape.size() != 2)
        return img;
    const int n = kMapSize;
    if (m_gridOut.empty()) {
        m_input.resize(2, long(n) * n);
        for (int iy = 0; iy < n; ++iy) {
            for (int ix = 0; ix < n; ++ix) {
                m_input(0, long(iy) * n + ix)
                    = engine::Scalar(m_xMin + (ix + 0.5) * (m_xMax - m_xMin) / n);
                m_input(1, long(iy) * n + ix)
                    = engine::Scalar(m_yMin + (iy + 0.5) * (m_yMax - m_yMin) / n);
            }
        }
        try {
            m_graph->forward(m_input, engine::Mode::Inference);
        } catch (const std::exception&) {
            return img;
        }
        for (const auto& [id, count] : m_units)
            m_gridOut[id] = m_graph->output(id);
        m_cachedSample = -1; // the graph's outputs are the grid's now
    }
    const engine::Matrix& out = m_gridOut[node];
    if (out.rows() <= unit || out.cols() != long(n) * n)
        return img;
    img = {n, m_xMin, m_xMax, m_yMin, m_yMax, QVector<float>(n * n)};
    for (long j = 0; j < out.cols(); ++j)
        img.values[int(j)] = float(out(unit, j));
    return img;
}

} // namespace widgets

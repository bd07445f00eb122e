#include "training/StepThrough.h"

#include "core/Errors.h"
#include "data/Dataset.h"
#include "layers/Activation.h"
#include "layers/Dense.h"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

namespace engine {

int StepTrace::indexOf(NodeId id) const
{
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].id == id)
            return int(i);
    return -1;
}

namespace {

bool isElementwise(ActivationKind k)
{
    return k != ActivationKind::Identity && !isPerSample(k);
}

// f'(z) through the engine's own backward with dL/da = 1 (element-wise activations only).
Matrix derivativeOf(ActivationKind k, double alpha, const Matrix& z, const Matrix& a)
{
    if (!isElementwise(k))
        return {};
    const Matrix ones = Matrix::Ones(z.rows(), z.cols());
    Matrix d;
    activationBackward(k, Scalar(alpha), z, a, ones, d);
    return d;
}

} // namespace

StepThrough::StepThrough(Graph& graph)
    : m_graph(graph)
{
    if (!graph.isCompiled())
        throw std::logic_error("StepThrough needs a compiled graph");
    m_loss = Loss::create(graph.lossType());
    if (!m_loss)
        throw InputError("loss", "unknown loss '" + graph.lossType() + "'");
}

StepThrough::~StepThrough() = default;

const StepTrace& StepThrough::trace(const Dataset& data, long index)
{
    if (index < 0 || index >= data.size())
        throw InputError("sample",
            "expected a sample index from 0 to " + std::to_string(data.size() - 1) + ", got "
                + std::to_string(index));
    return trace(data.x.col(index), data.y.col(index), index);
}

const StepTrace& StepThrough::trace(const Matrix& x, const Matrix& target, long sample)
{
    const GraphCheck& check = m_graph.compiled();
    const long inputSize = check.shapes.at(check.inputNode).size();
    if (x.cols() != 1 || x.rows() != inputSize)
        throw InputError("sample",
            "expected one sample of " + std::to_string(inputSize) + " inputs, got "
                + std::to_string(x.rows()) + " x " + std::to_string(x.cols()));
    if (target.cols() != 1)
        throw InputError(
            "sample", "expected one target column, got " + std::to_string(target.cols()));

    m_traced = false;
    m_trace = StepTrace {};
    StepTrace& t = m_trace;
    t.sample = sample;
    m_x = x;
    t.x = x;
    t.target = target;
    t.lossType = m_loss->type();

    // The same sequence as Trainer::trainBatch for a batch of one.
    t.prediction = m_graph.forward(m_x, Mode::Train);
    t.loss = m_loss->value(t.prediction, target);
    m_loss->outputTransform(t.prediction, t.transformed);
    m_loss->gradient(t.prediction, target, t.gradPrediction);
    m_graph.backward(t.gradPrediction);

    std::map<NodeId, std::vector<StepParam>> params;
    for (auto& [id, p] : m_graph.nodeParams())
        params[id].push_back(StepParam {p.name, *p.value, *p.grad, {}, {}});

    for (NodeId id : m_graph.executionOrder()) {
        Layer& layer = m_graph.layer(id);
        StepNode n;
        n.id = id;
        n.name = m_graph.name(id);
        n.type = layer.type();
        n.summary = layer.summary();
        n.inputIds = m_graph.inputsOf(id);
        for (NodeId in : n.inputIds)
            n.inputs.push_back(m_graph.output(in));
        n.a = m_graph.output(id);
        if (const Matrix* g = m_graph.outputGradient(id))
            n.gradA = *g;

        if (n.type == "Input") {
            n.kind = StepNodeKind::Input;
        } else if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
            n.kind = StepNodeKind::Dense;
            n.activation = dense->activation();
            const nlohmann::json attrs = dense->attributes();
            if (auto it = attrs.find("alpha"); it != attrs.end() && it->is_number())
                n.alpha = it->get<double>();
            n.z = n.activation == ActivationKind::Identity ? n.a : dense->preActivation();
        } else if (const auto* act = dynamic_cast<const Activation*>(&layer)) {
            n.kind = StepNodeKind::Activation;
            n.activation = act->kind();
            n.alpha = act->alpha();
            if (!n.inputs.empty())
                n.z = n.inputs.front();
        }
        if (n.kind == StepNodeKind::Dense || n.kind == StepNodeKind::Activation) {
            n.derivative = derivativeOf(n.activation, n.alpha, n.z, n.a);
            if (n.gradA.size() > 0) {
                if (n.activation == ActivationKind::Identity)
                    n.gradZ = n.gradA;
                else // the layers' own backward step: same function, same arguments
                    activationBackward(n.activation, Scalar(n.alpha), n.z, n.a, n.gradA, n.gradZ);
            }
        }
        if (auto it = params.find(id); it != params.end())
            n.params = std::move(it->second);
        t.nodes.push_back(std::move(n));
    }
    m_traced = true;
    return t;
}

const StepTrace& StepThrough::update(Optimizer& optimizer, double lr)
{
    if (!m_traced)
        throw std::logic_error("StepThrough::update needs a trace() first");
    if (m_trace.updated)
        throw std::logic_error("StepThrough::update was already applied to this trace");
    const std::vector<Param> params = m_graph.params();
    optimizer.step(params, lr);

    for (auto& [id, p] : m_graph.nodeParams()) {
        const int index = m_trace.indexOf(id);
        if (index < 0)
            continue;
        for (StepParam& sp : m_trace.nodes[std::size_t(index)].params) {
            if (sp.name != p.name)
                continue;
            sp.appliedGrad = *p.grad;
            sp.updated = *p.value;
        }
    }
    m_trace.updated = true;
    m_trace.optimizer = optimizer.config().type;
    m_trace.learningRate = lr;
    m_trace.optimizerStep = optimizer.steps();
    return m_trace;
}

} // namespace engine

#include "plots/autoencoder/AutoencoderRunner.h"

#include "common/BackgroundThread.h"
#include "core/Parallel.h"
#include "data/Autoencoder.h"

#include <QPointer>
#include <QThread>

#include <string>

namespace widgets {

/// The network copy; every method runs on the runner's thread.
class AutoencoderComputer : public QObject {
public:
    void setArchitecture(const engine::Project& architecture, const engine::GraphContext& context)
    {
        m_graph.reset();
        m_weights.reset();
        m_error.clear();
        m_bottleneck = -1;
        try {
            auto g = std::make_unique<engine::Graph>(architecture.buildGraph());
            g->compile(context, architecture.training.seed);
            m_bottleneck = engine::autoencoderBottleneck(*g, g->compiled()).value_or(-1);
            m_graph = std::move(g);
        } catch (const std::exception& e) {
            m_error = QString::fromStdString(e.what());
        }
    }

    AutoencoderResult compute(
        const engine::Matrix& inputs, const std::shared_ptr<const engine::WeightMap>& weights)
    {
        AutoencoderResult r;
        r.bottleneck = m_bottleneck;
        if (!m_graph) {
            r.error = m_error.isEmpty() ? QStringLiteral("no network") : m_error;
            return r;
        }
        std::string failure;
        engine::runBesideTrainer([&] { run(inputs, weights, r, failure); });
        if (!failure.empty())
            r.error = QString::fromStdString(failure);
        return r;
    }

private:
    void run(const engine::Matrix& inputs, const std::shared_ptr<const engine::WeightMap>& weights,
        AutoencoderResult& r, std::string& failure)
    {
        try {
            if (weights && weights != m_weights) {
                m_graph->setWeights(*weights, false);
                m_weights = weights;
            }
            constexpr long kChunk = 512;
            for (long begin = 0; begin < inputs.cols(); begin += kChunk) {
                const long n = std::min(kChunk, long(inputs.cols()) - begin);
                m_chunk = inputs.middleCols(begin, n); // the graph keeps pointing at its input
                const engine::Matrix& out = m_graph->forward(m_chunk, engine::Mode::Inference);
                if (r.reconstruction.size() == 0)
                    r.reconstruction.resize(out.rows(), inputs.cols());
                r.reconstruction.middleCols(begin, n) = out;
                if (m_bottleneck >= 0) {
                    const engine::Matrix& code = m_graph->output(m_bottleneck);
                    if (r.codes.size() == 0)
                        r.codes.resize(code.rows(), inputs.cols());
                    r.codes.middleCols(begin, n) = code;
                }
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
    }

    std::unique_ptr<engine::Graph> m_graph;
    std::shared_ptr<const engine::WeightMap> m_weights;
    engine::Matrix m_chunk;
    engine::NodeId m_bottleneck = -1;
    QString m_error;
};

AutoencoderRunner::AutoencoderRunner(QObject* parent)
    : QObject(parent)
{
    m_computer = new AutoencoderComputer;
    m_thread = startBackgroundThread(this, m_computer, QStringLiteral("AutoencoderThread"));
}

AutoencoderRunner::~AutoencoderRunner()
{
    stopBackgroundThread(m_thread);
}

void AutoencoderRunner::startSession(
    std::shared_ptr<const engine::Project> architecture, const engine::GraphContext& context)
{
    ++m_session;
    m_weights.reset();
    m_inputs.reset();
    m_pending = false;
    if (!architecture)
        return;
    QMetaObject::invokeMethod(
        m_computer, [c = m_computer, arch = std::move(architecture), context] {
            c->setArchitecture(*arch, context);
        });
}

void AutoencoderRunner::clear()
{
    ++m_session;
    m_weights.reset();
    m_inputs.reset();
    m_pending = false;
}

void AutoencoderRunner::setInputs(std::shared_ptr<const engine::Matrix> inputs)
{
    m_inputs = std::move(inputs);
}

void AutoencoderRunner::setWeights(std::shared_ptr<const engine::WeightMap> weights)
{
    m_weights = std::move(weights);
}

void AutoencoderRunner::request()
{
    m_pending = true;
    dispatch();
}

void AutoencoderRunner::dispatch()
{
    if (m_busy || !m_pending || !m_weights || !m_inputs || m_inputs->cols() == 0)
        return;
    m_pending = false;
    m_busy = true;
    QPointer<AutoencoderRunner> self(this);
    QMetaObject::invokeMethod(
        m_computer, [c = m_computer, self, inputs = m_inputs, w = m_weights, session = m_session] {
            AutoencoderResult r = c->compute(*inputs, w);
            r.inputs = inputs;
            if (!self)
                return;
            QMetaObject::invokeMethod(self.data(), [self, session, r = std::move(r)] {
                if (!self)
                    return;
                self->m_busy = false;
                if (session == self->m_session)
                    emit self->resultReady(r);
                self->dispatch();
            });
        });
}

} // namespace widgets

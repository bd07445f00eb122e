#pragma once

#include "training/TrainingSnapshot.h"

#include <QObject>

#include <memory>
#include <optional>

class QThread;

namespace widgets {

class AutoencoderComputer;

/// What one pass of an autoencoder over some samples gave.
struct AutoencoderResult {
    std::shared_ptr<const engine::Matrix> inputs; ///< the samples this pass ran
    engine::Matrix reconstruction; ///< prediction, outputs x n
    engine::Matrix codes; ///< the bottleneck layer's output, units x n (empty without one)
    engine::NodeId bottleneck = -1;
    QString error; ///< non-empty when nothing could be computed
};

/// Runs the samples of a session through a private copy of its network on a background thread
/// (as FeatureMapView does), so neither the GUI nor the training worker waits: the reconstruction
/// and the bottleneck codes of the newest weights. Requests coalesce: while one pass runs, only
/// the newest is kept. Results arrive through resultReady() on the GUI thread.
class AutoencoderRunner : public QObject {
    Q_OBJECT
public:
    explicit AutoencoderRunner(QObject* parent = nullptr);
    ~AutoencoderRunner() override;

    /// A new session: rebuilds the network; earlier results and weights are dropped.
    void startSession(
        std::shared_ptr<const engine::Project> architecture, const engine::GraphContext& context);
    /// The samples (features x n) the next passes run; the weights are kept.
    void setInputs(std::shared_ptr<const engine::Matrix> inputs);
    /// Forgets the session (no more results until the next one).
    void clear();
    void setWeights(std::shared_ptr<const engine::WeightMap> weights);
    bool hasWeights() const { return m_weights != nullptr; }
    /// Runs the inputs with the latest weights (now, or when the running pass is done).
    void request();
    /// A pass runs or is queued.
    bool isBusy() const { return m_busy || m_pending; }

signals:
    void resultReady(const widgets::AutoencoderResult& result);

private:
    void dispatch();

    QThread* m_thread = nullptr;
    AutoencoderComputer* m_computer = nullptr; ///< lives in m_thread; deleted when it finishes
    std::shared_ptr<const engine::Matrix> m_inputs;
    std::shared_ptr<const engine::WeightMap> m_weights;
    int m_session = 0;
    bool m_busy = false;
    bool m_pending = false;
};

} // namespace widgets

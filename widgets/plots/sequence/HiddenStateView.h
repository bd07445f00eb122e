#pragma once

#include "plots/sequence/SequenceSampleView.h"

#include <optional>
#include <vector>

class QComboBox;
class QCPColorMap;
class QCPColorScale;

namespace widgets {

/// The hidden states h_t of one recurrent layer for one sequence: units x time steps.
struct HiddenStateLayer {
    engine::NodeId node = -1;
    QString name;
    QString type; ///< "SimpleRNN", "LSTM", "GRU"
    engine::Matrix h; ///< units x steps; column t is h_t
};

/// "Hidden state": the hidden state h_t of a recurrent layer while it reads one validation
/// sequence, as a heatmap (time across, units down) on a diverging scale fixed at [-1, 1] (every
/// cell's h is a tanh, or o * tanh for LSTM, so colours stay comparable between updates), with a
/// colour bar; hovering a cell shows t, unit and value.
///
/// The sequence is run through a private copy of the network on a background thread (see
/// SequenceSampleView) with the weights of the newest snapshot that carries them, so the view
/// follows training live without touching the trainer. Nothing is computed while hidden.
class HiddenStateView : public SequenceSampleView {
    Q_OBJECT
public:
    explicit HiddenStateView(QWidget* parent = nullptr);
    ~HiddenStateView() override;

    /// applies() when the session has sequence inputs.
    void startSession(const TrainingSessionInfo& info) override;

    QComboBox* layerChoice() const { return m_layerChoice; }

    /// Layers of the last result, in execution order.
    const std::vector<HiddenStateLayer>& layers() const { return m_layers; }
    /// The layer shown, or null.
    const HiddenStateLayer* current() const;
    /// h of `unit` at step `t` of the shown layer.
    std::optional<double> cellValue(int unit, int t) const;
    /// Tooltip text of that cell ("" outside).
    QString cellText(int unit, int t) const;

signals:
    /// A new result is shown.
    void statesUpdated();

protected:
    void submitRequest(int index) override;

private:
    void render();

    QComboBox* m_layerChoice = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    std::vector<HiddenStateLayer> m_layers;
};

} // namespace widgets

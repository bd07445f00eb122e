#pragma once

#include "TrainingSnapshot.h"

#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;
class QSpinBox;

namespace widgets {

class SequenceModelRunner;

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
/// The sequence is run through a private copy of the network on a background thread
/// (SequenceModelRunner) with the weights of the newest snapshot that carries them, so the view
/// follows training live without touching the trainer. Nothing is computed while hidden.
class HiddenStateView : public QWidget {
    Q_OBJECT
public:
    explicit HiddenStateView(QWidget* parent = nullptr);
    ~HiddenStateView() override;

    void startSession(const TrainingSessionInfo& info);
    void addSnapshot(const TrainingSnapshot& snapshot);
    /// The session has sequence inputs or a recurrent layer (the tab applies).
    bool applies() const { return m_applies; }

    void setSample(int index);
    int sampleCount() const;
    QSpinBox* sampleBox() const { return m_sampleBox; }
    QComboBox* layerChoice() const { return m_layerChoice; }
    QCustomPlot* plot() const { return m_plot; }

    /// Layers of the last result, in execution order.
    const std::vector<HiddenStateLayer>& layers() const { return m_layers; }
    /// The layer shown, or null.
    const HiddenStateLayer* current() const;
    int resultSample() const { return m_resultSample; }
    /// h of `unit` at step `t` of the shown layer.
    std::optional<double> cellValue(int unit, int t) const;
    /// Tooltip text of that cell ("" outside).
    QString cellText(int unit, int t) const;
    QString message() const;

signals:
    /// A new result is shown.
    void statesUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void request();
    void render();
    void setMessage(const QString& text);

    QSpinBox* m_sampleBox = nullptr;
    QComboBox* m_layerChoice = nullptr;
    QLabel* m_info = nullptr;
    QLabel* m_message = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    SequenceModelRunner* m_runner = nullptr;

    std::shared_ptr<const engine::Matrix> m_samples;
    bool m_applies = false;
    bool m_dirty = false;
    std::vector<HiddenStateLayer> m_layers;
    int m_resultSample = -1;
};

} // namespace widgets

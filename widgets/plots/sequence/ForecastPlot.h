#pragma once

#include "plots/sequence/SequenceSampleView.h"

#include <vector>

class QCheckBox;

namespace widgets {

/// "Forecast" (regression on sequences): the input series of one validation window, its target
/// and the model's prediction against time. Targets of k values sit after the window at
/// t = T .. T+k-1 (next-value forecasting, the "sine" framing); k = T per-step targets sit at
/// t = 1 .. T (each step predicts the next value). "All windows" instead plots prediction
/// against target over every validation window, with the diagonal a perfect model would hit.
///
/// Predictions come from a private copy of the network on a background thread (see
/// SequenceSampleView) with the newest snapshot's weights; nothing is computed while hidden.
class ForecastPlot : public SequenceSampleView {
    Q_OBJECT
public:
    explicit ForecastPlot(QWidget* parent = nullptr);
    ~ForecastPlot() override;

    /// applies() for sequence regression sessions.
    void startSession(const TrainingSessionInfo& info) override;

    void setAllWindows(bool on);
    QCheckBox* allWindowsBox() const { return m_allBox; }

    /// Last result: the window's prediction (outputs) and, with all windows, every window's
    /// first output in sample order.
    const std::vector<double>& prediction() const { return m_prediction; }
    const std::vector<double>& allPredictions() const { return m_allPredictions; }

signals:
    void forecastUpdated();

protected:
    void submitRequest(int index) override;

private:
    void render();

    QCheckBox* m_allBox = nullptr;
    std::shared_ptr<const engine::Matrix> m_targets;
    engine::FeatureScaling m_scaling;
    int m_steps = 0;
    int m_features = 0;
    std::vector<double> m_prediction;
    std::vector<double> m_allPredictions;
    bool m_resultAll = false;
};

} // namespace widgets

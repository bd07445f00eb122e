#pragma once

#include "TrainingSnapshot.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QSpinBox;

namespace widgets {

class SequenceModelRunner;

/// "Forecast" (regression on sequences): the input series of one validation window, its target
/// and the model's prediction against time. Targets of k values sit after the window at
/// t = T .. T+k-1 (next-value forecasting, the "sine" framing); k = T per-step targets sit at
/// t = 1 .. T (each step predicts the next value). "All windows" instead plots prediction
/// against target over every validation window, with the diagonal a perfect model would hit.
///
/// Predictions come from a private copy of the network on a background thread
/// (SequenceModelRunner) with the newest snapshot's weights; nothing is computed while hidden.
class ForecastPlot : public QWidget {
    Q_OBJECT
public:
    explicit ForecastPlot(QWidget* parent = nullptr);
    ~ForecastPlot() override;

    void startSession(const TrainingSessionInfo& info);
    void addSnapshot(const TrainingSnapshot& snapshot);
    /// Sequence regression session (the tab applies).
    bool applies() const { return m_applies; }

    void setSample(int index);
    void setAllWindows(bool on);
    int sampleCount() const { return m_samples ? int(m_samples->cols()) : 0; }
    QSpinBox* sampleBox() const { return m_sampleBox; }
    QCheckBox* allWindowsBox() const { return m_allBox; }
    QCustomPlot* plot() const { return m_plot; }

    /// Last result: the window's prediction (outputs) and, with all windows, every window's
    /// first output in sample order.
    const std::vector<double>& prediction() const { return m_prediction; }
    const std::vector<double>& allPredictions() const { return m_allPredictions; }
    int resultSample() const { return m_resultSample; }
    QString message() const;

signals:
    void forecastUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void request();
    void render();
    void setMessage(const QString& text);

    QSpinBox* m_sampleBox = nullptr;
    QCheckBox* m_allBox = nullptr;
    QLabel* m_info = nullptr;
    QLabel* m_message = nullptr;
    QCustomPlot* m_plot = nullptr;
    SequenceModelRunner* m_runner = nullptr;

    std::shared_ptr<const engine::Matrix> m_samples;
    std::shared_ptr<const engine::Matrix> m_targets;
    engine::FeatureScaling m_scaling;
    int m_steps = 0;
    int m_features = 0;
    bool m_applies = false;
    bool m_dirty = false;
    std::vector<double> m_prediction;
    std::vector<double> m_allPredictions;
    int m_resultSample = -1;
    bool m_resultAll = false;
};

} // namespace widgets

#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QWidget>

#include <map>

class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPTextElement;
class QCustomPlot;

namespace widgets {

/// Each layer's gradient norm, averaged over the mini-batches of an epoch, on log axes (one
/// QCustomPlot, so it exports as one picture): on the left the latest epoch's norms as bars from
/// the input side to the output, on the right one point per epoch per layer, with the legend in
/// a column of its own beside them. Vanishing gradients (deep sigmoid stacks) show as the first
/// layers' bars and curves decades below the last layer's.
class GradientFlowPlot : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit GradientFlowPlot(QWidget* parent = nullptr);
    ~GradientFlowPlot() override;

    void startSession(const TrainingSessionInfo& info) override;
    /// Adds the snapshot's finished epochs (TrainingSnapshot::epochGradients) of the current run.
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// layer,epoch,mean_gradient_norm rows: each layer's curve point by point.
    QString csvText() const override;
    QCustomPlot* picturePlot() const override;
    int seriesCount() const { return int(m_layers.size()); }
    /// Epoch points of the layer `node` (0 for a node without parameters).
    int pointCount(engine::NodeId node) const;
    /// The epoch the bars show (0 before the first epoch ended).
    int barsEpoch() const { return m_barsEpoch; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// One parametrized layer: its curve over the epochs and its bar.
    struct Layer {
        QCPGraph* curve = nullptr;
        QCPBars* bar = nullptr;
        int position = 0; ///< the bar's place, 0 = nearest the input
    };

    void clear();
    void updateBars(const EpochGradientNorms& epoch);
    void rescale();

    QCustomPlot* m_plot = nullptr;
    QCPAxisRect* m_barsRect = nullptr;
    QCPAxisRect* m_curvesRect = nullptr; ///< the plot's default axis rect
    QCPTextElement* m_barsTitle = nullptr;
    std::map<engine::NodeId, Layer> m_layers;
    int m_runId = -1;
    int m_barsEpoch = 0;
};

} // namespace widgets

#pragma once

#include "training/TrainingView.h"

#include <QWidget>

#include <map>

class QCPGraph;
class QCustomPlot;

namespace widgets {

/// Norm of each layer's parameter gradient over time on a log axis: vanishing gradients (deep
/// sigmoid stacks) show as the early layers' curves falling decades below the last layer's.
class GradientFlowPlot : public QWidget, public TrainingView {
    Q_OBJECT
public:
    explicit GradientFlowPlot(QWidget* parent = nullptr);
    ~GradientFlowPlot() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;
    int seriesCount() const { return int(m_graphs.size()); }
    int pointCount(engine::NodeId node) const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    QCustomPlot* m_plot = nullptr;
    std::map<engine::NodeId, QCPGraph*> m_graphs;
    int m_runId = -1;
};

} // namespace widgets

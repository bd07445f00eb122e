#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QWidget>

class QCheckBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;

namespace widgets {

/// For 2-D inputs: the network's prediction over the input plane (class-1 probability, predicted
/// class, or the regression surface) with the training points (filled) and test points (hollow,
/// dark outline) drawn on it, as in TensorFlow Playground. Other inputs show a short note.
class DecisionBoundaryView : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit DecisionBoundaryView(QWidget* parent = nullptr);
    ~DecisionBoundaryView() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// x1,x2,prediction rows: the prediction at the centre of every grid cell. The picture is
    /// the plot, or the whole view (its note) for data that is not 2-D.
    QString csvText() const override;
    QCustomPlot* picturePlot() const override;

    bool hasBoundary() const { return m_hasBoundary; }
    /// The map's value at an input point (nullopt before any grid).
    std::optional<double> valueAt(double x, double y) const;
    QCustomPlot* plot() const { return m_plot; }
    /// Index (in the session's training set) of the training point within `radiusPx` pixels of
    /// `pixel` (plot widget coordinates), the nearest one; -1 when there is none.
    int trainPointAt(const QPointF& pixel, double radiusPx = 8) const;
    /// Rings one training point (the step-through's sample); -1 removes the ring.
    void setMarkedSample(int trainIndex);

signals:
    /// A training point was clicked: its index in the training set (the step-through's sample).
    void sampleClicked(int trainIndex);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void addPoints(const engine::Matrix& x, const engine::Matrix& y, bool test);

    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QLabel* m_note = nullptr;
    QCheckBox* m_showTest = nullptr;
    TrainingSessionInfo m_info;
    bool m_hasBoundary = false;
    double m_targetMin = 0, m_targetMax = 1;
    int m_markedSample = -1;
};

} // namespace widgets

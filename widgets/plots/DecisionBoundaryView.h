#pragma once

#include "data/PcaPlane.h"
#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;

namespace widgets {

class PlaneChoice;
class SequenceModelRunner;

/// For 2-D inputs: the network's prediction over the input plane (class-1 probability, predicted
/// class, or the regression surface) with the training points (filled) and test points (hollow,
/// dark outline) drawn on it, as in TensorFlow Playground. Flat inputs of more features are drawn
/// on a plane the user picks (planeChooser()): the first two principal components of the
/// training inputs, or two features with the others at their mean; the points are projected
/// onto it and the network runs on the plane's grid in its own copy on a background thread.
/// Image classifiers are drawn on the PCA plane of their validation images (computed on that
/// thread too): each grid point is the image mean + a * PC1 + b * PC2, coloured by the class
/// the network predicts for it, the colour scale naming the classes. Other inputs show a note.
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
    /// Drawing on a plane through inputs of more than two features.
    bool isPlaneView() const { return m_plane.has_value(); }
    /// Drawing image inputs on their PCA plane (isPlaneView() once the plane is computed).
    bool isImagePlaneView() const { return m_imagePlane; }
    /// The plane drawn on, if any.
    const std::optional<engine::PcaPlane>& plane() const { return m_plane; }
    /// The plane's rectangle and grid the boundary is computed on (plane views only).
    const GridImage& planeFrame() const { return m_planeFrame; }
    /// Shares the chosen plane with other views (the neuron view); the view keeps a choice of
    /// its own until then. `choice` must outlive the view.
    void setPlaneChoice(PlaneChoice* choice);
    /// "PCA (first two components)", then "A vs B" for pairs of features; hidden unless a
    /// plane view.
    QComboBox* planeChooser() const { return m_planeChooser; }
    /// The plane's coordinates of the training points (for images: of the validation images)
    /// as drawn (2 x n); empty unless a plane view.
    const engine::Matrix& projectedTrainPoints() const { return m_projectedTrain; }
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
    void startPlaneSession();
    /// Entry `index` of the chooser: projects the points and asks for the boundary.
    void choosePlane(int index);
    /// Runs the network on the plane's grid with the newest weights (background thread); for
    /// images the first call computes the plane there too.
    void requestPlaneBoundary();
    /// The image plane computed: axes, points and range.
    void showImagePlane(const engine::Matrix& projected, const std::vector<int>& labels);
    /// Names the classes on the colour scale (several classes), or plain numbers.
    void labelClassScale(bool names);
    void showBoundary(const BoundaryGrid& grid);
    QString featureName(long feature) const;
    /// The feature's name and, for scaled inputs, the scale its values are on.
    QString axisTitle(long feature) const;

    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QLabel* m_note = nullptr;
    QCheckBox* m_showTest = nullptr;
    QComboBox* m_planeChooser = nullptr;
    PlaneChoice* m_choice = nullptr;
    SequenceModelRunner* m_runner = nullptr;
    std::optional<engine::PcaPlane> m_plane;
    bool m_imagePlane = false;
    engine::Matrix m_projectedTrain;
    GridImage m_planeFrame; ///< the plane's rectangle shown, and its grid size
    int m_planeRequest = 0; ///< counts plane changes, so a late answer for another plane is dropped
    TrainingSessionInfo m_info;
    bool m_hasBoundary = false;
    double m_targetMin = 0, m_targetMax = 1;
    int m_markedSample = -1;
};

} // namespace widgets

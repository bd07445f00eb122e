#pragma once

#include "data/PcaPlane.h"
#include "training/TrainingView.h"

#include <QWidget>

#include <optional>

class QComboBox;

namespace widgets {

class PlaneChoice;
class SequenceModelRunner;

/// Playground-style thumbnails: what each neuron of a small layer computes over the input plane
/// (blue negative, white zero, red positive, scaled per neuron), one row per layer. For 2-D
/// inputs the training thread sends them; flat inputs of more features are drawn on the plane
/// the boundary view draws on (a shared PlaneChoice, with a chooser here too): the network runs
/// on the plane's grid lifted back to inputs (origin + a * axis1 + b * axis2) in a copy of its
/// own on a background thread.
class NeuronView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    explicit NeuronView(QWidget* parent = nullptr);
    ~NeuronView() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;
    int layerCount() const { return int(m_layers.size()); }
    /// The thumbnails shown, one entry per layer.
    const std::vector<NeuronImages>& layers() const { return m_layers; }
    /// Drawing on a plane through inputs of more than two features.
    bool isPlaneView() const { return m_plane.has_value(); }
    const std::optional<engine::PcaPlane>& plane() const { return m_plane; }
    /// The plane's rectangle and the thumbnails' grid (plane views only).
    const GridImage& planeFrame() const { return m_frame; }
    /// The same entries as the boundary view's chooser; hidden unless a plane view.
    QComboBox* planeChooser() const { return m_chooser; }
    /// Shares the chosen plane with the boundary view; the view keeps a choice of its own until
    /// then. `choice` must outlive the view.
    void setPlaneChoice(PlaneChoice* choice);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

signals:
    /// New thumbnails are shown (from a snapshot or from a plane's evaluation).
    void neuronsShown();

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void showLayers(std::vector<NeuronImages> layers);
    void choosePlane(int index);
    /// Runs the network on the plane's grid with the newest weights (background thread).
    void requestPlaneNeurons();
    /// Height above the thumbnails: the chooser and the axes' names on a plane.
    int topBand() const;

    std::vector<NeuronImages> m_layers;
    bool m_twoD = false;
    TrainingSessionInfo m_info;
    QComboBox* m_chooser = nullptr;
    PlaneChoice* m_choice = nullptr;
    SequenceModelRunner* m_runner = nullptr;
    std::optional<engine::PcaPlane> m_plane;
    QString m_axisNames; ///< "x: PC1, y: PC2" on a plane
    GridImage m_frame;
    int m_planeRequest = 0; ///< counts plane changes, so a late answer for another plane is dropped
    /// Thumbnail side that fits the widest layer into `width` (between kMinThumb and kMaxThumb).
    int thumbFor(int width) const;
    static constexpr int kMinThumb = 16;
    static constexpr int kMaxThumb = 64;
    static constexpr int kGap = 6;
    static constexpr int kLabelWidth = 124;
    /// Cells per side of a plane's grid: the thumbnails' own resolution (as for 2-D inputs).
    static constexpr int kPlaneGrid = 32;
    static constexpr int kMaxUnits = 16;
};

} // namespace widgets

#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QString>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QHBoxLayout;
class QLabel;
class QStackedWidget;

namespace widgets {

class ConvFilterView;

/// The selected parameter tensor (a layer's weight matrix or bias) as a heatmap with a diverging
/// blue-white-red scale centred on zero and a colour bar, updated from snapshots. Hovering shows
/// the value and its (row, column); "Gradients" shows dL/dW of the last mini-batch instead.
///
/// Rows are drawn top to bottom as the engine stores them (Dense W: units x inputs). Convolution
/// kernels (ParamCopy::isConvKernel()) are drawn by a ConvFilterView instead, one small image per
/// filter, with a choice of channel (mean, side by side, or one channel).
class WeightHeatmap : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit WeightHeatmap(QWidget* parent = nullptr);
    ~WeightHeatmap() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// tensor,row,column,value rows: every cell of the colour map, each value with every digit
    /// of a float. The picture is the heatmap, or the whole view while it shows filters.
    QString csvText() const override;
    QCustomPlot* picturePlot() const override;

    /// Selects "node.param"; returns false when the last snapshot has no such tensor.
    bool selectParam(engine::NodeId node, const QString& param);
    void setShowGradients(bool on);
    bool showGradients() const;
    std::optional<engine::NodeId> selectedNode() const;

    /// The value the colour map holds at (row, col), nullopt when out of range.
    std::optional<double> cellValue(int row, int col) const;
    /// "hidden.W[2, 0] = 0.4312" for the tooltip, "" when out of range.
    QString cellText(int row, int col) const;
    QCustomPlot* plot() const { return m_plot; }
    /// Shows the selected tensor when it is a convolution kernel (else hidden and empty).
    ConvFilterView* filterView() const { return m_filters; }
    /// True when the selected tensor is drawn as filters.
    bool showsFilters() const;
    /// The channel choice of the filter view: 0 mean, 1 side by side, 2 + c channel c.
    QComboBox* channelChoice() const { return m_channelChoice; }
    /// The tensor choice ("reconstruction.W"), sized to its longest entry.
    QComboBox* tensorChoice() const { return m_choice; }

signals:
    /// The user chose another tensor (the controller copies watched nodes in large networks).
    void nodeSelected(engine::NodeId node);

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuildChoices();
    void placeInfo();
    void rebuildChannelChoices(int channels);
    void applyChannelChoice();
    /// fill() and a paced replot.
    void render();
    /// Copies the selected tensor into the colour map (or the filter view) and the caption.
    void fill();
    const ParamCopy* current() const;

    QComboBox* m_choice = nullptr;
    QCheckBox* m_gradients = nullptr;
    QLabel* m_info = nullptr;
    QWidget* m_controls = nullptr; ///< tensor and channel choices, gradients check box
    QHBoxLayout* m_infoRow = nullptr; ///< holds m_info when it does not fit beside them
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QStackedWidget* m_stack = nullptr;
    ConvFilterView* m_filters = nullptr;
    QLabel* m_channelLabel = nullptr;
    QComboBox* m_channelChoice = nullptr;
    std::vector<ParamCopy> m_params; ///< from the last snapshot that carried tensors
    int m_rows = 0, m_cols = 0;
    bool m_stale = false; ///< m_params are newer than the map: fill() before it is drawn
};

} // namespace widgets

#pragma once

#include "training/TrainingSnapshot.h"

#include <QWidget>

#include <optional>

namespace widgets {

/// A convolution layer's weights as one small image per filter: a kernelH x kernelW block of
/// cells per filter (per input channel when shown side by side), in a grid sized to the widget,
/// coloured on the diverging scale centred on zero (one range for all filters, so strengths can
/// be compared) with a colour bar on the right. Hovering shows filter, channel, row, column and
/// value. Used by WeightHeatmap when the selected tensor is a Conv2D kernel.
///
/// The view copies the tensor in setTensor(); it keeps nothing from the snapshot.
class ConvFilterView : public QWidget {
    Q_OBJECT
public:
    enum class ChannelMode {
        Mean, ///< one block per filter: the mean over input channels
        SideBySide, ///< one block per (filter, channel), the channels of a filter in a row
        Single ///< one block per filter: channel channel() only
    };
    Q_ENUM(ChannelMode)

    /// One cell under the mouse. channel is -1 in Mean mode.
    struct Cell {
        int filter = 0;
        int channel = -1;
        int row = 0;
        int col = 0;
        double value = 0;
    };

    explicit ConvFilterView(QWidget* parent = nullptr);

    /// Shows `values` (filters x (kernelH * kernelW * channels), column
    /// (kh * kernelW + kw) * channels + ci; see engine/layers/Conv2D.h). `label` names it in
    /// tooltips ("conv1.W" or "dL/dconv1.W").
    void setTensor(
        const engine::Matrix& values, int kernelH, int kernelW, int channels, const QString& label);
    void clear();
    void setChannelMode(ChannelMode mode);
    ChannelMode channelMode() const { return m_mode; }
    /// The channel shown in Single mode (clamped to the tensor's channels).
    void setChannel(int channel);
    int channel() const { return m_channel; }

    int filterCount() const { return int(m_values.rows()); }
    int channelCount() const { return m_channels; }
    int kernelHeight() const { return m_kh; }
    int kernelWidth() const { return m_kw; }
    /// Blocks drawn: filters, or filters x channels side by side.
    int tileCount() const;
    /// The colour range is [-maxAbs, maxAbs].
    double maxAbs() const { return m_maxAbs; }
    /// The value drawn for a cell (the mean over channels when channel < 0).
    double value(int filter, int channel, int row, int col) const;

    /// Widget-coordinate rectangle of a cell (channel -1 in Mean and Single modes).
    QRectF cellRect(int filter, int channel, int row, int col) const;
    std::optional<Cell> cellAt(QPointF pos) const;
    /// "conv1.W filter 3, channel 0, row 1, col 2 = 0.1234".
    QString cellText(const Cell& cell) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    /// Recomputes the grid (columns, cell size) for the current size and mode.
    void layoutTiles();
    int blockChannels() const { return m_mode == ChannelMode::SideBySide ? m_channels : 1; }
    int channelFor(int slot) const;

    engine::Matrix m_values;
    int m_kh = 0, m_kw = 0, m_channels = 0;
    QString m_label;
    double m_maxAbs = 0;
    ChannelMode m_mode = ChannelMode::Mean;
    int m_channel = 0;

    // Layout: blocks of blockChannels() sub-tiles in m_gridCols columns, origin m_origin.
    double m_cell = 1;
    int m_gridCols = 1;
    QPointF m_origin;
    QRectF m_bar;

    static constexpr double kBlockGap = 6;
    static constexpr double kChannelGap = 2;
    static constexpr double kBarArea = 76;
    static constexpr double kMargin = 6;
};

} // namespace widgets

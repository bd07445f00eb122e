#pragma once

#include "training/TrainingView.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QScrollArea;
class QSpinBox;
class QThread;

namespace widgets {

class FeatureMapComputer;
class FeatureMapGrid;

/// The activations of one layer for one input image: height x width x channels, as the engine
/// lays them out (value (y, x, c) at ((y * width) + x) * channels + c).
struct FeatureMapLayer {
    engine::NodeId node = -1;
    QString name;
    QString type;
    int height = 0;
    int width = 0;
    int channels = 0;
    std::vector<float> values;
    float minValue = 0;
    float maxValue = 0;
    float at(int y, int x, int c) const
    {
        return values[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * std::size_t(channels)
            + std::size_t(c)];
    }
};

/// "Feature maps": one image of the validation set (chosen by index, shown with its label) and
/// the activations it causes in every layer with an image-shaped output (convolution, pooling,
/// normalization), one small grey image per channel.
///
/// The network is run on a background thread owned by this view, on its own graph built from
/// TrainingSessionInfo::architecture with the weights of the latest snapshot that carried
/// TrainingSnapshot::weights, so neither the GUI thread nor the training worker waits for it.
/// Requests coalesce: while one forward pass runs, only the newest request is kept. Nothing is
/// computed while the view is hidden; it catches up when shown.
class FeatureMapView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);
    ~FeatureMapView() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// Selects the sample (index into the session's sample set) and recomputes.
    void setSample(int index);
    int sample() const;
    /// Number of samples to choose from (0 when the session has no image inputs).
    int sampleCount() const { return m_samples ? int(m_samples->cols()) : 0; }
    QSpinBox* sampleBox() const { return m_sampleBox; }

    /// Layers of the last result, in execution order.
    int layerCount() const { return int(m_layers.size()); }
    const FeatureMapLayer& layer(int i) const { return m_layers[std::size_t(i)]; }
    /// The grey image of one channel (height x width, scaled over the layer's range).
    QImage tileImage(int layer, int channel) const;
    /// A forward pass runs or is due (the shown maps may be older than the last weights).
    bool isComputing() const { return m_busy || m_dirty; }
    /// The sample the last result was computed for (-1 before any).
    int resultSample() const { return m_resultSample; }
    /// Why nothing is shown ("" when maps are shown).
    QString message() const;
    FeatureMapGrid* grid() const { return m_grid; }

signals:
    /// A new result is shown (after setSample(), new weights, or a new session).
    void mapsUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void request();
    void dispatch();
    void onResult(int sample, std::vector<FeatureMapLayer> layers, QString error);
    void showSample();
    void setMessage(const QString& text);
    /// What the view says before any session of the open project.
    static QString idleMessage();

    QSpinBox* m_sampleBox = nullptr;
    QLabel* m_image = nullptr;
    QLabel* m_caption = nullptr;
    QLabel* m_message = nullptr;
    QScrollArea* m_scroll = nullptr;
    FeatureMapGrid* m_grid = nullptr;

    QThread* m_thread = nullptr;
    FeatureMapComputer* m_computer = nullptr; ///< lives in m_thread; deleted when it finishes

    engine::Shape m_inputShape;
    std::shared_ptr<const engine::Matrix> m_samples;
    std::vector<int> m_labels;
    QStringList m_classNames;
    std::shared_ptr<const engine::WeightMap> m_weights;
    int m_sessionId = 0; ///< stale results (of an earlier session) are dropped
    bool m_busy = false; ///< a request is being computed
    bool m_dirty = false; ///< something changed since the last request
    std::vector<FeatureMapLayer> m_layers;
    std::vector<std::vector<QImage>> m_tiles;
    int m_resultSample = -1;
};

/// Paints the layers of a FeatureMapView: a caption per layer, then its channels as tiles that
/// wrap to the width. Tiles of small maps are scaled up by whole pixels.
class FeatureMapGrid : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapGrid(QWidget* parent = nullptr);
    void setLayers(
        const std::vector<FeatureMapLayer>* layers, const std::vector<std::vector<QImage>>* tiles);
    /// Drawn size of one tile of layer i: its map size times a whole scale shared by all layers.
    QSize tileSize(int layer) const;
    /// Where tile (layer, channel) is drawn, in this widget's coordinates.
    QRect tileRect(int layer, int channel) const;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    /// Lays out for `width`; returns the total height. Fills m_rects when `store`.
    int layout(int width, bool store);

    const std::vector<FeatureMapLayer>* m_layers = nullptr;
    const std::vector<std::vector<QImage>>* m_tiles = nullptr;
    std::vector<QRect> m_captions;
    std::vector<std::vector<QRect>> m_rects;
    static constexpr int kMinLargest = 48; ///< the largest map is drawn at least this wide
    static constexpr int kMinSmallest = 24; ///< the smallest map too, unless kMaxLargest forbids
    static constexpr int kMaxLargest = 128; ///< the largest map is drawn at most this wide
    static constexpr int kGap = 4;
    static constexpr int kMargin = 6;
};

} // namespace widgets

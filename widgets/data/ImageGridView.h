#pragma once

#include "data/DatasetLoader.h"

#include <QAbstractScrollArea>
#include <QCache>
#include <QImage>

namespace widgets {

/// A scrolling grid of a dataset's images, each painted from the sample's values with its class
/// label below. Only the visible cells are painted (thumbnails cached), so 70,000 images scroll
/// as smoothly as 70. Samples are numbered as in DatasetTableModel (the test split last).
class ImageGridView : public QAbstractScrollArea {
    Q_OBJECT
public:
    static constexpr int kLabelHeight = 16;
    static constexpr int kPadding = 6;

    explicit ImageGridView(QWidget* parent = nullptr);

    /// Shows the images of `data` (null or non-image data: empty grid).
    void setData(SharedSourceData data);

    /// True for data whose samples are images: shape HxWxC with C 1 or 3, or a flat vector of
    /// a square number (>= 16) of values from an image source.
    static bool isImageData(const engine::Dataset& d);
    /// {width, height, channels} of an image dataset's samples.
    static std::array<int, 3> imageGeometry(const engine::Dataset& d);

    long sampleCount() const;
    /// Thumbnail of sample `i` at the data's own resolution (grey or RGB).
    QImage image(long i) const;
    /// "Ankle boot" (or "class 9" without names).
    QString labelText(long i) const;
    /// Thumbnail side in pixels (images are scaled up to about 56 px).
    int thumbnailSide() const { return m_thumb; }
    int columns() const;
    QSize cellSize() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateScrollBars();
    std::pair<const engine::Dataset*, long> sample(long i) const;

    SharedSourceData m_data;
    std::array<int, 3> m_geometry {0, 0, 0};
    int m_thumb = 56;
    double m_lo = 0, m_hi = 1; ///< value range mapped to black..white
    mutable QCache<long, QImage> m_cache;
};

} // namespace widgets

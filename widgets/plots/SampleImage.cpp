#include "plots/SampleImage.h"

#include <cmath>

namespace widgets {

/// Grey image of an H x W x C input (mean over channels unless C is 3), scaled to its range.
QImage inputImage(const engine::Matrix& samples, long column, const engine::Shape& shape)
{
    const int h = shape[0], w = shape[1], c = shape[2];
    const auto col = samples.col(column);
    const double lo = double(col.minCoeff()), hi = double(col.maxCoeff());
    const double span = hi > lo ? hi - lo : 1.0;
    auto level = [&](double v) { return int(std::lround(255.0 * (v - lo) / span)); };
    QImage img(w, h, c == 3 ? QImage::Format_RGB32 : QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const long base = (long(y) * w + x) * c;
            if (c == 3) {
                img.setPixel(
                    x, y, qRgb(level(col(base)), level(col(base + 1)), level(col(base + 2))));
            } else {
                double sum = 0;
                for (int k = 0; k < c; ++k)
                    sum += double(col(base + k));
                img.scanLine(y)[x] = uchar(level(sum / c));
            }
        }
    }
    return img;
}

} // namespace widgets

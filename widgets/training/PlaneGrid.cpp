#include "training/PlaneGrid.h"

#include <algorithm>

namespace widgets {

engine::Matrix planeGridPoints(const GridImage& frame)
{
    const int n = frame.size;
    engine::Matrix points(2, long(n) * n);
    for (int iy = 0; iy < n; ++iy) {
        for (int ix = 0; ix < n; ++ix) {
            points(0, long(iy) * n + ix)
                = engine::Scalar(frame.xMin + (ix + 0.5) * (frame.xMax - frame.xMin) / n);
            points(1, long(iy) * n + ix)
                = engine::Scalar(frame.yMin + (iy + 0.5) * (frame.yMax - frame.yMin) / n);
        }
    }
    return points;
}

BoundaryGrid boundaryFromOutputs(const GridImage& frame, const engine::Matrix& shown,
    bool classification, double targetMin, double targetMax)
{
    BoundaryGrid g;
    g.image = frame;
    g.image.values = QVector<float>(int(shown.cols()));
    if (classification && shown.rows() > 1) {
        for (long j = 0; j < shown.cols(); ++j) {
            Eigen::Index k = 0;
            shown.col(j).maxCoeff(&k);
            g.image.values[int(j)] = float(k);
        }
        g.valueMin = 0;
        g.valueMax = std::max(1, int(shown.rows()) - 1);
        return g;
    }
    for (long j = 0; j < shown.cols(); ++j)
        g.image.values[int(j)] = float(shown(0, j));
    // Colours keep the targets' meaning: the scale is the targets' range.
    g.valueMin = classification ? 0.0 : targetMin;
    g.valueMax = classification ? 1.0 : targetMax > targetMin ? targetMax : targetMin + 1;
    return g;
}

} // namespace widgets

#include "training/PlaneGrid.h"

#include "graph/Graph.h"

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

std::vector<NeuronImages> neuronImagesOf(
    const engine::Graph& graph, const GridImage& frame, int thumbSize, int maxUnits)
{
    std::vector<NeuronImages> layers;
    const int n = frame.size;
    const int stride = std::max(1, n / thumbSize);
    const engine::GraphCheck& check = graph.compiled();
    for (engine::NodeId id : graph.executionOrder()) {
        if (id == check.outputNode || id == check.lossNode)
            continue;
        const engine::Matrix& out = graph.output(id);
        if (out.cols() != long(n) * n || out.rows() > maxUnits || out.rows() == 0)
            continue;
        NeuronImages ni;
        ni.node = id;
        ni.nodeName = QString::fromStdString(graph.name(id));
        for (long u = 0; u < out.rows(); ++u) {
            GridImage img {thumbSize, frame.xMin, frame.xMax, frame.yMin, frame.yMax,
                QVector<float>(thumbSize * thumbSize)};
            for (int iy = 0; iy < thumbSize; ++iy)
                for (int ix = 0; ix < thumbSize; ++ix)
                    img.values[iy * thumbSize + ix] = float(
                        out(u, long(iy * stride + stride / 2) * n + ix * stride + stride / 2));
            ni.units.push_back(std::move(img));
        }
        layers.push_back(std::move(ni));
    }
    return layers;
}

} // namespace widgets

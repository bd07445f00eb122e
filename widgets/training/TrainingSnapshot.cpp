#include "training/TrainingSnapshot.h"

#include "graph/Layer.h"
#include "layers/Conv2D.h"

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

/// Quantiles of at most ~4096 evenly strided values: enough for a distribution plot and cheap
/// enough to run at every snapshot.
std::vector<double> quantilesOf(const engine::Matrix& m)
{
    std::vector<double> q;
    if (m.size() == 0)
        return q;
    const long stride = std::max<long>(1, m.size() / 4096);
    std::vector<engine::Scalar> v;
    v.reserve(std::size_t(m.size() / stride + 1));
    for (long i = 0; i < m.size(); i += stride)
        v.push_back(m.data()[i]);
    for (double p : ParamCopy::kQuantiles) {
        const auto k = std::size_t(std::lround(p * double(v.size() - 1)));
        std::nth_element(v.begin(), v.begin() + long(k), v.end());
        q.push_back(double(v[k]));
    }
    return q;
}

/// Conv2D weights: filters x (KH * KW * channels per group), see engine/layers/Conv2D.h.
void setConvGeometry(ParamCopy& c, const engine::Layer& layer)
{
    if (layer.type() != "Conv2D" || c.param != QLatin1String("W"))
        return;
    const auto k = static_cast<const engine::Conv2D&>(layer).kernel();
    const long taps = long(k.h) * k.w;
    if (taps <= 0 || c.value.cols() % taps != 0)
        return;
    c.kernelH = k.h;
    c.kernelW = k.w;
    c.channels = int(c.value.cols() / taps);
}

} // namespace

ParamCopy ParamCopy::of(engine::NodeId node, const QString& nodeName, const engine::Layer& layer,
    const std::string& param, const engine::Matrix& value)
{
    ParamCopy c;
    c.node = node;
    c.nodeName = nodeName;
    c.param = QString::fromStdString(param);
    c.value = value;
    setConvGeometry(c, layer);
    c.quantiles = quantilesOf(c.value);
    return c;
}

} // namespace widgets

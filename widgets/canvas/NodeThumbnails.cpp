#include "canvas/NodeThumbnails.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "document/GraphDocument.h"
#include "layers/Conv2D.h"
#include "plots/PlotStyle.h"
#include "training/TrainingController.h"

#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

bool showsThumbnail(const std::string& type)
{
    return type == "Dense" || type == "Conv2D";
}

/// The kernel of a Conv2D record (KH x KW, or [KH, KW] in the file), with the layer's default
/// when the file leaves it out; 0 x 0 for a value the layer refuses.
engine::image::Size2 kernelOf(const engine::NodeRecord& node)
{
    engine::Conv2D conv;
    try {
        conv.setAttributes(node.attributes);
    } catch (const std::exception&) {
        return {0, 0};
    }
    return conv.kernel();
}

double maxAbsOf(const engine::Matrix& m)
{
    double a = 0;
    for (long i = 0; i < m.size(); ++i) {
        const double v = double(m.data()[i]);
        if (std::isfinite(v))
            a = std::max(a, std::abs(v));
    }
    return a > 0 ? a : 1e-6;
}

QRgb colourOf(double v, double maxAbs)
{
    return std::isfinite(v) ? plotstyle::divergingAt(v / maxAbs).rgb() : qRgb(0x20, 0x20, 0x20);
}

} // namespace

NodeThumbnails::NodeThumbnails(CanvasScene* scene, QObject* parent)
    : QObject(parent)
    , m_scene(scene)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &NodeThumbnails::apply);
    GraphDocument* doc = scene->document();
    // Queued behind the scene's own slots, which create the cards these thumbnails go on.
    connect(doc, &GraphDocument::reset, this, [this] {
        m_weights.clear();
        QTimer::singleShot(0, this, &NodeThumbnails::takeDocumentWeights);
    });
    connect(doc, &GraphDocument::weightsChanged, this, &NodeThumbnails::takeDocumentWeights);
    auto forget = [this](engine::NodeId id) {
        m_weights.erase(id);
        if (m_scene)
            if (LayerNodeItem* item = m_scene->nodeItem(id))
                item->setThumbnail({});
    };
    // A changed layer has new weight shapes: its old picture would mislead.
    connect(doc, &GraphDocument::attributesChanged, this, forget);
    connect(doc, &GraphDocument::nodeRemoved, this, forget);
    takeDocumentWeights();
}

void NodeThumbnails::setController(TrainingController* controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (controller)
        connect(controller, &TrainingController::snapshotReady, this, &NodeThumbnails::addSnapshot);
}

void NodeThumbnails::setEnabled(bool on)
{
    if (m_enabled == on)
        return;
    m_enabled = on;
    if (on) {
        apply();
        return;
    }
    m_timer->stop();
    if (!m_scene)
        return;
    for (const auto& [id, w] : m_weights)
        if (LayerNodeItem* item = m_scene->nodeItem(id))
            item->setThumbnail({});
}

void NodeThumbnails::takeDocumentWeights()
{
    if (!m_scene)
        return;
    const GraphDocument* doc = m_scene->document();
    bool any = false;
    for (const auto& [id, params] : doc->weights()) {
        const engine::NodeRecord* node = doc->node(id);
        const auto w = params.find("W");
        if (!node || !showsThumbnail(node->type) || w == params.end())
            continue;
        m_weights[id] = w->second;
        any = true;
    }
    if (any)
        apply();
}

void NodeThumbnails::addSnapshot(const TrainingSnapshot& s)
{
    if (!m_scene)
        return;
    const GraphDocument* doc = m_scene->document();
    bool any = false;
    for (const ParamCopy& p : s.params) {
        const engine::NodeRecord* node = doc->node(p.node);
        if (p.param != QLatin1String("W") || !node || !showsThumbnail(node->type))
            continue;
        m_weights[p.node] = p.value;
        any = true;
    }
    if (!any)
        return;
    if (s.trigger != SnapshotTrigger::Progress)
        apply();
    else
        applySoon();
}

void NodeThumbnails::applySoon()
{
    m_pending = true;
    if (m_timer->isActive())
        return;
    const qint64 since = m_sinceApply.isValid() ? m_sinceApply.elapsed() : kIntervalMs;
    if (since >= kIntervalMs)
        apply();
    else
        m_timer->start(int(kIntervalMs - since));
}

void NodeThumbnails::apply()
{
    m_timer->stop();
    m_pending = false;
    if (!m_enabled || !m_scene)
        return;
    const GraphDocument* doc = m_scene->document();
    for (const auto& [id, w] : m_weights) {
        LayerNodeItem* item = m_scene->nodeItem(id);
        const engine::NodeRecord* node = doc->node(id);
        if (!item || !node || w.size() == 0)
            continue;
        QImage image;
        if (node->type == "Conv2D") {
            const engine::image::Size2 k = kernelOf(*node);
            const long taps = long(k.h) * k.w;
            if (taps > 0 && w.cols() % taps == 0)
                image = renderFilters(w, k.h, k.w, int(w.cols() / taps));
        } else {
            image = renderMatrix(w);
        }
        item->setThumbnail(image);
    }
    m_sinceApply.restart();
    ++m_applyCount;
}

QImage NodeThumbnails::renderMatrix(const engine::Matrix& w)
{
    if (w.size() == 0)
        return {};
    // Block means down to at most one value per pixel, then nearest-neighbour up to the band.
    const long rows = std::min<long>(w.rows(), kImageHeight);
    const long cols = std::min<long>(w.cols(), kImageWidth);
    engine::Matrix reduced(rows, cols);
    for (long r = 0; r < rows; ++r) {
        const long r0 = r * w.rows() / rows, r1 = std::max(r0 + 1, (r + 1) * w.rows() / rows);
        for (long c = 0; c < cols; ++c) {
            const long c0 = c * w.cols() / cols, c1 = std::max(c0 + 1, (c + 1) * w.cols() / cols);
            reduced(r, c) = w.block(r0, c0, r1 - r0, c1 - c0).mean();
        }
    }
    const double maxAbs = maxAbsOf(reduced);
    QImage image(kImageWidth, kImageHeight, QImage::Format_RGB32);
    for (int y = 0; y < kImageHeight; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        const long r = long(y) * rows / kImageHeight;
        for (int x = 0; x < kImageWidth; ++x)
            line[x] = colourOf(double(reduced(r, long(x) * cols / kImageWidth)), maxAbs);
    }
    return image;
}

QImage NodeThumbnails::renderFilters(
    const engine::Matrix& w, int kernelH, int kernelW, int channels)
{
    const int n = int(w.rows());
    if (n == 0 || kernelH <= 0 || kernelW <= 0 || channels <= 0
        || w.cols() != long(kernelH) * kernelW * channels)
        return {};
    constexpr int kGap = 2;
    int bestCols = 1, cell = 0;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const int s = std::min((kImageWidth - (cols - 1) * kGap) / (cols * kernelW),
            (kImageHeight - (rows - 1) * kGap) / (rows * kernelH));
        if (s > cell) {
            cell = s;
            bestCols = cols;
        }
    }
    QImage image(kImageWidth, kImageHeight, QImage::Format_RGB32);
    image.fill(Qt::white);
    engine::Matrix mean(n, long(kernelH) * kernelW);
    for (long k = 0; k < mean.cols(); ++k)
        mean.col(k) = w.middleCols(k * channels, channels).rowwise().mean();
    const double maxAbs = maxAbsOf(mean);
    cell = std::max(cell, 1);
    const int gridRows = (n + bestCols - 1) / bestCols;
    const int usedW = bestCols * kernelW * cell + (bestCols - 1) * kGap;
    const int usedH = gridRows * kernelH * cell + (gridRows - 1) * kGap;
    const int x0 = std::max(0, (kImageWidth - usedW) / 2);
    const int y0 = std::max(0, (kImageHeight - usedH) / 2);
    QPainter p(&image);
    for (int f = 0; f < n; ++f) {
        const int tx = x0 + (f % bestCols) * (kernelW * cell + kGap);
        const int ty = y0 + (f / bestCols) * (kernelH * cell + kGap);
        for (int r = 0; r < kernelH; ++r)
            for (int c = 0; c < kernelW; ++c)
                p.fillRect(QRect(tx + c * cell, ty + r * cell, cell, cell),
                    QColor::fromRgb(colourOf(double(mean(f, long(r) * kernelW + c)), maxAbs)));
    }
    return image;
}

} // namespace widgets

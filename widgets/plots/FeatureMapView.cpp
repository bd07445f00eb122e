#include "plots/FeatureMapView.h"

#include "common/BackgroundThread.h"
#include "core/Parallel.h"
#include "plots/NetworkCopy.h"
#include "plots/SampleImage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QScrollArea>
#include <QSpinBox>
#include <QThread>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace widgets {

/// Owns a private copy of the network on the view's background thread. Every method runs on
/// that thread (called through QMetaObject::invokeMethod).
class FeatureMapComputer : public QObject {
public:
    /// Builds and compiles the graph of `architecture` (see NetworkCopy).
    void setArchitecture(const engine::Project& architecture, const engine::GraphContext& context)
    {
        m_network.setArchitecture(architecture, context);
    }

    /// Runs `input` (one column) through the graph with `weights` (when not null and new).
    std::vector<FeatureMapLayer> compute(const engine::Matrix& input,
        const std::shared_ptr<const engine::WeightMap>& weights, QString& error)
    {
        std::vector<FeatureMapLayer> layers;
        engine::Graph* graph = m_network.graph();
        if (!graph) {
            error = m_network.error();
            return layers;
        }
        try {
            m_network.applyWeights(weights);
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
            return layers;
        }
        m_input = input; // the graph keeps pointing at its input after forward()
        std::string failure;
        engine::runBesideTrainer([&] { forward(failure); });
        if (!failure.empty()) {
            error = QString::fromStdString(failure);
            return layers;
        }
        const engine::GraphCheck& check = graph->compiled();
        for (engine::NodeId id : graph->executionOrder()) {
            if (id == check.inputNode)
                continue;
            const auto shape = check.shapes.find(id);
            if (shape == check.shapes.end() || shape->second.rank() != 3)
                continue;
            const engine::Matrix& out = graph->output(id);
            const engine::Shape& s = shape->second;
            FeatureMapLayer l;
            l.node = id;
            l.name = QString::fromStdString(graph->name(id));
            l.type = QString::fromStdString(graph->layer(id).type());
            l.height = s[0];
            l.width = s[1];
            l.channels = s[2];
            if (out.rows() != s.size() || out.cols() < 1)
                continue;
            l.values.resize(std::size_t(out.rows()));
            for (long i = 0; i < out.rows(); ++i)
                l.values[std::size_t(i)] = float(out(i, 0));
            const auto [lo, hi] = std::minmax_element(l.values.begin(), l.values.end());
            l.minValue = *lo;
            l.maxValue = *hi;
            layers.push_back(std::move(l));
        }
        return layers;
    }

private:
    void forward(std::string& failure)
    {
        try {
            m_network.graph()->forward(m_input, engine::Mode::Inference);
        } catch (const std::exception& e) {
            failure = e.what();
        }
    }

    NetworkCopy m_network;
    engine::Matrix m_input;
};

namespace {

/// One channel as grey, black = min(0, layer minimum), white = layer maximum: one range per
/// layer keeps weak channels dim.
QImage channelImage(const FeatureMapLayer& l, int channel)
{
    QImage img(l.width, l.height, QImage::Format_Grayscale8);
    const double lo = std::min(0.0, double(l.minValue));
    const double span = double(l.maxValue) > lo ? double(l.maxValue) - lo : 1.0;
    for (int y = 0; y < l.height; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < l.width; ++x) {
            const double v = double(l.at(y, x, channel));
            line[x] = std::isfinite(v)
                ? uchar(std::clamp(int(std::lround(255.0 * (v - lo) / span)), 0, 255))
                : uchar(0);
        }
    }
    return img;
}

} // namespace

FeatureMapView::FeatureMapView(QWidget* parent)
    : QWidget(parent)
{
    m_sampleBox = new QSpinBox(this);
    m_sampleBox->setRange(0, 0);
    m_sampleBox->setEnabled(false);
    m_sampleBox->setToolTip(tr("Index of the image in the validation set"));
    auto* sampleLabel = new QLabel(tr("&Sample:"), this);
    sampleLabel->setBuddy(m_sampleBox);
    m_image = new QLabel(this);
    m_image->setFixedSize(56, 56);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setFrameShape(QFrame::StyledPanel);
    m_caption = new QLabel(this);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* top = new QHBoxLayout;
    top->addWidget(sampleLabel);
    top->addWidget(m_sampleBox);
    top->addWidget(m_image);
    top->addWidget(m_caption, 1);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_grid = new FeatureMapGrid(this);
    m_grid->setLayers(&m_layers, &m_tiles);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_grid);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_scroll, 1);
    setMessage(idleMessage());

    connect(m_sampleBox, &QSpinBox::valueChanged, this, [this] {
        showSample();
        request();
    });

    m_computer = new FeatureMapComputer;
    m_thread = startBackgroundThread(this, m_computer, QStringLiteral("FeatureMapThread"));
}

FeatureMapView::~FeatureMapView()
{
    stopBackgroundThread(m_thread);
}

void FeatureMapView::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString FeatureMapView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void FeatureMapView::startSession(const TrainingSessionInfo& info)
{
    ++m_sessionId;
    m_layers.clear();
    m_tiles.clear();
    m_resultSample = -1;
    m_weights.reset();
    m_grid->setLayers(&m_layers, &m_tiles);
    m_classNames = info.classNames;
    if (!info.architecture || !info.samples || info.samples->cols() == 0
        || info.context.inputShape.rank() != 3) {
        m_samples.reset();
        m_labels.clear();
        m_inputShape = {};
        m_sampleBox->setEnabled(false);
        m_image->clear();
        m_caption->clear();
        setMessage(tr("Feature maps need image inputs (height x width x channels); this "
                      "project's inputs are not images."));
        return;
    }
    m_inputShape = info.context.inputShape;
    m_samples = info.samples;
    m_labels = info.sampleLabels;
    {
        QSignalBlocker block(m_sampleBox);
        m_sampleBox->setRange(0, int(m_samples->cols()) - 1);
        m_sampleBox->setEnabled(true);
    }
    m_sampleBox->setToolTip(tr("Index of the image in the %1 set (%2 images)")
                                .arg(info.sampleSetName)
                                .arg(info.sampleSetSize));
    setMessage(tr("Waiting for the weights…"));
    QMetaObject::invokeMethod(
        m_computer, [c = m_computer, arch = info.architecture, ctx = info.context] {
            c->setArchitecture(*arch, ctx);
        });
    showSample();
}

QString FeatureMapView::idleMessage()
{
    return tr("Train or step the network once: the feature maps show what each convolution "
              "and pooling layer makes of one image of the validation set.");
}

void FeatureMapView::clearForProject(const ProjectIdentity&)
{
    startSession({});
    setMessage(idleMessage());
}

void FeatureMapView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || sampleCount() == 0)
        return;
    m_weights = s.weights;
    request();
}

void FeatureMapView::setSample(int index)
{
    m_sampleBox->setValue(index);
}

int FeatureMapView::sample() const
{
    return m_sampleBox->value();
}

void FeatureMapView::showSample()
{
    const int i = m_sampleBox->value();
    if (i < 0 || i >= sampleCount())
        return;
    m_image->setPixmap(
        QPixmap::fromImage(inputImage(*m_samples, i, m_inputShape))
            .scaled(m_image->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::FastTransformation));
    const int label = i < int(m_labels.size()) ? m_labels[std::size_t(i)] : -1;
    QString text
        = tr("%1 x %2 x %3 image").arg(m_inputShape[0]).arg(m_inputShape[1]).arg(m_inputShape[2]);
    if (label >= 0)
        text += tr(", label: %1")
                    .arg(label < m_classNames.size()
                            ? QStringLiteral("%1 (%2)").arg(m_classNames[label]).arg(label)
                            : QString::number(label));
    m_caption->setText(text);
}

void FeatureMapView::request()
{
    m_dirty = true;
    if (isVisible())
        dispatch();
}

void FeatureMapView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        dispatch();
}

void FeatureMapView::dispatch()
{
    if (m_busy || !m_dirty || !m_weights || sampleCount() == 0)
        return;
    const int i = m_sampleBox->value();
    if (i < 0 || i >= sampleCount())
        return;
    m_dirty = false;
    m_busy = true;
    engine::Matrix input = m_samples->col(i);
    QPointer<FeatureMapView> self(this);
    QMetaObject::invokeMethod(m_computer,
        [c = m_computer, self, input = std::move(input), w = m_weights, i, id = m_sessionId] {
            QString error;
            std::vector<FeatureMapLayer> layers = c->compute(input, w, error);
            if (!self)
                return;
            QMetaObject::invokeMethod(
                self.data(), [self, i, id, layers = std::move(layers), error]() mutable {
                    if (!self)
                        return;
                    self->m_busy = false;
                    if (id == self->m_sessionId)
                        self->onResult(i, std::move(layers), error);
                    self->dispatch();
                });
        });
}

void FeatureMapView::onResult(int sample, std::vector<FeatureMapLayer> layers, QString error)
{
    if (!error.isEmpty()) {
        setMessage(tr("Cannot compute the feature maps: %1").arg(error));
        return;
    }
    m_layers = std::move(layers);
    m_tiles.clear();
    for (const FeatureMapLayer& l : m_layers) {
        std::vector<QImage> images;
        images.reserve(std::size_t(l.channels));
        for (int c = 0; c < l.channels; ++c)
            images.push_back(channelImage(l, c));
        m_tiles.push_back(std::move(images));
    }
    m_resultSample = sample;
    setMessage(
        m_layers.empty() ? tr("No layer of this network has an image-shaped output.") : QString());
    m_grid->setLayers(&m_layers, &m_tiles);
    emit mapsUpdated();
}

QImage FeatureMapView::tileImage(int layer, int channel) const
{
    if (layer < 0 || layer >= int(m_tiles.size()) || channel < 0
        || channel >= int(m_tiles[std::size_t(layer)].size()))
        return {};
    return m_tiles[std::size_t(layer)][std::size_t(channel)];
}

// --- FeatureMapGrid -------------------------------------------------------------------------

FeatureMapGrid::FeatureMapGrid(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void FeatureMapGrid::setLayers(
    const std::vector<FeatureMapLayer>* layers, const std::vector<std::vector<QImage>>* tiles)
{
    m_layers = layers;
    m_tiles = tiles;
    setMinimumHeight(layout(width(), true));
    updateGeometry();
    update();
}

QSize FeatureMapGrid::tileSize(int i) const
{
    // One whole scale for every layer, so a map's drawn size is proportional to its resolution
    // (a 13 x 13 pooled map half the size of the 26 x 26 map it pools): large enough for the
    // largest map to read and the smallest to show its pixels, and no larger than kMaxLargest.
    int largest = 1, smallest = std::numeric_limits<int>::max();
    for (const FeatureMapLayer& m : *m_layers) {
        largest = std::max(largest, std::max(m.height, m.width));
        smallest = std::min(smallest, std::max(1, std::max(m.height, m.width)));
    }
    const auto ceilDiv = [](int a, int b) { return (a + b - 1) / b; };
    const int wanted = std::max(
        ceilDiv(kMinLargest, largest), ceilDiv(kMinSmallest, std::min(smallest, largest)));
    const int scale = std::max(1, std::min(wanted, kMaxLargest / largest));
    const FeatureMapLayer& l = (*m_layers)[std::size_t(i)];
    return {l.width * scale, l.height * scale};
}

QRect FeatureMapGrid::tileRect(int layer, int channel) const
{
    if (layer < 0 || layer >= int(m_rects.size()) || channel < 0
        || channel >= int(m_rects[std::size_t(layer)].size()))
        return {};
    return m_rects[std::size_t(layer)][std::size_t(channel)];
}

int FeatureMapGrid::layout(int width, bool store)
{
    if (store) {
        m_captions.clear();
        m_rects.clear();
    }
    if (!m_layers)
        return 0;
    const int lineH = fontMetrics().height() + 4;
    int y = kMargin;
    for (int i = 0; i < int(m_layers->size()); ++i) {
        const QSize t = tileSize(i);
        if (store)
            m_captions.emplace_back(kMargin, y, std::max(10, width - 2 * kMargin), lineH);
        y += lineH;
        const int perRow = std::max(1, (width - 2 * kMargin + kGap) / (t.width() + kGap));
        const FeatureMapLayer& l = (*m_layers)[std::size_t(i)];
        std::vector<QRect> rects;
        for (int c = 0; c < l.channels; ++c) {
            const int gx = c % perRow, gy = c / perRow;
            rects.emplace_back(kMargin + gx * (t.width() + kGap), y + gy * (t.height() + kGap),
                t.width(), t.height());
        }
        const int rows = (l.channels + perRow - 1) / perRow;
        y += rows * (t.height() + kGap) + kGap;
        if (store)
            m_rects.push_back(std::move(rects));
    }
    return y + kMargin;
}

int FeatureMapGrid::heightForWidth(int width) const
{
    return const_cast<FeatureMapGrid*>(this)->layout(width, false);
}

QSize FeatureMapGrid::sizeHint() const
{
    return {360, heightForWidth(360)};
}

void FeatureMapGrid::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const int h = layout(width(), true);
    // QScrollArea sizes its widget to the viewport; the minimum height makes it scroll.
    if (minimumHeight() != h)
        setMinimumHeight(h);
}

void FeatureMapGrid::paintEvent(QPaintEvent*)
{
    if (!m_layers)
        return;
    if (m_rects.size() != m_layers->size())
        layout(width(), true);
    QPainter p(this);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const QColor frame(0xb0, 0xb5, 0xbb);
    for (int i = 0; i < int(m_layers->size()); ++i) {
        const FeatureMapLayer& l = (*m_layers)[std::size_t(i)];
        p.setPen(palette().color(QPalette::Text));
        const QString caption = tr("%1 (%2): %3 x %4 x %5, range %6 .. %7")
                                    .arg(l.name, l.type)
                                    .arg(l.height)
                                    .arg(l.width)
                                    .arg(l.channels)
                                    .arg(double(l.minValue), 0, 'g', 3)
                                    .arg(double(l.maxValue), 0, 'g', 3);
        const QRect cap = m_captions[std::size_t(i)];
        p.drawText(cap, Qt::AlignLeft | Qt::AlignVCenter,
            fontMetrics().elidedText(caption, Qt::ElideRight, cap.width()));
        const auto& rects = m_rects[std::size_t(i)];
        for (int c = 0; c < int(rects.size()); ++c) {
            if (m_tiles && i < int(m_tiles->size()) && c < int((*m_tiles)[std::size_t(i)].size()))
                p.drawImage(rects[std::size_t(c)], (*m_tiles)[std::size_t(i)][std::size_t(c)]);
            p.setPen(QPen(frame, 0));
            p.drawRect(QRectF(rects[std::size_t(c)]).adjusted(-0.5, -0.5, 0.5, 0.5));
        }
    }
}

void FeatureMapGrid::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    for (int i = 0; i < int(m_rects.size()); ++i) {
        for (int c = 0; c < int(m_rects[std::size_t(i)].size()); ++c) {
            const QRect r = m_rects[std::size_t(i)][std::size_t(c)];
            if (!r.contains(pos))
                continue;
            const FeatureMapLayer& l = (*m_layers)[std::size_t(i)];
            const QSize t = tileSize(i);
            const int x = (pos.x() - r.left()) * l.width / std::max(1, t.width());
            const int y = (pos.y() - r.top()) * l.height / std::max(1, t.height());
            QToolTip::showText(event->globalPosition().toPoint(),
                tr("%1 channel %2, row %3, col %4 = %5")
                    .arg(l.name)
                    .arg(c)
                    .arg(y)
                    .arg(x)
                    .arg(double(l.at(y, x, c)), 0, 'g', 4),
                this);
            return;
        }
    }
    QToolTip::hideText();
}

} // namespace widgets

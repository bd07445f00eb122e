#include "plots/autoencoder/ReconstructionView.h"

#include "data/Autoencoder.h"
#include "plots/autoencoder/AutoencoderRunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace widgets {

namespace {

/// {width, height, channels} of image-like inputs, or zeros.
std::array<int, 3> geometryOf(const engine::Shape& s)
{
    if (s.rank() == 3 && (s[2] == 1 || s[2] == 3))
        return {s[1], s[0], s[2]};
    if (s.rank() == 1) {
        const int side = int(std::lround(std::sqrt(double(s[0]))));
        if (side >= 4 && side * side == s[0])
            return {side, side, 1};
    }
    return {0, 0, 0};
}

} // namespace

ReconstructionView::ReconstructionView(QWidget* parent)
    : QWidget(parent)
    , m_runner(new AutoencoderRunner(this))
    , m_mse(std::numeric_limits<double>::quiet_NaN())
{
    m_first = new QSpinBox(this);
    m_first->setRange(0, 0);
    m_first->setEnabled(false);
    m_first->setToolTip(tr("Index of the first image shown, in the validation set"));
    auto* firstLabel = new QLabel(tr("&First image:"), this);
    firstLabel->setBuddy(m_first);
    m_caption = new QLabel(this);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* top = new QHBoxLayout;
    top->addWidget(firstLabel);
    top->addWidget(m_first);
    top->addSpacing(8);
    top->addWidget(m_caption, 1);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_strip = new ReconstructionStrip(this);
    m_strip->setRows(&m_rowTitles, &m_rows, &m_captions);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_strip);
    layout->addStretch(1);
    setMessage(idleMessage());

    connect(m_first, &QSpinBox::valueChanged, this, [this] {
        selectSamples();
        request();
    });
    connect(m_runner, &AutoencoderRunner::resultReady, this, &ReconstructionView::onResult);
}

ReconstructionView::~ReconstructionView() = default;

bool ReconstructionView::appliesTo(const TrainingSessionInfo& info)
{
    if (!info.architecture || !info.samples || !info.cleanSamples || info.samples->cols() == 0)
        return false;
    const std::array<int, 3> g = geometryOf(info.context.inputShape);
    return g[0] > 0 && info.cleanSamples->rows() == info.samples->rows()
        && info.context.targetRows == info.samples->rows();
}

void ReconstructionView::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString ReconstructionView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ReconstructionView::startSession(const TrainingSessionInfo& info)
{
    m_rows.clear();
    m_rowTitles.clear();
    m_captions.clear();
    m_reconstruction.resize(0, 0);
    m_mse = std::numeric_limits<double>::quiet_NaN();
    m_dirty = false;
    if (!appliesTo(info)) {
        m_samples.reset();
        m_clean.reset();
        m_runner->clear();
        m_first->setEnabled(false);
        m_caption->clear();
        m_strip->setRows(&m_rowTitles, &m_rows, &m_captions);
        setMessage(tr("Reconstructions need an autoencoder on images: a project whose dataset "
                      "option \"target\" is \"input\"."));
        return;
    }
    m_samples = info.samples;
    m_clean = info.cleanSamples;
    m_architecture = info.architecture;
    m_context = info.context;
    m_labels = info.sampleLabels;
    m_classNames = info.classNames;
    m_geometry = geometryOf(info.context.inputShape);
    // One fixed grey scale for every image: a too dark or too pale reconstruction stays visible.
    m_lo = m_clean->minCoeff();
    m_hi = m_clean->maxCoeff();
    m_denoising = !m_samples->isApprox(*m_clean);
    m_rowTitles = m_denoising
        ? QStringList {tr("Noisy input"), tr("Original"), tr("Reconstruction")}
        : QStringList {tr("Original"), tr("Reconstruction")};
    {
        const QSignalBlocker block(m_first);
        m_first->setRange(0, std::max(0, int(m_samples->cols()) - kShown));
        m_first->setValue(0);
        m_first->setEnabled(m_samples->cols() > kShown);
    }
    m_first->setToolTip(tr("Index of the first image shown, in the %1 set (%2 images)")
                            .arg(info.sampleSetName)
                            .arg(info.sampleSetSize));
    setMessage({});
    m_runner->startSession(m_architecture, m_context);
    selectSamples();
}

void ReconstructionView::selectSamples()
{
    if (!m_samples)
        return;
    const long first = std::min<long>(m_first->value(), m_samples->cols() - 1);
    const long n = std::min<long>(kShown, m_samples->cols() - first);
    m_shownClean = m_clean->middleCols(first, n);
    auto inputs = std::make_shared<const engine::Matrix>(m_samples->middleCols(first, n));
    m_rows.assign(std::size_t(m_rowTitles.size()), {});
    m_captions.clear();
    for (long i = 0; i < n; ++i) {
        if (m_denoising)
            m_rows[0].push_back(toImage(inputs->col(i)));
        m_rows[m_denoising ? 1 : 0].push_back(toImage(m_shownClean.col(i)));
        const std::size_t k = std::size_t(first + i);
        const int label = k < m_labels.size() ? m_labels[k] : -1;
        m_captions << (label < 0              ? QStringLiteral("#%1").arg(first + i)
                : label < m_classNames.size() ? m_classNames[label]
                                              : QString::number(label));
    }
    m_reconstruction.resize(0, 0);
    m_mse = std::numeric_limits<double>::quiet_NaN();
    m_caption->setText(m_runner->hasWeights() ? tr("Computing…") : tr("Waiting for the weights…"));
    m_strip->setRows(&m_rowTitles, &m_rows, &m_captions);
    m_shownInputs = inputs;
    m_runner->setInputs(std::move(inputs));
}

QString ReconstructionView::idleMessage()
{
    return tr("Train an autoencoder (a network whose target is its own input) to see its "
              "reconstructions of validation images here.");
}

void ReconstructionView::clearForProject(const ProjectIdentity&)
{
    startSession({});
    setMessage(idleMessage());
}

void ReconstructionView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || !m_samples)
        return;
    m_runner->setWeights(s.weights);
    request();
}

void ReconstructionView::request()
{
    m_dirty = true;
    if (isVisible() && m_runner->hasWeights()) {
        m_dirty = false;
        m_runner->request();
    }
}

void ReconstructionView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        request();
}

void ReconstructionView::setFirstSample(int index)
{
    m_first->setValue(index);
}

int ReconstructionView::firstSample() const
{
    return m_first->value();
}

int ReconstructionView::shownCount() const
{
    return m_samples ? int(m_shownClean.cols()) : 0;
}

QStringList ReconstructionView::rowTitles() const
{
    return m_rowTitles;
}

const std::vector<QImage>& ReconstructionView::rowImages(int row) const
{
    static const std::vector<QImage> none;
    return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)] : none;
}

engine::Matrix ReconstructionView::reconstruction(int i) const
{
    if (i < 0 || i >= m_reconstruction.cols())
        return {};
    return m_reconstruction.col(i);
}

void ReconstructionView::onResult(const AutoencoderResult& r)
{
    if (r.inputs != m_shownInputs)
        return; // computed for images no longer shown; the newer request follows
    if (!r.error.isEmpty()) {
        setMessage(tr("Cannot compute the reconstructions: %1").arg(r.error));
        return;
    }
    if (r.reconstruction.rows() != m_shownClean.rows()
        || r.reconstruction.cols() != m_shownClean.cols()) {
        setMessage(tr("The network's output (%1 values) does not match the image size (%2).")
                       .arg(r.reconstruction.rows())
                       .arg(m_shownClean.rows()));
        return;
    }
    setMessage({});
    m_reconstruction = r.reconstruction;
    m_mse = engine::reconstructionMse(m_reconstruction, m_shownClean);
    std::vector<QImage>& row = m_rows.back();
    row.clear();
    for (long i = 0; i < m_reconstruction.cols(); ++i)
        row.push_back(toImage(m_reconstruction.col(i)));
    m_caption->setText(
        tr("Mean squared error of these %n image(s): %1", nullptr, int(m_reconstruction.cols()))
            .arg(m_mse, 0, 'f', 4));
    m_strip->setRows(&m_rowTitles, &m_rows, &m_captions);
    emit reconstructionsUpdated();
}

QImage ReconstructionView::toImage(const engine::Matrix& column) const
{
    const auto [w, h, c] = m_geometry;
    const double span = m_hi > m_lo ? double(m_hi - m_lo) : 1.0;
    auto level = [&](long i) {
        const double v = double(column(i, 0));
        return std::isfinite(v) ? std::clamp(int(std::lround(255.0 * (v - m_lo) / span)), 0, 255)
                                : 0;
    };
    QImage img(w, h, c == 3 ? QImage::Format_RGB32 : QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const long base = (long(y) * w + x) * c;
            if (c == 3)
                img.setPixel(x, y, qRgb(level(base), level(base + 1), level(base + 2)));
            else
                img.scanLine(y)[x] = uchar(level(base));
        }
    }
    return img;
}

// --- ReconstructionStrip --------------------------------------------------------------------

ReconstructionStrip::ReconstructionStrip(QWidget* parent)
    : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ReconstructionStrip::setRows(const QStringList* titles,
    const std::vector<std::vector<QImage>>* rows, const QStringList* captions)
{
    m_titles = titles;
    m_rows = rows;
    m_captions = captions;
    updateGeometry();
    update();
}

int ReconstructionStrip::titleWidth() const
{
    int w = 0;
    if (m_titles)
        for (const QString& t : *m_titles)
            w = std::max(w, fontMetrics().horizontalAdvance(t));
    return w + kGap;
}

int ReconstructionStrip::side(int width) const
{
    // Whole multiples of the image size keep pixels square and sharp; at most 4x.
    int imageW = 0;
    if (m_rows)
        for (const auto& row : *m_rows)
            if (!row.empty())
                imageW = std::max(imageW, row.front().width());
    if (imageW == 0)
        return 0;
    const int avail = width - 2 * kMargin - titleWidth() - ReconstructionView::kShown * kGap;
    const int scale = std::clamp(avail / (ReconstructionView::kShown * imageW), 1, 4);
    return imageW * scale;
}

QRect ReconstructionStrip::imageRect(int row, int column) const
{
    if (!m_rows || row < 0 || row >= int(m_rows->size()) || column < 0
        || column >= int((*m_rows)[std::size_t(row)].size()))
        return {};
    const int s = side(width());
    const int x = kMargin + titleWidth() + column * (s + kGap);
    const int y = kMargin + row * (s + kGap);
    return {x, y, s, s};
}

int ReconstructionStrip::heightForWidth(int width) const
{
    const int rows = m_rows ? int(m_rows->size()) : 0;
    return 2 * kMargin + rows * (std::max(side(width), 28) + kGap) + fontMetrics().height() + 2;
}

QSize ReconstructionStrip::sizeHint() const
{
    const int w = 2 * kMargin + titleWidth() + ReconstructionView::kShown * (56 + kGap);
    return {w, heightForWidth(w)};
}

QSize ReconstructionStrip::minimumSizeHint() const
{
    const int w = 2 * kMargin + titleWidth() + ReconstructionView::kShown * (28 + kGap);
    return {w, heightForWidth(w)};
}

void ReconstructionStrip::paintEvent(QPaintEvent*)
{
    if (!m_rows || !m_titles)
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const QColor frame(0xb0, 0xb5, 0xbb);
    const int s = side(width());
    if (s <= 0)
        return;
    for (int r = 0; r < int(m_rows->size()) && r < m_titles->size(); ++r) {
        const QRect title(kMargin, kMargin + r * (s + kGap), titleWidth() - kGap, s);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(title, Qt::AlignLeft | Qt::AlignVCenter, (*m_titles)[r]);
        const auto& row = (*m_rows)[std::size_t(r)];
        for (int c = 0; c < int(row.size()); ++c) {
            const QRect rect = imageRect(r, c);
            p.drawImage(rect, row[std::size_t(c)]);
            p.setPen(QPen(frame, 0));
            p.drawRect(QRectF(rect).adjusted(-0.5, -0.5, 0.5, 0.5));
        }
    }
    if (!m_captions)
        return;
    const int y = kMargin + int(m_rows->size()) * (s + kGap);
    p.setPen(palette().color(QPalette::Text));
    for (int c = 0; c < m_captions->size(); ++c) {
        const QRect cap(kMargin + titleWidth() + c * (s + kGap) - kGap / 2, y, s + kGap,
            fontMetrics().height() + 2);
        p.drawText(cap, Qt::AlignHCenter | Qt::AlignTop,
            fontMetrics().elidedText((*m_captions)[c], Qt::ElideRight, cap.width()));
    }
}

} // namespace widgets

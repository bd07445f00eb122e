#include "plots/MostWrongView.h"

#include "plots/SampleImage.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace widgets {

namespace {

constexpr int kMargin = 8;
constexpr int kGap = 10; ///< between cells
constexpr int kTitleGap = 8; ///< below the title

} // namespace

MostWrongView::MostWrongView(QWidget* parent)
    : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void MostWrongView::startSession(const TrainingSessionInfo& info)
{
    m_applies = info.classification && info.samples && info.context.inputShape.rank() == 3;
    m_samples = m_applies ? info.samples : nullptr;
    m_inputShape = info.context.inputShape;
    m_setName = info.sampleSetName;
    m_mostWrong.reset();
    rebuildCells();
}

void MostWrongView::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void MostWrongView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.mostWrong || !m_applies)
        return;
    m_mostWrong = s.mostWrong;
    rebuildCells();
}

void MostWrongView::rebuildCells()
{
    m_cells.clear();
    m_textWidth = 0;
    if (m_mostWrong && m_samples) {
        const QFontMetrics fm(font());
        const QStringList& names = m_mostWrong->classNames;
        auto name
            = [&](int c) { return c >= 0 && c < names.size() ? names[c] : QString::number(c); };
        for (const MostWrong::Entry& e : m_mostWrong->entries) {
            if (e.sample < 0 || e.sample >= m_samples->cols())
                continue;
            Cell cell {e, inputImage(*m_samples, e.sample, m_inputShape),
                tr("true: %1").arg(name(e.trueClass)),
                tr("predicted: %1 (p=%2)")
                    .arg(name(e.predictedClass))
                    .arg(double(e.predictedProbability), 0, 'f', 2)};
            m_textWidth = std::max({m_textWidth, fm.horizontalAdvance(cell.trueLine),
                fm.horizontalAdvance(cell.predictedLine)});
            m_cells.push_back(std::move(cell));
        }
    }
    updateGeometry();
    update();
}

QString MostWrongView::caption(int i) const
{
    if (i < 0 || i >= cellCount())
        return {};
    return m_cells[std::size_t(i)].trueLine + QStringLiteral(" / ")
        + m_cells[std::size_t(i)].predictedLine;
}

QString MostWrongView::title() const
{
    if (m_cells.empty())
        return {};
    const QString set = m_setName.isEmpty() ? tr("validation") : m_setName;
    return cellCount() == 1
        ? tr("The %1 image with the lowest probability of its true class at epoch %2")
              .arg(set)
              .arg(m_mostWrong->epoch)
        : tr("The %1 %2 images with the lowest probability of their true class at epoch %3, "
             "worst first")
              .arg(cellCount())
              .arg(set)
              .arg(m_mostWrong->epoch);
}

QSize MostWrongView::cellSize() const
{
    const QFontMetrics fm(font());
    const int width = std::clamp(m_textWidth, kThumbnail, kMaxCellWidth);
    return {width, kThumbnail + 4 + 2 * fm.height()};
}

int MostWrongView::columnsFor(int width) const
{
    return std::max(1, (width - 2 * kMargin + kGap) / (cellSize().width() + kGap));
}

int MostWrongView::heightForWidth(int width) const
{
    const QFontMetrics fm(font());
    if (m_cells.empty())
        return 4 * fm.height();
    const int titleHeight = fm.boundingRect(QRect(0, 0, std::max(1, width - 2 * kMargin), 10000),
                                  Qt::TextWordWrap, title())
                                .height();
    const int rows = (cellCount() + columnsFor(width) - 1) / columnsFor(width);
    return 2 * kMargin + titleHeight + kTitleGap + rows * cellSize().height() + (rows - 1) * kGap;
}

QSize MostWrongView::sizeHint() const
{
    const int width = 2 * kMargin + 6 * cellSize().width() + 5 * kGap;
    return {width, heightForWidth(width)};
}

QSize MostWrongView::minimumSizeHint() const
{
    return {cellSize().width() + 2 * kMargin, 4 * QFontMetrics(font()).height()};
}

QRect MostWrongView::cellRect(int i) const
{
    if (i < 0 || i >= cellCount())
        return {};
    const QFontMetrics fm(font());
    const int titleHeight = fm.boundingRect(QRect(0, 0, std::max(1, width() - 2 * kMargin), 10000),
                                  Qt::TextWordWrap, title())
                                .height();
    const int columns = columnsFor(width());
    const QSize cell = cellSize();
    return {kMargin + (i % columns) * (cell.width() + kGap),
        kMargin + titleHeight + kTitleGap + (i / columns) * (cell.height() + kGap), cell.width(),
        cell.height()};
}

void MostWrongView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QRect area = rect().adjusted(kMargin, kMargin, -kMargin, -kMargin);
    if (m_cells.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
            m_applies ? tr("The validation images the network gets most wrong appear after the "
                           "first epoch.")
                      : tr("Shows the validation images an image classifier gets most wrong "
                           "(train an image classification project)."));
        return;
    }
    p.setPen(palette().color(QPalette::Text));
    p.drawText(area, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, title());
    const QFontMetrics fm(font());
    for (int i = 0; i < cellCount(); ++i) {
        const Cell& cell = m_cells[std::size_t(i)];
        const QRect r = cellRect(i);
        // Scaled by whole pixels of the image, centred: sharp edges, as in the dataset grid.
        const QSize scaled = cell.image.size().scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio);
        const QRect imageRect(QPoint(r.center().x() - scaled.width() / 2, r.top()), scaled);
        p.drawImage(imageRect, cell.image);
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(imageRect.adjusted(0, 0, -1, -1));
        const QRect trueLine(r.left(), r.top() + kThumbnail + 4, r.width(), fm.height());
        p.setPen(palette().color(QPalette::Text));
        p.drawText(trueLine, Qt::AlignHCenter | Qt::AlignVCenter,
            fm.elidedText(cell.trueLine, Qt::ElideRight, r.width()));
        // Red where the prediction is wrong; a right but unsure one keeps the text colour.
        p.setPen(cell.entry.predictedClass != cell.entry.trueClass
                ? QColor(0xc0, 0x39, 0x2b)
                : palette().color(QPalette::Text));
        p.drawText(trueLine.translated(0, fm.height()), Qt::AlignHCenter | Qt::AlignVCenter,
            fm.elidedText(cell.predictedLine, Qt::ElideRight, r.width()));
    }
}

} // namespace widgets

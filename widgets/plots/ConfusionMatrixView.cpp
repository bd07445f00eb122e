#include "plots/ConfusionMatrixView.h"

#include <QPainter>

#include <algorithm>

namespace widgets {

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent)
    : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

QSize ConfusionMatrixView::minimumSizeHint() const
{
    return {220, 180};
}

void ConfusionMatrixView::startSession(const TrainingSessionInfo& info)
{
    m_classification = info.classification;
    m_matrix.reset();
    update();
}

void ConfusionMatrixView::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void ConfusionMatrixView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.confusion)
        return;
    m_matrix = s.confusion;
    update();
}

void ConfusionMatrixView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QRect area = rect().adjusted(8, 8, -8, -8);
    if (!m_matrix || m_matrix->numClasses <= 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
            m_classification ? tr("The confusion matrix appears after the first epoch.")
                             : tr("No confusion matrix: this is a regression task."));
        return;
    }
    const ConfusionMatrix& m = *m_matrix;
    const int k = m.numClasses;
    long total = 0, correct = 0;
    for (int a = 0; a < k; ++a)
        for (int c = 0; c < k; ++c) {
            total += m.at(a, c);
            if (a == c)
                correct += m.at(a, c);
        }
    const QFontMetrics fm(font());
    const int line = fm.height();
    int labelWidth = fm.horizontalAdvance(tr("actual"));
    for (const QString& n : m.classNames)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(n));
    labelWidth += 8;

    p.setPen(palette().color(QPalette::Text));
    const QString title = tr("Validation set, epoch %1: accuracy %2 % (%3 of %4)")
                              .arg(m.epoch)
                              .arg(total ? 100.0 * double(correct) / double(total) : 0.0, 0, 'f', 1)
                              .arg(correct)
                              .arg(total);
    p.drawText(QRect(area.left(), area.top(), area.width(), line), Qt::AlignCenter, title);
    // Layout: title, "predicted" caption, column labels, then the grid with row labels left.
    const int top = area.top() + 3 * line + 4;
    const int left = area.left() + line + labelWidth;
    const int side = std::max(8, std::min((area.right() - left) / k, (area.bottom() - top) / k));
    const QRect grid(left, top, side * k, side * k);
    p.drawText(QRect(grid.left(), area.top() + line, grid.width(), line), Qt::AlignCenter,
        tr("predicted"));
    p.save();
    p.translate(area.left(), grid.center().y());
    p.rotate(-90);
    p.drawText(QRect(-grid.height() / 2, 0, grid.height(), line), Qt::AlignCenter, tr("actual"));
    p.restore();
    QFont small = font();
    if (side < line * 2)
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
    p.setFont(small);
    for (int c = 0; c < k; ++c) {
        p.drawText(QRect(grid.left() + c * side, area.top() + 2 * line, side, line),
            Qt::AlignCenter, fm.elidedText(m.classNames.value(c), Qt::ElideRight, side));
        p.drawText(QRect(area.left() + line, grid.top() + c * side, labelWidth - 6, side),
            Qt::AlignRight | Qt::AlignVCenter, m.classNames.value(c));
    }
    for (int a = 0; a < k; ++a) {
        long rowTotal = 0;
        for (int c = 0; c < k; ++c)
            rowTotal += m.at(a, c);
        for (int c = 0; c < k; ++c) {
            const long n = m.at(a, c);
            const double share = rowTotal ? double(n) / double(rowTotal) : 0.0;
            const QColor base = a == c ? QColor(31, 119, 180) : QColor(214, 39, 40);
            QColor fill = base;
            fill.setAlphaF(float(0.08 + 0.8 * share));
            const QRect cell(grid.left() + c * side, grid.top() + a * side, side, side);
            p.fillRect(cell, Qt::white);
            p.fillRect(cell, fill);
            p.setPen(QColor(200, 200, 200));
            p.drawRect(cell.adjusted(0, 0, -1, -1));
            if (side >= fm.horizontalAdvance(QString::number(n)) + 2) {
                p.setPen(share > 0.6 ? Qt::white : Qt::black);
                p.drawText(cell, Qt::AlignCenter, QString::number(n));
            }
        }
    }
}

QString ConfusionMatrixView::csvText() const
{
    QString s = QStringLiteral("actual,predicted,actual_name,predicted_name,count\n");
    if (!m_matrix)
        return s;
    const ConfusionMatrix& m = *m_matrix;
    auto name = [&](int i) {
        return i < m.classNames.size() ? csvField(m.classNames[i]) : QString::number(i);
    };
    for (int a = 0; a < m.numClasses; ++a) {
        for (int p = 0; p < m.numClasses; ++p)
            s += QString::number(a) + QLatin1Char(',') + QString::number(p) + QLatin1Char(',')
                + name(a) + QLatin1Char(',') + name(p) + QLatin1Char(',')
                + QString::number(m.at(a, p)) + QLatin1Char('\n');
    }
    return s;
}

QCustomPlot* ConfusionMatrixView::picturePlot() const
{
    return nullptr;
}

} // namespace widgets

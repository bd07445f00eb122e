#include "plots/PlotExport.h"

#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/GradientFlowPlot.h"
#include "plots/LossPlot.h"
#include "plots/WeightHeatmap.h"
#include "plots/WeightHistogramView.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLayout>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextStream>

namespace widgets::plotexport {

namespace {

QString num(double v)
{
    return QString::number(v, 'g', 8);
}

QString quoted(QString text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')))
        return text;
    text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString cannotWrite(const QString& file, const QString& reason)
{
    return QObject::tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(file), reason);
}

/// The view's only QCustomPlot, or null when it has several or none.
QCustomPlot* singlePlot(const QWidget* view)
{
    if (auto* plot = qobject_cast<QCustomPlot*>(const_cast<QWidget*>(view)))
        return plot;
    const auto plots = view->findChildren<QCustomPlot*>();
    return plots.size() == 1 ? plots.front() : nullptr;
}

/// The plot a view exports as its picture: its only QCustomPlot while that is what the view
/// shows; null when the view shows several plots (drawn with their selector), something painted
/// by hand, or another page (the heatmap's convolution filters).
QCustomPlot* picturePlot(const QWidget* view)
{
    QCustomPlot* plot = singlePlot(view);
    return plot && (plot == view || plot->isVisibleTo(view)) ? plot : nullptr;
}

QString tensorName(const QWidget* view)
{
    const auto* choice = view->findChild<QComboBox*>();
    return choice ? choice->currentText() : QString();
}

QString gradientCsv(const GradientFlowPlot* view)
{
    QString s = QStringLiteral("layer,epoch,mean_gradient_norm\n");
    QCustomPlot* plot = singlePlot(view);
    for (int i = 0; plot && i < plot->graphCount(); ++i) {
        const QCPGraph* g = plot->graph(i);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            s += quoted(g->name()) + QLatin1Char(',') + num(it->key) + QLatin1Char(',')
                + num(it->value) + QLatin1Char('\n');
    }
    return s;
}

QString histogramCsv(const WeightHistogramView* view)
{
    // The bands plot holds one graph per quantile (ParamCopy::kQuantiles order); the histogram
    // plot holds the bars.
    const QString tensor = quoted(tensorName(view));
    QString s = QStringLiteral("tensor,series,x,value\n");
    for (QCustomPlot* plot : view->findChildren<QCustomPlot*>()) {
        if (plot->graphCount() == ParamCopy::kQuantileCount) {
            for (int i = 0; i < plot->graphCount(); ++i) {
                const QString series
                    = QStringLiteral("quantile_%1").arg(ParamCopy::kQuantiles[i], 0, 'g', 3);
                const QCPGraph* g = plot->graph(i);
                for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
                    s += tensor + QLatin1Char(',') + series + QLatin1Char(',') + num(it->key)
                        + QLatin1Char(',') + num(it->value) + QLatin1Char('\n');
            }
        }
        for (int i = 0; i < plot->plottableCount(); ++i) {
            const auto* bars = qobject_cast<const QCPBars*>(plot->plottable(i));
            if (!bars)
                continue;
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
                s += tensor + QStringLiteral(",histogram_count,") + num(it->key) + QLatin1Char(',')
                    + num(it->value) + QLatin1Char('\n');
        }
    }
    return s;
}

QCPColorMap* colorMapOf(const QWidget* view)
{
    QCustomPlot* plot = singlePlot(view);
    for (int i = 0; plot && i < plot->plottableCount(); ++i) {
        if (auto* map = qobject_cast<QCPColorMap*>(plot->plottable(i)))
            return map;
    }
    return nullptr;
}

QString heatmapCsv(const WeightHeatmap* view)
{
    const QString tensor = quoted(tensorName(view));
    QString s = QStringLiteral("tensor,row,column,value\n");
    QCPColorMap* map = colorMapOf(view);
    if (!map)
        return s;
    // Keys are the tensor's columns, values its rows (see WeightHeatmap::render).
    const int rows = map->data()->valueSize();
    const int cols = map->data()->keySize();
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const std::optional<double> v = view->cellValue(r, c);
            if (v)
                s += tensor + QLatin1Char(',') + QString::number(r) + QLatin1Char(',')
                    + QString::number(c) + QLatin1Char(',')
                    + QString::number(*v, 'g', 9) /* every digit of a float */ + QLatin1Char('\n');
        }
    }
    return s;
}

QString boundaryCsv(const DecisionBoundaryView* view)
{
    QString s = QStringLiteral("x1,x2,prediction\n");
    QCPColorMap* map = colorMapOf(view);
    if (!map || !view->hasBoundary())
        return s;
    QCPColorMapData* d = map->data();
    for (int iy = 0; iy < d->valueSize(); ++iy) {
        for (int ix = 0; ix < d->keySize(); ++ix) {
            double x = 0, y = 0;
            d->cellToCoord(ix, iy, &x, &y);
            s += num(x) + QLatin1Char(',') + num(y) + QLatin1Char(',') + num(d->cell(ix, iy))
                + QLatin1Char('\n');
        }
    }
    return s;
}

QString confusionCsv(const ConfusionMatrixView* view)
{
    QString s = QStringLiteral("actual,predicted,actual_name,predicted_name,count\n");
    const std::optional<ConfusionMatrix>& m = view->matrix();
    if (!m)
        return s;
    auto name = [&](int i) {
        return i < m->classNames.size() ? quoted(m->classNames[i]) : QString::number(i);
    };
    for (int a = 0; a < m->numClasses; ++a) {
        for (int p = 0; p < m->numClasses; ++p)
            s += QString::number(a) + QLatin1Char(',') + QString::number(p) + QLatin1Char(',')
                + name(a) + QLatin1Char(',') + name(p) + QLatin1Char(',')
                + QString::number(m->at(a, p)) + QLatin1Char('\n');
    }
    return s;
}

/// A view on a tab that was never shown still has the size it was created with; give it the
/// size it will have on screen (its page area) so the picture looks like the view.
void ensureLaidOut(QWidget* view)
{
    QWidget* page = view->parentWidget();
    if (view->isVisible() || !page || page->size().isEmpty())
        return;
    if (view->size() != page->size())
        view->resize(page->size());
    if (QLayout* layout = view->layout())
        layout->activate();
}

QByteArray pngBytes(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QString savePdf(QWidget* view, const QString& file)
{
    ensureLaidOut(view);
    QCustomPlot* plot = picturePlot(view);
    const QSize size = plot ? plot->size() : view->size();
    if (size.isEmpty())
        return QObject::tr("%1: the view has no size yet; show it first")
            .arg(QDir::toNativeSeparators(file));
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return cannotWrite(file, out.errorString());
    {
        QPdfWriter writer(&out);
        writer.setCreator(QStringLiteral("NetCanvas"));
        writer.setTitle(QFileInfo(file).completeBaseName());
        // One page exactly the view's size: 1 pixel = 1 point.
        writer.setPageLayout(
            QPageLayout(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch),
                QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
        writer.setResolution(72);
        if (plot) {
            QCPPainter painter;
            if (!painter.begin(&writer))
                return cannotWrite(file, QObject::tr("cannot start the PDF"));
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            painter.setWindow(QRect(QPoint(0, 0), size));
            plot->toPainter(&painter, size.width(), size.height());
        } else {
            QPainter painter;
            if (!painter.begin(&writer))
                return cannotWrite(file, QObject::tr("cannot start the PDF"));
            painter.setWindow(QRect(QPoint(0, 0), size));
            painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
            view->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
        }
    }
    if (!out.commit())
        return cannotWrite(file, out.errorString());
    return {};
}

} // namespace

Format formatOf(const QString& file)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return Format::Png;
    if (suffix == QLatin1String("pdf"))
        return Format::Pdf;
    if (suffix == QLatin1String("csv"))
        return Format::Csv;
    return Format::Unknown;
}

QString writeFileAtomically(const QString& file, const QByteArray& bytes)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return cannotWrite(file, out.errorString());
    if (out.write(bytes) != bytes.size()) {
        const QString reason = out.errorString();
        out.cancelWriting();
        return cannotWrite(file, reason);
    }
    if (!out.commit())
        return cannotWrite(file, out.errorString());
    return {};
}

bool isExportable(const QWidget* view)
{
    return qobject_cast<const LossPlot*>(view) || qobject_cast<const GradientFlowPlot*>(view)
        || qobject_cast<const WeightHistogramView*>(view)
        || qobject_cast<const ConfusionMatrixView*>(view)
        || qobject_cast<const DecisionBoundaryView*>(view)
        || qobject_cast<const WeightHeatmap*>(view);
}

QImage renderImage(QWidget* view, double scale)
{
    ensureLaidOut(view);
    if (QCustomPlot* plot = picturePlot(view)) {
        if (plot->size().isEmpty())
            return {};
        QImage image = plot->toPixmap(0, 0, scale).toImage();
        image.setDevicePixelRatio(scale);
        return image;
    }
    const QSize size = view->size();
    if (size.isEmpty())
        return {};
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    view->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    return image;
}

QString csvText(const QWidget* view)
{
    if (const auto* v = qobject_cast<const LossPlot*>(view))
        return v->csvText();
    if (const auto* v = qobject_cast<const GradientFlowPlot*>(view))
        return gradientCsv(v);
    if (const auto* v = qobject_cast<const WeightHistogramView*>(view))
        return histogramCsv(v);
    if (const auto* v = qobject_cast<const WeightHeatmap*>(view))
        return heatmapCsv(v);
    if (const auto* v = qobject_cast<const DecisionBoundaryView*>(view))
        return boundaryCsv(v);
    if (const auto* v = qobject_cast<const ConfusionMatrixView*>(view))
        return confusionCsv(v);
    return {};
}

QString save(QWidget* view, const QString& file)
{
    switch (formatOf(file)) {
    case Format::Png: {
        const QImage image = renderImage(view, 2.0);
        if (image.isNull())
            return QObject::tr("%1: the view has no size yet; show it first")
                .arg(QDir::toNativeSeparators(file));
        return writeFileAtomically(file, pngBytes(image));
    }
    case Format::Pdf:
        return savePdf(view, file);
    case Format::Csv: {
        const QString text = csvText(view);
        if (text.isEmpty())
            return QObject::tr("%1: this view has no data to export")
                .arg(QDir::toNativeSeparators(file));
        return writeFileAtomically(file, text.toUtf8());
    }
    case Format::Unknown:
        break;
    }
    return QObject::tr("%1: unknown format (use .png, .pdf or .csv)")
        .arg(QDir::toNativeSeparators(file));
}

} // namespace widgets::plotexport

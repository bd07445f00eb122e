#include "plots/PlotExport.h"

#include "plots/ExportableView.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QLayout>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

namespace widgets::plotexport {

namespace {

QString cannotWrite(const QString& file, const QString& reason)
{
    return QObject::tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(file), reason);
}

const ExportableView* exportable(const QWidget* view)
{
    return dynamic_cast<const ExportableView*>(view);
}

/// The plot a view exports as its picture: the one it names while that is what the view shows;
/// null when the view is drawn as a whole or shows another page (the heatmap's convolution
/// filters, the boundary view's note).
QCustomPlot* picturePlot(const QWidget* view)
{
    const ExportableView* v = exportable(view);
    QCustomPlot* plot = v ? v->picturePlot() : nullptr;
    return plot && plot->isVisibleTo(view) ? plot : nullptr;
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

/// Paints the view (its plots and, through its palette, its hand-painted parts) in `theme` for
/// as long as it lives, and puts back the current theme afterwards.
class ThemedForExport {
public:
    ThemedForExport(QWidget* view, const PlotTheme& theme)
        : m_view(view)
        , m_hadPalette(view->testAttribute(Qt::WA_SetPalette))
        , m_palette(view->palette())
    {
        m_view->setPalette(theme.palette());
        for (QCustomPlot* plot : plots())
            PlotTheme::apply(plot, theme);
    }
    ~ThemedForExport()
    {
        for (QCustomPlot* plot : plots())
            PlotTheme::apply(plot, PlotTheme::current());
        // Without a palette of its own the view inherits its parent's (the application's) again.
        m_view->setPalette(m_hadPalette ? m_palette : QPalette());
    }
    ThemedForExport(const ThemedForExport&) = delete;
    ThemedForExport& operator=(const ThemedForExport&) = delete;

private:
    QList<QCustomPlot*> plots() const
    {
        QList<QCustomPlot*> all = m_view->findChildren<QCustomPlot*>();
        if (auto* self = qobject_cast<QCustomPlot*>(m_view))
            all.push_back(self);
        return all;
    }
    QWidget* m_view;
    bool m_hadPalette;
    QPalette m_palette;
};

QByteArray pngBytes(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QString savePdf(QWidget* view, const QString& file, const PlotTheme& theme)
{
    ensureLaidOut(view);
    const ThemedForExport themed(view, theme);
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
            painter.fillRect(QRect(QPoint(0, 0), size), theme.background);
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
    return exportable(view) != nullptr;
}

QImage renderImage(QWidget* view, double scale, const PlotTheme& theme)
{
    ensureLaidOut(view);
    const ThemedForExport themed(view, theme);
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
    image.fill(theme.background);
    QPainter painter(&image);
    view->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    return image;
}

QString csvText(const QWidget* view)
{
    const ExportableView* v = exportable(view);
    return v ? v->csvText() : QString();
}

QString save(QWidget* view, const QString& file, const PlotTheme& theme)
{
    switch (formatOf(file)) {
    case Format::Png: {
        const QImage image = renderImage(view, 2.0, theme);
        if (image.isNull())
            return QObject::tr("%1: the view has no size yet; show it first")
                .arg(QDir::toNativeSeparators(file));
        return writeFileAtomically(file, pngBytes(image));
    }
    case Format::Pdf:
        return savePdf(view, file, theme);
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

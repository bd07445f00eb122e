#include "PresentationMode.h"

#include "CanvasView.h"

#include <QApplication>
#include <QEvent>
#include <QMainWindow>
#include <QTimer>
#include <QToolBar>

#include <qcustomplot.h>

#include <set>

namespace widgets {

namespace {

/// `f` at `factor` times its point size; a font sized in pixels stays as it is.
QFont scaledFont(QFont f, double factor)
{
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * factor);
    return f;
}

} // namespace

PresentationMode::PresentationMode(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{ }

void PresentationMode::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active) {
        m_savedLayout = m_window->saveState();
        m_savedFont = QApplication::font();
        QFont f = m_savedFont;
        if (f.pointSizeF() > 0)
            f.setPointSizeF(f.pointSizeF() * kFontScale);
        else
            f.setPixelSize(qRound(f.pixelSize() * kFontScale));
        QApplication::setFont(f);
        m_iconSizes.clear();
        for (QToolBar* bar : m_window->findChildren<QToolBar*>()) {
            m_iconSizes.emplace_back(bar, bar->iconSize());
            bar->setIconSize(bar->iconSize() * kFontScale);
        }
        scalePlots(kLineScale);
        scaleCanvas(kFontScale);
    } else {
        QApplication::setFont(m_savedFont);
        for (const auto& [bar, size] : m_iconSizes)
            if (auto* b = qobject_cast<QToolBar*>(bar.data()))
                b->setIconSize(size);
        m_iconSizes.clear();
        scalePlots(1.0 / kLineScale);
        // The larger font widened and heightened the docks (their minimum sizes follow it);
        // give them back the sizes they had once the layouts have taken in the smaller font.
        QTimer::singleShot(0, m_window,
            [window = m_window, layout = m_savedLayout] { window->restoreState(layout); });
        scaleCanvas(1.0);
    }
    emit activeChanged(active);
}

void PresentationMode::scaleCanvas(double limit)
{
    // The cards draw their text at fixed point sizes in scene units, so the application font
    // does not reach them: the view's zoom scales cards, text and edges together instead, as
    // far as the whole network still fits.
    // Fit once the docks around the canvas have taken in the new font: their layouts run on
    // posted LayoutRequests, each level posting the next, and a fit now would use the old
    // viewport size (cards cut at both ends).
    for (CanvasView* view : m_window->findChildren<CanvasView*>()) {
        view->setFitZoomLimit(limit);
        QTimer::singleShot(0, view, [view] {
            for (int level = 0; level < 8; ++level)
                QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            view->zoomToFit();
        });
    }
}

void PresentationMode::scalePlots(double factor)
{
    auto scaled = [factor](QPen pen) {
        pen.setWidthF(std::max(1.0, pen.widthF() * factor));
        return pen;
    };
    const double fontFactor = factor > 1 ? kFontScale : 1.0 / kFontScale;
    for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>()) {
        for (int i = 0; i < plot->graphCount(); ++i)
            plot->graph(i)->setPen(scaled(plot->graph(i)->pen()));
        for (QCPAxis* axis : plot->axisRect() ? plot->axisRect()->axes() : QList<QCPAxis*>()) {
            axis->setBasePen(scaled(axis->basePen()));
            axis->setTickPen(scaled(axis->tickPen()));
            axis->setTickLabelFont(scaledFont(axis->tickLabelFont(), fontFactor));
            axis->setLabelFont(scaledFont(axis->labelFont(), fontFactor));
        }
        scaleLegendFonts(plot, fontFactor);
        plot->replot();
    }
}

void PresentationMode::scaleLegendFonts(QCustomPlot* plot, double factor)
{
    // A plot may keep legends in layout rows of its own (the loss plot has two), outside the
    // axis rect's inset layout where plot->legend usually sits.
    std::set<QCPLegend*> legends;
    if (plot->legend)
        legends.insert(plot->legend);
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* legend = qobject_cast<QCPLegend*>(e))
            legends.insert(legend);
    for (QCPLegend* legend : legends)
        legend->setFont(scaledFont(legend->font(), factor)); // passed on to its entries
}

} // namespace widgets

#include "teaching/PresentationMode.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerNodeItem.h"

#include <QApplication>
#include <QDockWidget>
#include <QEvent>
#include <QFontInfo>
#include <QMainWindow>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace widgets {

namespace {

/// `f` at `factor` times its point size, but no smaller than `least` points; a font sized in
/// pixels stays as it is.
QFont scaledFont(QFont f, double factor, double least)
{
    if (f.pointSizeF() > 0)
        f.setPointSizeF(std::max(f.pointSizeF() * factor, least));
    return f;
}

/// Lets every pending layout request run. Layouts run on posted LayoutRequests, each level
/// posting the next: after a font change, sizes read before this are the old font's.
void settleLayouts()
{
    for (int level = 0; level < 8; ++level)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
}

/// The legends of `plot`: it may keep some in layout rows of its own (the loss plot has two),
/// outside the axis rect's inset layout where plot->legend usually sits.
std::set<QCPLegend*> legendsOf(QCustomPlot* plot)
{
    std::set<QCPLegend*> legends;
    if (plot->legend)
        legends.insert(plot->legend);
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* legend = qobject_cast<QCPLegend*>(e))
            legends.insert(legend);
    return legends;
}

} // namespace

PresentationMode::PresentationMode(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{ }

void PresentationMode::setDocks(QDockWidget* plots, QDockWidget* beside)
{
    m_plots = plots;
    m_beside = beside;
}

void PresentationMode::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active)
        enter();
    else
        leave();
    emit activeChanged(active);
}

void PresentationMode::enter()
{
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
    scalePlotLines(kLineScale);
    enlargePlotFonts();
    arrangeDocks();
    // The cards draw their text in scene units, so the application font does not reach them:
    // at least its size at 100 %, and the canvas large enough to zoom to 100 % or more.
    const int readable = QFontInfo(f).pixelSize();
    for (CanvasView* view : m_window->findChildren<CanvasView*>()) {
        view->canvasScene()->setMinimumCardTextSize(readable);
        // Never below 100 %, where that size is reached: a large network (lesson 6's 22 cards)
        // shows readable from its input rather than whole at 33 % with 6 px text.
        view->setFitZoomFloor(1.0);
    }
    fitCanvas(kFontScale, [this](CanvasView* view) { sizeDocks(view); });
}

void PresentationMode::leave()
{
    QApplication::setFont(m_savedFont);
    for (const auto& [bar, size] : m_iconSizes)
        if (auto* b = qobject_cast<QToolBar*>(bar.data()))
            b->setIconSize(size);
    m_iconSizes.clear();
    scalePlotLines(1.0 / kLineScale);
    for (const auto& restore : m_restorePlotFonts)
        restore();
    m_restorePlotFonts.clear();
    for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>())
        plot->replot();
    for (CanvasView* view : m_window->findChildren<CanvasView*>()) {
        view->canvasScene()->setMinimumCardTextSize(0);
        view->setFitZoomFloor(0.0);
    }
    for (const auto& [split, state] : m_splitterStates)
        if (split)
            split->restoreState(state);
    m_splitterStates.clear();
    // Every dock back where it was, once the layouts have taken in the smaller font (their
    // minimum sizes follow it). Only the dock beside the plots keeps its current visibility:
    // it shows the lesson, which may have been opened or closed meanwhile.
    fitCanvas(1.0, [this](CanvasView*) {
        const bool besideShown = m_beside && !m_beside->isHidden();
        m_window->restoreState(m_savedLayout);
        if (m_beside && besideShown != !m_beside->isHidden()) {
            m_beside->setVisible(besideShown);
            if (besideShown)
                m_beside->raise();
        }
    });
}

void PresentationMode::arrangeDocks()
{
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
        if (dock != m_plots && dock != m_beside)
            dock->hide();
    if (!m_plots)
        return;
    m_plots->show();
    m_plots->raise();
    if (m_beside) {
        // (Not splitDockWidget(): the plots share a tab group with the tucked-away docks, and
        // beside a dock in a tab group it would make another tab.)
        const bool shown = !m_beside->isHidden();
        m_window->addDockWidget(Qt::BottomDockWidgetArea, m_beside, Qt::Horizontal);
        m_beside->setVisible(shown);
    }
}

void PresentationMode::sizeDocks(CanvasView* view)
{
    if (!m_plots || m_plots->isFloating()
        || m_window->dockWidgetArea(m_plots) != Qt::BottomDockWidgetArea)
        return;
    // The canvas as high as the network at the zoom the canvas's width allows, with the fit's
    // margins and room for the weight thumbnails that training adds under the cards.
    QRectF network = view->canvasScene()->nodesBoundingRect().adjusted(-CanvasView::kFitMargin,
        -CanvasView::kFitMargin, CanvasView::kFitMargin, CanvasView::kFitMargin);
    if (!network.isEmpty())
        network.setHeight(std::max(network.height(),
            LayerNodeItem::kHeight + LayerNodeItem::kThumbnailBand + 2 * CanvasView::kFitMargin));
    const int total = view->height() + m_plots->height();
    int canvas = int(total * (1.0 - kPlotsShare));
    if (!network.isEmpty()) {
        const double zoom
            = std::clamp(view->viewport()->width() / network.width(), 1.0, kFontScale);
        canvas = std::min(canvas, int(std::ceil(network.height() * zoom)) + view->frameWidth() * 2);
    }
    m_window->resizeDocks({m_plots}, {total - canvas}, Qt::Vertical);
    if (m_beside && m_beside->isVisible()) {
        const int beside = int(m_window->width() * kBesideShare);
        m_window->resizeDocks(
            {m_plots, m_beside}, {m_window->width() - beside, beside}, Qt::Horizontal);
    }
    // Side by side plots (the loss plot and the training views) share the width evenly: sized
    // by their hints, the views' tab bar leaves the loss plot too narrow for its legend.
    settleLayouts();
    m_splitterStates.clear();
    for (QSplitter* split : m_plots->findChildren<QSplitter*>()) {
        m_splitterStates.emplace_back(split, split->saveState());
        const QList<int> sizes = split->sizes();
        const int each
            = std::accumulate(sizes.cbegin(), sizes.cend(), 0) / std::max(1, int(sizes.size()));
        split->setSizes(QList<int>(split->count(), each));
    }
}

void PresentationMode::fitCanvas(double limit, std::function<void(CanvasView*)> arrange)
{
    // Fit once the docks around the canvas have taken in the new font: a fit now would use
    // the old viewport size (cards cut at both ends).
    for (CanvasView* view : m_window->findChildren<CanvasView*>()) {
        view->setFitZoomLimit(limit);
        QTimer::singleShot(0, view, [view, arrange] {
            settleLayouts();
            arrange(view);
            settleLayouts();
            view->zoomToFit();
        });
    }
}

void PresentationMode::scalePlotLines(double factor)
{
    auto scaled = [factor](QPen pen) {
        pen.setWidthF(std::max(1.0, pen.widthF() * factor));
        return pen;
    };
    for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>()) {
        for (int i = 0; i < plot->graphCount(); ++i)
            plot->graph(i)->setPen(scaled(plot->graph(i)->pen()));
        for (QCPAxis* axis : plot->findChildren<QCPAxis*>()) {
            axis->setBasePen(scaled(axis->basePen()));
            axis->setTickPen(scaled(axis->tickPen()));
        }
        plot->replot();
    }
}

void PresentationMode::enlargePlotFonts()
{
    m_restorePlotFonts.clear();
    const double least = QApplication::font().pointSizeF();
    for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>()) {
        // Every axis of the plot, colour scales' included.
        for (QCPAxis* axis : plot->findChildren<QCPAxis*>()) {
            m_restorePlotFonts.push_back(
                [axis = QPointer<QCPAxis>(axis), tick = axis->tickLabelFont(),
                    label = axis->labelFont()] {
                    if (axis) {
                        axis->setTickLabelFont(tick);
                        axis->setLabelFont(label);
                    }
                });
            axis->setTickLabelFont(scaledFont(axis->tickLabelFont(), kFontScale, least));
            axis->setLabelFont(scaledFont(axis->labelFont(), kFontScale, least));
        }
        for (QCPLegend* legend : legendsOf(plot)) {
            m_restorePlotFonts.push_back(
                [legend = QPointer<QCPLegend>(legend), font = legend->font()] {
                    if (legend)
                        legend->setFont(font); // passed on to its entries
                });
            legend->setFont(scaledFont(legend->font(), kFontScale, least));
        }
        plot->replot();
    }
}

} // namespace widgets

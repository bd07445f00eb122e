#include "plots/PlotTheme.h"

#include <qcustomplot.h>

namespace widgets {

namespace {

PlotTheme& currentTheme()
{
    static PlotTheme theme = PlotTheme::light();
    return theme;
}

void applyToAxis(QCPAxis* axis, const PlotTheme& theme)
{
    axis->setBasePen(QPen(theme.axis, 0));
    axis->setTickPen(QPen(theme.axis, 0));
    axis->setSubTickPen(QPen(theme.axis, 0));
    axis->setTickLabelColor(theme.text);
    axis->setLabelColor(theme.text);
    axis->grid()->setPen(QPen(theme.grid, 0, Qt::DotLine));
    axis->grid()->setSubGridPen(QPen(theme.subGrid, 0, Qt::DotLine));
    axis->grid()->setZeroLinePen(QPen(theme.zeroLine, 0));
}

void applyToLegend(QCPLegend* legend, const PlotTheme& theme)
{
    // Most legends float without a box (NoBrush, NoPen): keep them so.
    if (legend->brush().style() != Qt::NoBrush)
        legend->setBrush(theme.legendFill);
    if (legend->borderPen().style() != Qt::NoPen)
        legend->setBorderPen(QPen(theme.legendBorder));
    legend->setTextColor(theme.text);
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            item->setTextColor(theme.text);
}

} // namespace

PlotTheme PlotTheme::light()
{
    PlotTheme t;
    t.isDark = false;
    t.background = Qt::white;
    t.text = Qt::black; // QCustomPlot's own default
    t.axis = Qt::black;
    t.grid = QColor(200, 200, 200);
    t.subGrid = QColor(220, 220, 220);
    t.zeroLine = QColor(200, 200, 200);
    t.legendFill = QColor(255, 255, 255, 230);
    t.legendBorder = Qt::black;
    t.neutral = QColor(0x55, 0x55, 0x55);
    t.quiet = QColor(120, 120, 120);
    t.quietFill = QColor(235, 235, 235);
    return t;
}

PlotTheme PlotTheme::dark()
{
    // The canvas's dark colours (CanvasTheme::dark()), so the plots sit beside it as one surface.
    PlotTheme t;
    t.isDark = true;
    t.background = QColor(0x1e, 0x21, 0x25);
    t.text = QColor(0xe0, 0xe4, 0xe8);
    t.axis = QColor(0xa9, 0xb0, 0xba);
    t.grid = QColor(0x3c, 0x42, 0x4a);
    t.subGrid = QColor(0x30, 0x35, 0x3b);
    t.zeroLine = QColor(0x5a, 0x62, 0x6c);
    t.legendFill = QColor(0x2b, 0x2f, 0x35, 235);
    t.legendBorder = QColor(0x4a, 0x51, 0x5a);
    t.neutral = QColor(0xc4, 0xca, 0xd1);
    t.quiet = QColor(0x8d, 0x96, 0xa0);
    t.quietFill = QColor(0x34, 0x39, 0x40);
    return t;
}

QPalette PlotTheme::palette() const
{
    if (!isDark) {
        // Fusion's light palette with white bases, as the plots.
        QPalette p(QColor(0xef, 0xef, 0xef));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
        p.setColor(QPalette::Text, Qt::black);
        p.setColor(QPalette::WindowText, Qt::black);
        p.setColor(QPalette::ButtonText, Qt::black);
        p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x6e, 0x6e));
        p.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xb2));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x00, 0x5c, 0xc5));
        return p;
    }
    const QColor window(0x2b, 0x2f, 0x35), text(0xe8, 0xea, 0xed);
    QPalette p(window);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, background);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x2a, 0x2f));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x34, 0x39, 0x40));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0x34, 0x39, 0x40));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa9, 0xb0, 0xba));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb8, 0xf5));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xf0));
    p.setColor(QPalette::Light, QColor(0x4a, 0x51, 0x5a));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x46, 0x4e));
    p.setColor(QPalette::Mid, QColor(0x80, 0x88, 0x92));
    p.setColor(QPalette::Dark, QColor(0x18, 0x1a, 0x1d));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0d, 0x0f));
    // Disabled text: dimmer, still above the background.
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x80, 0x88, 0x92));
    p.setColor(QPalette::Disabled, QPalette::Button, window);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

const PlotTheme& PlotTheme::current()
{
    return currentTheme();
}

void PlotTheme::setCurrent(const PlotTheme& theme)
{
    const bool changed = theme.isDark != currentTheme().isDark;
    currentTheme() = theme;
    if (changed)
        emit PlotThemeNotifier::instance()->changed();
}

void PlotTheme::apply(QCustomPlot* plot, const PlotTheme& theme)
{
    plot->setBackground(theme.background);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            applyToAxis(axis, theme);
    applyToLegend(plot->legend, theme);
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* scale = qobject_cast<QCPColorScale*>(element))
            applyToAxis(scale->axis(), theme);
        else if (auto* legend = qobject_cast<QCPLegend*>(element); legend && legend != plot->legend)
            applyToLegend(legend, theme);
        else if (auto* title = qobject_cast<QCPTextElement*>(element))
            title->setTextColor(theme.text);
    }
}

void PlotTheme::follow(QCustomPlot* plot)
{
    apply(plot, current());
    QObject::connect(plot, &QCustomPlot::beforeReplot, plot, [plot] { apply(plot, current()); });
    QObject::connect(PlotThemeNotifier::instance(), &PlotThemeNotifier::changed, plot,
        [plot] { plot->replot(QCustomPlot::rpQueuedReplot); });
}

PlotThemeNotifier* PlotThemeNotifier::instance()
{
    static auto* notifier = new PlotThemeNotifier;
    return notifier;
}

} // namespace widgets

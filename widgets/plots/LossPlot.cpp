#include "plots/LossPlot.h"

#include "common/FlowLayout.h"
#include "plots/LossPlotOverlays.h"
#include "plots/PlotExport.h"
#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/ReplotPacer.h"
#include "plots/TextLegendItem.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMenu>
#include <QPushButton>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {
const QColor kTrain(31, 119, 180);
const QColor kValidation(255, 127, 14);
const QColor kTrainAcc(44, 160, 44);
const QColor kValidationAcc(214, 39, 40);
} // namespace

LossPlot::LossPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    PlotTheme::follow(m_plot);
    m_log = new QCheckBox(tr("Log scale"), this);
    m_log->setToolTip(tr("Logarithmic loss axis"));
    m_showSteps = new QCheckBox(tr("Per batch"), this);
    m_showSteps->setChecked(true);
    m_showSteps->setToolTip(tr("Show the loss of every mini-batch, not only epoch means"));
    // One menu button instead of two push buttons keeps the training dock narrow enough for a
    // 1366-pixel screen.
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setToolTip(tr("Save the plot as a PNG image or its points as CSV"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    QAction* png = exportMenu->addAction(tr("Plot as PNG…"));
    QAction* csv = exportMenu->addAction(tr("Every run's points as CSV…"));
    exportButton->setMenu(exportMenu);
    auto* clear = new QPushButton(tr("Clear runs"), this);
    clear->setToolTip(tr("Remove the curves of earlier runs and of a sweep"));
    // Two groups in a flow: at a large font the buttons go below the check boxes rather than
    // making the loss plot, and with it the training dock, wider.
    auto* tools = new FlowLayout;
    auto* options = new QWidget(this);
    auto* optionsRow = new QHBoxLayout(options);
    optionsRow->setContentsMargins(0, 0, 0, 0);
    m_log->setParent(options);
    m_showSteps->setParent(options);
    optionsRow->addWidget(m_log);
    optionsRow->addWidget(m_showSteps);
    tools->addWidget(options);
    auto* buttons = new QWidget(this);
    auto* buttonsRow = new QHBoxLayout(buttons);
    buttonsRow->setContentsMargins(0, 0, 0, 0);
    exportButton->setParent(buttons);
    clear->setParent(buttons);
    buttonsRow->addWidget(exportButton);
    buttonsRow->addWidget(clear);
    tools->addWidget(buttons);
    tools->setAlignment(buttons, Qt::AlignRight);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(tools);
    layout->addWidget(m_plot, 1);

    m_plot->setMinimumSize(280, 180);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->yAxis2->setLabel(tr("accuracy (%)"));
    m_plot->yAxis2->setRange(0, 100);
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    // As many value ticks as the height holds: a short plot in presentation mode's large font
    // drew "0.25" over "0.5" (seen in tst_ui_polish under load).
    plotstyle::fitTicksToLength(m_plot, m_plot->yAxis);
    plotstyle::fitTicksToLength(m_plot, m_plot->yAxis2);
    m_plot->legend->setVisible(false); // an empty legend box before the first run looks broken
    m_plot->legend->setFont(QFont(font().family(), 8));
    // In its own row under the axes rather than inside them: losses near the top of their axis
    // and accuracies near 100 % ran under a corner legend. Entries fill rows of as many columns
    // as the width allows (arrangeLegend()).
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->axisRect()->insetLayout()->simplify();
    addLegendRow(m_plot->legend);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setMargins(QMargins(6, 0, 6, 4));
    m_plot->legend->setColumnSpacing(12);
    m_plot->legend->setRowSpacing(0);
    m_plot->legend->setIconSize(20, 10); // rows of text height, so the legend takes less room
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    // Earlier runs in a legend of their own, one per line: their names are long, and in the
    // current run's grid they would make every column as wide.
    m_runLegend = new QCPLegend;
    addLegendRow(m_runLegend);
    m_runLegend->setLayer(m_plot->legend->layer());
    m_runLegend->setFont(m_plot->legend->font());
    m_runLegend->setBorderPen(Qt::NoPen);
    m_runLegend->setBrush(Qt::NoBrush);
    m_runLegend->setMargins(QMargins(6, 0, 6, 4));
    m_runLegend->setRowSpacing(0);
    m_runLegend->setIconSize(m_plot->legend->iconSize());
    m_runLegend->setVisible(false);
    // A sweep's curves, under the earlier runs in the same layout row: an extra row would cost
    // the axes its spacing even while empty.
    m_overlayLegend = new QCPLegend;
    if (auto* row = qobject_cast<QCPLayoutGrid*>(
            m_plot->plotLayout()->element(m_plot->plotLayout()->rowCount() - 1, 0))) {
        row->addElement(1, 0, m_overlayLegend);
        row->setRowSpacing(0);
    }
    m_overlayLegend->setLayer(m_plot->legend->layer());
    m_overlayLegend->setFont(m_plot->legend->font());
    m_overlayLegend->setBorderPen(Qt::NoPen);
    m_overlayLegend->setBrush(Qt::NoBrush);
    m_overlayLegend->setMargins(QMargins()); // until there are overlays: see the changed() slot
    m_overlayLegend->setColumnSpacing(12);
    m_overlayLegend->setRowSpacing(0);
    m_overlayLegend->setIconSize(m_plot->legend->iconSize());
    m_overlays = new LossPlotOverlays(m_plot, m_overlayLegend, this);
    connect(m_overlays, &LossPlotOverlays::changed, this, [this] {
        m_overlayLegend->setMargins(
            m_overlays->count() > 0 ? QMargins(6, 0, 6, 4) : QMargins()); // as m_runLegend
        if (m_follow)
            rescale();
        ReplotPacer::of(m_plot)->request();
    });
    connect(m_plot, &QCustomPlot::beforeReplot, this, &LossPlot::arrangeLegend);
    // Zoom and pan the loss axis and time; the accuracy axis stays 0-100 %.
    m_plot->axisRect()->setRangeDragAxes(m_plot->xAxis, m_plot->yAxis);
    m_plot->axisRect()->setRangeZoomAxes(m_plot->xAxis, m_plot->yAxis);
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_follow = true;
        rescale();
        m_plot->replot();
    });
    m_plot->setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the data again"));

    connect(m_log, &QCheckBox::toggled, this, &LossPlot::setLogScale);
    connect(m_showSteps, &QCheckBox::toggled, this, [this](bool on) {
        if (m_lastIsCurrent)
            m_runs.back().stepLoss.graph->setVisible(on);
        m_plot->replot();
    });
    connect(png, &QAction::triggered, this, [this] {
        const QString f = QFileDialog::getSaveFileName(
            this, tr("Export loss plot"), QStringLiteral("loss.png"), tr("PNG images (*.png)"));
        if (!f.isEmpty())
            exportPng(f);
    });
    connect(csv, &QAction::triggered, this, [this] {
        const QString f = QFileDialog::getSaveFileName(
            this, tr("Export loss data"), QStringLiteral("loss.csv"), tr("CSV files (*.csv)"));
        if (!f.isEmpty())
            exportCsv(f);
    });
    connect(clear, &QPushButton::clicked, this, &LossPlot::clearRuns);
}

LossPlot::~LossPlot() = default;

void LossPlot::addLegendRow(QCPLegend* legend)
{
    // A layout column is no wider than the narrowest maximum of its elements, and a legend's
    // maximum is its entries' width: alone under the axes it would narrow them to its own width.
    // An empty element beside it takes the rest.
    auto* row = new QCPLayoutGrid;
    const int index = m_plot->plotLayout()->rowCount();
    m_plot->plotLayout()->addElement(index, 0, row);
    m_plot->plotLayout()->setRowStretchFactor(index, 0.001);
    row->addElement(0, 0, legend);
    row->addElement(0, 1, new QCPLayoutElement(m_plot));
    row->setColumnSpacing(0);
}

QCPGraph* LossPlot::makeGraph(
    bool rightAxis, const QColor& color, Qt::PenStyle style, double width, const QString& name)
{
    QCPGraph* g = m_plot->addGraph(m_plot->xAxis, rightAxis ? m_plot->yAxis2 : m_plot->yAxis);
    QPen pen(color, width, style);
    g->setPen(pen);
    g->setName(name);
    g->setAdaptiveSampling(true);
    return g;
}

void LossPlot::startSession(const TrainingSessionInfo& info)
{
    endCurrentRun();
    Run r;
    r.id = info.runId;
    r.fromFile = info.fromFile;
    // The same file opened again shows the same stored runs: they replace the earlier showing
    // instead of standing beside it, and so does a file's run under the number of a run trained
    // in the window (the one that was saved). Other runs trained in the window stay for
    // comparison.
    const bool replacesFileRuns = r.fromFile && !info.moreOfFile;
    auto shown = std::remove_if(m_runs.begin(), m_runs.end(), [&](Run& run) {
        if (run.id != r.id && !(replacesFileRuns && run.fromFile))
            return false;
        removeRun(run);
        return true;
    });
    m_runs.erase(shown, m_runs.end());
    // Variants of a lesson share the plot and often the settings: the name tells them apart.
    r.label = m_project.name.isEmpty() ? info.label
                                       : QStringLiteral("%1 (%2)").arg(m_project.name, info.label);
    r.classification = info.classification;
    QColor light = kTrain;
    light.setAlpha(70);
    r.stepLoss = {tr("train loss (batch)"), makeGraph(false, light, Qt::SolidLine, 1, {})};
    r.trainLoss = {tr("train loss"), makeGraph(false, kTrain, Qt::SolidLine, 2, {})};
    r.validationLoss = {tr("validation loss"), makeGraph(false, kValidation, Qt::SolidLine, 2, {})};
    r.trainAccuracy = {tr("train accuracy"), makeGraph(true, kTrainAcc, Qt::DashLine, 1.5, {})};
    r.validationAccuracy
        = {tr("validation accuracy"), makeGraph(true, kValidationAcc, Qt::DashLine, 1.5, {})};
    for (Series* s : r.all())
        s->graph->setName(s->name);
    r.stepLoss.graph->setVisible(m_showSteps->isChecked());
    r.stepLoss.graph->removeFromLegend();
    if (!r.classification) {
        r.trainAccuracy.graph->removeFromLegend();
        r.validationAccuracy.graph->removeFromLegend();
    }
    m_runs.push_back(r);
    m_lastIsCurrent = true;
    nameEarlierRuns();
    m_follow = true;
    m_plot->legend->setVisible(true);
    updateAccuracyAxis();
    m_plot->replot();
}

int LossPlot::lastRunId() const
{
    int last = 0;
    for (const Run& run : m_runs)
        last = std::max(last, run.id);
    return last;
}

void LossPlot::endCurrentRun()
{
    if (!m_lastIsCurrent)
        return;
    m_lastIsCurrent = false;
    Run& last = m_runs.back();
    if (last.trainLoss.graph->dataCount() == 0 && last.stepLoss.graph->dataCount() == 0) {
        removeRun(last);
        m_runs.pop_back();
    } else {
        dimRun(last, int(m_runs.size()) - 1);
    }
}

void LossPlot::dimRun(Run& run, int index)
{
    // An earlier run keeps one colour (its own, so several can be told apart), thin and faded;
    // only its epoch curves stay, and one legend entry names its hyperparameters.
    QColor c = plotstyle::seriesColor(index + 2);
    c.setAlpha(120);
    run.stepLoss.graph->setVisible(false);
    for (Series* s : run.all()) {
        s->graph->removeFromLegend();
        QPen pen = s->graph->pen();
        pen.setColor(c);
        pen.setWidthF(1.0);
        s->graph->setPen(pen);
    }
    run.trainLoss.graph->setPen(QPen(c, 1.0, Qt::DotLine));
    run.validationLoss.graph->setPen(QPen(c, 1.2, Qt::SolidLine));
    // The validation curve names the run when there is one, else the training curve.
    QCPGraph* named = run.validationLoss.graph->dataCount() > 0 ? run.validationLoss.graph
                                                                : run.trainLoss.graph;
    named->setName(tr("run %1: %2").arg(run.id).arg(run.label));
}

void LossPlot::nameEarlierRuns()
{
    // The newest earlier runs are named; older ones are only counted, so that the legend, and
    // with it the room the curves lose, stays a few lines however many runs are compared (the
    // CSV export names them all).
    m_runLegend->clearItems();
    const int earlier = int(m_runs.size()) - (m_lastIsCurrent ? 1 : 0);
    for (int i = std::max(0, earlier - kNamedRuns); i < earlier; ++i) {
        Run& run = m_runs[std::size_t(i)];
        QCPGraph* named = run.validationLoss.graph->dataCount() > 0 ? run.validationLoss.graph
                                                                    : run.trainLoss.graph;
        named->addToLegend(m_runLegend);
    }
    const int older = std::max(0, earlier - kNamedRuns);
    if (older > 0)
        m_runLegend->addItem(new TextLegendItem(
            m_runLegend, older == 1 ? tr("+ 1 older run") : tr("+ %1 older runs").arg(older)));
    m_runLegend->setVisible(earlier > 0);
    // A hidden legend still holds its row's margins.
    m_runLegend->setMargins(earlier > 0 ? QMargins(6, 0, 6, 4) : QMargins());
}

void LossPlot::arrangeLegend()
{
    arrangeLegendColumns(m_plot->legend);
    arrangeLegendColumns(m_overlayLegend);
}

void LossPlot::arrangeLegendColumns(QCPLegend* legend)
{
    // As many columns as fit the plot's width, each as wide as its widest entry.
    // itemCount() counts the grid's cells, empty ones too.
    std::vector<int> widths;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            widths.push_back(item->minimumOuterSizeHint().width());
    const int count = int(widths.size());
    if (count == 0)
        return;
    const int room
        = m_plot->viewport().width() - legend->margins().left() - legend->margins().right();
    int columns = count;
    for (; columns > 1; --columns) {
        int total = (columns - 1) * legend->columnSpacing();
        for (int c = 0; c < columns; ++c) {
            int widest = 0;
            for (int i = c; i < count; i += columns)
                widest = std::max(widest, widths[std::size_t(i)]);
            total += widest;
        }
        if (total <= room)
            break;
    }
    if (legend->wrap() != columns || legend->columnCount() != std::min(columns, count)) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLegend::foColumnsFirst, true);
    }
}

void LossPlot::removeRun(Run& run)
{
    for (Series* s : run.all()) {
        s->graph->removeFromLegend(m_runLegend); // QCustomPlot only cleans its main legend
        m_plot->removeGraph(s->graph);
    }
}

void LossPlot::clearRuns()
{
    while (m_runs.size() > (m_lastIsCurrent ? 1u : 0u)) {
        removeRun(m_runs.front());
        m_runs.erase(m_runs.begin());
    }
    // A sweep's curves are runs too (its table keeps their numbers).
    m_overlays->clear();
    nameEarlierRuns();
    rescale();
    m_plot->replot();
}

void LossPlot::clearForProject(const ProjectIdentity& project)
{
    const bool sameProject = !m_project.key.isEmpty() && project.key == m_project.key;
    m_project = project;
    // The last run is the previous project's (or variant's), not the open one's current run.
    endCurrentRun();
    if (!sameProject) {
        for (Run& run : m_runs)
            removeRun(run);
        m_runs.clear();
        m_overlays->clear();
    }
    nameEarlierRuns();
    m_plot->legend->setVisible(false);
    updateAccuracyAxis();
    m_follow = true;
    if (m_runs.empty()) {
        m_plot->xAxis->setRange(0, 1);
        m_plot->yAxis->setRange(0, 1);
    } else {
        rescale();
    }
    m_plot->replot();
}

void LossPlot::addSnapshot(const TrainingSnapshot& s)
{
    if (!m_lastIsCurrent || m_runs.back().id != s.runId || !s.hasUpdates())
        return;
    Run& r = m_runs.back();
    for (const StepPoint& p : s.steps)
        addStep(r, p.x, p.loss);
    for (const EpochPoint& e : s.epochs) {
        r.trainLoss.graph->addData(e.epoch, e.trainLoss);
        if (e.validationLoss)
            r.validationLoss.graph->addData(e.epoch, *e.validationLoss);
        if (e.trainAccuracy)
            r.trainAccuracy.graph->addData(e.epoch, 100.0 * *e.trainAccuracy);
        if (e.validationAccuracy)
            r.validationAccuracy.graph->addData(e.epoch, 100.0 * *e.validationAccuracy);
    }
    if (m_follow)
        rescale();
    ReplotPacer::of(m_plot)->request();
}

void LossPlot::updateAccuracyAxis()
{
    bool any = false;
    for (const Run& r : m_runs)
        any = any || r.classification;
    m_plot->yAxis2->setVisible(any);
}

std::optional<QCPRange> LossPlot::keyRange(const std::vector<const Run*>& runs) const
{
    std::optional<QCPRange> x;
    for (const Run* r : runs) {
        for (QCPGraph* g : {r->stepLoss.graph, r->trainLoss.graph, r->validationLoss.graph}) {
            bool ok = false;
            const QCPRange kr
                = g->visible() && g->dataCount() > 0 ? g->getKeyRange(ok) : QCPRange();
            if (!ok)
                continue;
            if (x)
                x->expand(kr);
            else
                x = kr;
        }
    }
    return x;
}

void LossPlot::rescale()
{
    // Time fits the current run: the earlier runs are compared over its epochs, rather than a
    // 2-epoch run being squeezed into the left edge of an earlier 150-epoch run's axis.
    std::optional<QCPRange> xRange;
    if (m_lastIsCurrent)
        xRange = keyRange({&m_runs.back()});
    if (!xRange) {
        std::vector<const Run*> all;
        for (const Run& r : m_runs)
            all.push_back(&r);
        xRange = keyRange(all);
    }
    // A sweep's curves are compared over all their epochs.
    for (QCPGraph* g : m_overlays->graphs()) {
        bool ok = false;
        const QCPRange kr = g->dataCount() > 0 ? g->getKeyRange(ok) : QCPRange();
        if (ok && xRange)
            xRange->expand(kr);
        else if (ok)
            xRange = kr;
    }
    if (!xRange)
        return;
    QCPRange x = *xRange;
    x.lower = std::min(0.0, x.lower);
    if (x.size() <= 0)
        x.upper = x.lower + 1;
    bool first = true;
    QCPRange y;
    const bool log = logScale();
    std::vector<QCPGraph*> lossGraphs;
    for (const Run& r : m_runs)
        lossGraphs.insert(
            lossGraphs.end(), {r.stepLoss.graph, r.trainLoss.graph, r.validationLoss.graph});
    for (QCPGraph* g : m_overlays->graphs())
        lossGraphs.push_back(g);
    for (QCPGraph* g : lossGraphs) {
        if (!g->visible() || g->dataCount() == 0)
            continue;
        bool ok = false;
        const QCPRange vr = g->getValueRange(ok, log ? QCP::sdPositive : QCP::sdBoth, x);
        if (!ok)
            continue;
        if (first)
            y = vr;
        else
            y.expand(vr);
        first = false;
    }
    if (first)
        return;
    m_plot->xAxis->setRange(x);
    if (log) {
        m_plot->yAxis->setRange(y.lower / 1.5, y.upper * 1.5);
    } else {
        const double pad = std::max(1e-9, 0.05 * y.size());
        m_plot->yAxis->setRange(std::min(0.0, y.lower), y.upper + pad);
    }
}

void LossPlot::setLogScale(bool on)
{
    if (m_log->isChecked() != on)
        m_log->setChecked(on); // re-enters through toggled()
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_follow = true;
    rescale();
    m_plot->replot();
}

bool LossPlot::logScale() const
{
    return m_log->isChecked();
}

bool LossPlot::exportPng(const QString& file)
{
    return plotexport::save(this, file).isEmpty();
}

bool LossPlot::exportCsv(const QString& file) const
{
    return plotexport::writeFileAtomically(file, csvText().toUtf8()).isEmpty();
}

QString LossPlot::csvText() const
{
    QString text;
    QTextStream out(&text);
    out << "run,label,series,x,value\n";
    for (const Run& r : m_runs) {
        const std::pair<const char*, QCPGraph*> series[] = {{"train_loss_batch", r.stepLoss.graph},
            {"train_loss", r.trainLoss.graph}, {"validation_loss", r.validationLoss.graph},
            {"train_accuracy", r.trainAccuracy.graph},
            {"validation_accuracy", r.validationAccuracy.graph}};
        QString label = r.label;
        label.replace('"', QStringLiteral("\"\""));
        for (const auto& [name, g] : series) {
            const bool percent = g == r.trainAccuracy.graph || g == r.validationAccuracy.graph;
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
                out << r.id << ",\"" << label << "\"," << name << ','
                    << QString::number(it->key, 'g', 8) << ','
                    << QString::number(percent ? it->value / 100.0 : it->value, 'g', 8) << '\n';
        }
    }
    out << m_overlays->csvRows();
    out.flush();
    return text;
}

void LossPlot::addStep(Run& r, double x, double loss)
{
    ++r.stepCount;
    r.pendingSum += loss;
    r.pendingX = x;
    if (++r.pending < r.block)
        return;
    r.stepLoss.graph->addData(r.pendingX, r.pendingSum / double(r.pending));
    r.pending = 0;
    r.pendingSum = 0;
    if (r.stepLoss.graph->dataCount() <= kMaxStepPoints)
        return;
    // Halve the resolution: average neighbouring pairs, and make blocks twice as long.
    QVector<double> keys, values;
    const auto data = r.stepLoss.graph->data();
    for (auto it = data->constBegin(); it != data->constEnd(); ++it) {
        auto next = it + 1;
        if (next == data->constEnd()) {
            keys << it->key;
            values << it->value;
            break;
        }
        keys << next->key;
        values << 0.5 * (it->value + next->value);
        it = next;
    }
    r.stepLoss.graph->setData(keys, values, true);
    r.block *= 2;
}

long LossPlot::stepPointCount() const
{
    return m_lastIsCurrent ? m_runs.back().stepCount : 0;
}

int LossPlot::epochPointCount() const
{
    return m_lastIsCurrent ? m_runs.back().trainLoss.graph->dataCount() : 0;
}

} // namespace widgets

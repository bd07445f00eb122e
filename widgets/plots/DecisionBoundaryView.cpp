#include "plots/DecisionBoundaryView.h"

#include "core/Errors.h"
#include "graph/Loss.h"
#include "plots/PlaneChoice.h"
#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/sequence/SequenceModelRunner.h"
#include "training/PlaneGrid.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace widgets {

namespace {
/// Cells per side of a plane's grid (the worker's 2-D grid has 64).
constexpr int kPlaneGridSize = 64;
/// Images cost a network pass each: 40 x 40 of them keep a CNN's picture under a second.
constexpr int kImageGridSize = 40;
/// Validation images drawn as points: more only hide the picture under them.
constexpr long kMaxDrawnImages = 2000;
} // namespace

DecisionBoundaryView::DecisionBoundaryView(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    PlotTheme::follow(m_plot);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_showTest = new QCheckBox(tr("Show test data"), this);
    m_showTest->setChecked(true);
    m_showTest->setToolTip(tr("Held-out points are drawn hollow with a dark outline"));
    m_planeChooser = new QComboBox(this);
    m_planeChooser->setToolTip(tr("The plane through the inputs the boundary is drawn on"));
    m_planeChooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_runner = new SequenceModelRunner(this);
    m_choice = new PlaneChoice(this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_note, 1);
    top->addWidget(m_planeChooser);
    top->addWidget(m_showTest);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_plot, 1);

    m_plot->setMinimumSize(220, 180);
    m_plot->xAxis->setLabel(QStringLiteral("x₁"));
    m_plot->yAxis->setLabel(QStringLiteral("x₂"));
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(true);
    m_scale = new QCPColorScale(m_plot);
    m_scale->setBarWidth(10);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_map->setColorScale(m_scale);
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_note->setAlignment(Qt::AlignCenter);
    clearForProject({});
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        if (event->button() != Qt::LeftButton)
            return;
        if (const int i = trainPointAt(event->position()); i >= 0)
            emit sampleClicked(i);
    });
    connect(m_planeChooser, &QComboBox::currentIndexChanged, this,
        [this](int index) { m_choice->setIndex(index); });
    setPlaneChoice(m_choice);
    connect(m_showTest, &QCheckBox::toggled, this, [this](bool on) {
        for (int i = 0; i < m_plot->graphCount(); ++i) {
            if (m_plot->graph(i)->property("test").toBool())
                m_plot->graph(i)->setVisible(on);
        }
        m_plot->replot();
    });
}

DecisionBoundaryView::~DecisionBoundaryView() = default;

void DecisionBoundaryView::setPlaneChoice(PlaneChoice* choice)
{
    if (m_choice)
        disconnect(m_choice, nullptr, this, nullptr);
    m_choice = choice;
    connect(m_choice, &PlaneChoice::changed, this, [this](int index) {
        if (!m_planeChooser->isVisibleTo(this) || index < 0 || index >= m_planeChooser->count())
            return;
        {
            const QSignalBlocker blocker(m_planeChooser);
            m_planeChooser->setCurrentIndex(index);
        }
        choosePlane(index);
    });
}

void DecisionBoundaryView::clearForProject(const ProjectIdentity&)
{
    m_info = {};
    m_hasBoundary = false;
    m_markedSample = -1;
    m_plot->clearGraphs();
    m_map->data()->clear();
    m_plane.reset();
    m_imagePlane = false;
    m_projectedTrain.resize(0, 0);
    ++m_planeRequest;
    m_runner->startSession({}); // drops a running evaluation's answer
    m_planeChooser->setVisible(false);
    {
        const QSignalBlocker blocker(m_planeChooser); // the shared choice stays
        m_planeChooser->clear();
    }
    m_plot->xAxis->setLabel(QStringLiteral("x₁"));
    m_plot->yAxis->setLabel(QStringLiteral("x₂"));
    labelClassScale(false);
    // Until a session brings data, an empty colour map would be a meaningless dark square.
    m_plot->setVisible(false);
    m_showTest->setVisible(false);
    m_note->setText(tr("Train a network on tabular data or images to see its decision boundary."));
    m_note->setVisible(true);
}

void DecisionBoundaryView::startSession(const TrainingSessionInfo& info)
{
    clearForProject({});
    m_info = info;
    const bool plane = planes::appliesToTable(info);
    m_imagePlane = planes::appliesToImages(info);
    m_note->setVisible(!info.twoD && !plane);
    m_plot->setVisible(info.twoD || plane || m_imagePlane);
    m_showTest->setVisible((info.twoD || plane) && info.testX.cols() > 0);
    if (!info.twoD && !plane && !m_imagePlane) {
        m_note->setText(
            tr("The decision boundary is shown for tabular inputs and image classifiers only."));
        return;
    }
    if (info.classification) {
        const bool binary = info.numClasses <= 2;
        m_map->setGradient(
            binary ? plotstyle::playground() : plotstyle::categorical(info.numClasses));
        m_scale->axis()->setLabel(binary ? tr("P(class 1)") : tr("predicted class"));
        labelClassScale(!binary);
    } else {
        m_map->setGradient(plotstyle::playground());
        m_scale->axis()->setLabel(tr("prediction"));
        m_targetMin = info.trainY.size() ? double(info.trainY.minCoeff()) : 0.0;
        m_targetMax = info.trainY.size() ? double(info.trainY.maxCoeff()) : 1.0;
        if (m_targetMax <= m_targetMin)
            m_targetMax = m_targetMin + 1;
    }
    if (plane) {
        startPlaneSession();
        return;
    }
    if (m_imagePlane) {
        m_runner->startSession(m_info);
        m_note->setText(tr("Computing the PCA plane of the %1 images…").arg(m_info.sampleSetName));
        m_plot->xAxis->setLabel(tr("PC1 of the images"));
        m_plot->yAxis->setLabel(tr("PC2 of the images"));
        m_plot->replot();
        return;
    }
    addPoints(info.trainX, info.trainY, false);
    addPoints(info.testX, info.testY, true);
    const int marked = std::exchange(m_markedSample, -1);
    setMarkedSample(marked);
    m_plot->rescaleAxes();
    m_plot->replot();
}

int DecisionBoundaryView::trainPointAt(const QPointF& pixel, double radiusPx) const
{
    const engine::Matrix& x = m_info.trainX;
    if (!m_info.twoD || x.rows() != 2)
        return -1;
    int best = -1;
    double bestDistance = radiusPx * radiusPx;
    for (long j = 0; j < x.cols(); ++j) {
        const double dx = m_plot->xAxis->coordToPixel(double(x(0, j))) - pixel.x();
        const double dy = m_plot->yAxis->coordToPixel(double(x(1, j))) - pixel.y();
        if (dx * dx + dy * dy <= bestDistance) {
            bestDistance = dx * dx + dy * dy;
            best = int(j);
        }
    }
    return best;
}

void DecisionBoundaryView::setMarkedSample(int trainIndex)
{
    for (int i = m_plot->graphCount() - 1; i >= 0; --i)
        if (m_plot->graph(i)->property("marker").toBool())
            m_plot->removeGraph(i);
    const engine::Matrix& x = m_info.trainX;
    m_markedSample = trainIndex >= 0 && x.rows() == 2 && trainIndex < x.cols() ? trainIndex : -1;
    if (m_markedSample >= 0) {
        QCPGraph* g = m_plot->addGraph();
        g->setProperty("marker", true);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssCircle, QPen(QColor(255, 170, 0), 2.5), Qt::NoBrush, 15));
        g->setData({double(x(0, m_markedSample))}, {double(x(1, m_markedSample))});
    }
    if (m_plot->isVisible())
        m_plot->replot();
}

void DecisionBoundaryView::addPoints(const engine::Matrix& x, const engine::Matrix& y, bool test)
{
    if (x.rows() != 2 || x.cols() == 0 || y.cols() != x.cols())
        return;
    // One graph per colour: classes, or for regression 8 bins of the target's range.
    std::map<int, std::pair<QVector<double>, QVector<double>>> groups;
    constexpr int kRegressionBins = 8;
    for (long j = 0; j < x.cols(); ++j) {
        int group = 0;
        if (m_info.classification) {
            group = int(y(0, j));
        } else {
            const double t = (double(y(0, j)) - m_targetMin) / (m_targetMax - m_targetMin);
            group = std::clamp(int(t * kRegressionBins), 0, kRegressionBins - 1);
        }
        groups[group].first << double(x(0, j));
        groups[group].second << double(x(1, j));
    }
    QCPColorGradient regression = plotstyle::playground(); // color() is not const
    for (auto& [group, pts] : groups) {
        QColor c = m_info.classification
            ? plotstyle::classColor(group)
            : regression.color((group + 0.5) / kRegressionBins, QCPRange(0, 1));
        QCPGraph* g = m_plot->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setProperty("test", test);
        g->setScatterStyle(test
                ? QCPScatterStyle(
                    QCPScatterStyle::ssCircle, QPen(Qt::black, 1.2), QBrush(c.lighter(130)), 6)
                : QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 1), QBrush(c), 6));
        g->setData(pts.first, pts.second);
        g->setVisible(!test || m_showTest->isChecked());
    }
}

void DecisionBoundaryView::startPlaneSession()
{
    m_runner->startSession(m_info);
    planes::fillChooser(m_planeChooser, m_info);
    const int index = std::clamp(m_choice->index(), 0, m_planeChooser->count() - 1);
    {
        const QSignalBlocker blocker(m_planeChooser);
        m_planeChooser->setCurrentIndex(index);
    }
    m_planeChooser->setVisible(true);
    choosePlane(index);
}

QString DecisionBoundaryView::featureName(long feature) const
{
    return planes::featureName(m_info, feature);
}

void DecisionBoundaryView::labelClassScale(bool names)
{
    QCPAxis* axis = m_scale->axis();
    if (!names) {
        if (axis->ticker().dynamicCast<QCPAxisTickerText>())
            axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        return;
    }
    // The legend of the predicted classes: each colour named where the scale shows it.
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int c = 0; c < std::max(2, m_info.numClasses); ++c)
        ticker->addTick(c, m_info.classNames.value(c, QString::number(c)));
    axis->setTicker(ticker);
}

QString DecisionBoundaryView::axisTitle(long feature) const
{
    // The points are the network's inputs: say so where those are not the data's own values.
    const std::string& method = m_info.scaling.method;
    if (m_info.scaling.isIdentity())
        return featureName(feature);
    return method == "standardize" ? tr("%1 (standardized)").arg(featureName(feature))
                                   : tr("%1 (scaled to [0, 1])").arg(featureName(feature));
}

void DecisionBoundaryView::choosePlane(int index)
{
    if (index < 0 || m_info.trainX.rows() <= 2)
        return;
    ++m_planeRequest;
    m_hasBoundary = false;
    m_plot->clearGraphs();
    m_map->data()->clear();
    const QPoint pair = m_planeChooser->itemData(index).toPoint();
    try {
        m_plane = planes::planeOf(*m_planeChooser, index, m_info.trainX);
    } catch (const engine::InputError& e) {
        m_plane.reset();
        m_note->setText(tr("No plane to draw on: %1").arg(QString::fromStdString(e.what())));
        m_note->setVisible(true);
        m_plot->setVisible(false);
        return;
    }
    auto percent = [this](int k) { return qRound(100 * m_plane->varianceFraction(k)); };
    m_plot->xAxis->setLabel(
        index == 0 ? tr("PC1 (%1% of variance)").arg(percent(0)) : axisTitle(pair.x()));
    m_plot->yAxis->setLabel(
        index == 0 ? tr("PC2 (%1% of variance)").arg(percent(1)) : axisTitle(pair.y()));
    m_projectedTrain = m_plane->project(m_info.trainX);
    addPoints(m_projectedTrain, m_info.trainY, false);
    if (m_info.testX.cols() > 0)
        addPoints(m_plane->project(m_info.testX), m_info.testY, true);

    // The points' bounding box plus a margin, as for 2-D data.
    m_planeFrame = planes::frameAround(m_projectedTrain, kPlaneGridSize);
    m_plot->xAxis->setRange(m_planeFrame.xMin, m_planeFrame.xMax);
    m_plot->yAxis->setRange(m_planeFrame.yMin, m_planeFrame.yMax);
    m_plot->replot();
    requestPlaneBoundary();
}

void DecisionBoundaryView::requestPlaneBoundary()
{
    if (!m_plane && !m_imagePlane)
        return;
    struct Answer {
        std::optional<engine::PcaPlane> plane; ///< computed by this job when it was not known
        engine::Matrix projected; ///< ... and the drawn images on it
        GridImage frame;
        BoundaryGrid grid;
    };
    auto result = std::make_shared<Answer>();
    const int request = m_planeRequest;
    m_runner->submit(
        [known = m_plane, frame = m_planeFrame, result, classification = m_info.classification,
            lo = m_targetMin, hi = m_targetMax, images = m_info.samples, gridSize = kImageGridSize,
            drawn = kMaxDrawnImages](engine::Graph& graph) {
            const engine::PcaPlane plane = known ? *known : planes::imagePlane(*images);
            result->frame = frame;
            if (!known) {
                result->plane = plane;
                result->projected
                    = plane.project(images->leftCols(std::min(drawn, long(images->cols()))));
                result->frame = planes::frameAround(result->projected, gridSize);
            }
            const GridImage& grid = result->frame;
            const engine::Matrix inputs = plane.lift(planeGridPoints(grid));
            const engine::Matrix& pred = SequenceModelRunner::forward(graph, inputs);
            engine::Matrix shown = pred;
            if (const auto loss = engine::Loss::create(graph.lossType()))
                loss->outputTransform(pred, shown);
            result->grid = boundaryFromOutputs(grid, shown, classification, lo, hi);
        },
        [this, result, request](const QString& error) {
            if (request != m_planeRequest)
                return; // another plane was chosen meanwhile; its own answer follows
            if (!error.isEmpty()) {
                m_note->setText(tr("Cannot draw the boundary: %1").arg(error));
                m_note->setVisible(true);
                return;
            }
            if (result->plane && !m_plane) {
                m_plane = std::move(result->plane);
                m_planeFrame = result->frame;
                showImagePlane(result->projected, m_info.sampleLabels);
            }
            showBoundary(result->grid);
        });
}

void DecisionBoundaryView::showImagePlane(
    const engine::Matrix& projected, const std::vector<int>& labels)
{
    auto percent = [this](int k) { return qRound(100 * m_plane->varianceFraction(k)); };
    m_plot->xAxis->setLabel(tr("PC1 of the images (%1% of variance)").arg(percent(0)));
    m_plot->yAxis->setLabel(tr("PC2 of the images (%1% of variance)").arg(percent(1)));
    m_projectedTrain = projected;
    engine::Matrix y(1, projected.cols());
    for (long j = 0; j < projected.cols(); ++j)
        y(0, j) = engine::Scalar(labels[std::size_t(j)]);
    addPoints(projected, y, false);
    m_note->setText(tr("%1 of the %2 %3 images by class; colours: the class predicted for the "
                       "mean image + a·PC1 + b·PC2")
                        .arg(projected.cols())
                        .arg(m_info.sampleSetSize)
                        .arg(m_info.sampleSetName));
    m_plot->xAxis->setRange(m_planeFrame.xMin, m_planeFrame.xMax);
    m_plot->yAxis->setRange(m_planeFrame.yMin, m_planeFrame.yMax);
}

void DecisionBoundaryView::addSnapshot(const TrainingSnapshot& s)
{
    if (s.runId != m_info.runId)
        return;
    if (m_plane || m_imagePlane) {
        if (s.weights) {
            m_runner->setWeights(s.weights);
            requestPlaneBoundary();
        }
        return;
    }
    if (s.boundary)
        showBoundary(*s.boundary);
}

void DecisionBoundaryView::showBoundary(const BoundaryGrid& boundary)
{
    const GridImage& img = boundary.image;
    const int n = img.size;
    QCPColorMapData* d = m_map->data();
    if (d->keySize() != n || d->valueSize() != n)
        d->setSize(n, n);
    const double dx = (img.xMax - img.xMin) / n, dy = (img.yMax - img.yMin) / n;
    d->setRange(QCPRange(img.xMin + dx / 2, img.xMax - dx / 2),
        QCPRange(img.yMin + dy / 2, img.yMax - dy / 2));
    for (int iy = 0; iy < n; ++iy)
        for (int ix = 0; ix < n; ++ix)
            d->setCell(ix, iy, double(img.values[iy * n + ix]));
    m_map->setDataRange(QCPRange(boundary.valueMin, boundary.valueMax));
    if (!m_hasBoundary) {
        m_plot->xAxis->setRange(img.xMin, img.xMax);
        m_plot->yAxis->setRange(img.yMin, img.yMax);
    }
    m_hasBoundary = true;
    plotstyle::replotIfVisible(m_plot);
}

std::optional<double> DecisionBoundaryView::valueAt(double x, double y) const
{
    if (!m_hasBoundary)
        return std::nullopt;
    return m_map->data()->data(x, y);
}

void DecisionBoundaryView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_plot->replot();
}

QString DecisionBoundaryView::csvText() const
{
    QString s = QStringLiteral("x1,x2,prediction\n");
    if (!m_hasBoundary)
        return s;
    QCPColorMapData* d = m_map->data();
    for (int iy = 0; iy < d->valueSize(); ++iy) {
        for (int ix = 0; ix < d->keySize(); ++ix) {
            double x = 0, y = 0;
            d->cellToCoord(ix, iy, &x, &y);
            s += csvNumber(x) + QLatin1Char(',') + csvNumber(y) + QLatin1Char(',')
                + csvNumber(d->cell(ix, iy)) + QLatin1Char('\n');
        }
    }
    return s;
}

QCustomPlot* DecisionBoundaryView::picturePlot() const
{
    return m_plot;
}

} // namespace widgets

#include "plots/PlaneChoice.h"

#include <QComboBox>
#include <QPoint>

#include <algorithm>

namespace widgets {

void PlaneChoice::setIndex(int index)
{
    if (index == m_index)
        return;
    m_index = index;
    emit changed(index);
}

namespace planes {

namespace {
/// The chooser lists the pairs of the first features only: 190 entries at most.
constexpr long kMaxChooserFeatures = 20;
} // namespace

bool appliesToTable(const TrainingSessionInfo& info)
{
    return !info.twoD && !info.sequence && info.architecture && info.context.inputShape.rank() == 1
        && info.trainX.rows() > 2 && info.trainX.cols() > 1;
}

bool appliesToImages(const TrainingSessionInfo& info)
{
    return !info.sequence && info.architecture && info.classification && info.numClasses > 1
        && !info.cleanSamples && info.context.inputShape.rank() == 3 && info.samples
        && info.samples->rows() > 2 && info.samples->cols() > 1
        && long(info.sampleLabels.size()) >= info.samples->cols();
}

void fillChooser(QComboBox* chooser, const TrainingSessionInfo& info)
{
    const QSignalBlocker blocker(chooser);
    chooser->clear();
    chooser->addItem(QObject::tr("PCA (first two components)"));
    const long listed = std::min(long(info.trainX.rows()), kMaxChooserFeatures);
    for (long i = 0; i < listed; ++i)
        for (long j = i + 1; j < listed; ++j)
            chooser->addItem(
                QObject::tr("%1 vs %2").arg(featureName(info, i), featureName(info, j)),
                QPoint(int(i), int(j)));
}

engine::PcaPlane planeOf(const QComboBox& chooser, int index, const engine::Matrix& x)
{
    if (index <= 0)
        return engine::PcaPlane::principalComponents(x);
    const QPoint pair = chooser.itemData(index).toPoint();
    return engine::PcaPlane::featurePair(x, pair.x(), pair.y());
}

engine::PcaPlane imagePlane(const engine::Matrix& images)
{
    const long n = images.cols();
    if (n <= kMaxPcaImages)
        return engine::PcaPlane::principalComponents(images);
    const long stride = (n + kMaxPcaImages - 1) / kMaxPcaImages;
    const long taken = (n + stride - 1) / stride;
    engine::Matrix subsample(images.rows(), taken);
    for (long k = 0; k < taken; ++k)
        subsample.col(k) = images.col(k * stride);
    return engine::PcaPlane::principalComponents(subsample);
}

QString featureName(const TrainingSessionInfo& info, long feature)
{
    if (feature < info.featureNames.size() && !info.featureNames[feature].isEmpty())
        return info.featureNames[feature];
    return QObject::tr("x%1").arg(feature + 1);
}

GridImage frameAround(const engine::Matrix& projected, int gridSize)
{
    const double x0 = projected.row(0).minCoeff(), x1 = projected.row(0).maxCoeff();
    const double y0 = projected.row(1).minCoeff(), y1 = projected.row(1).maxCoeff();
    const double mx = std::max(1e-3, 0.1 * (x1 - x0)), my = std::max(1e-3, 0.1 * (y1 - y0));
    return {gridSize, x0 - mx, x1 + mx, y0 - my, y1 + my, {}};
}

} // namespace planes

} // namespace widgets

#pragma once
// Which plane through inputs of more than two features the Playground views draw on, shared by
// the decision-boundary and neuron views so that a plane chosen in one applies to both.

#include "data/PcaPlane.h"
#include "training/TrainingSnapshot.h"

#include <QObject>

class QComboBox;

namespace widgets {

/// The chosen entry of the plane choosers (planeEntries()): 0 is the PCA plane, then the feature
/// pairs. Each view keeps its own chooser in step with it: setIndex() from the chooser, and
/// follows changed().
class PlaneChoice : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    int index() const { return m_index; }
    /// Emits changed() when `index` differs from the current one.
    void setIndex(int index);

signals:
    void changed(int index);

private:
    int m_index = 0;
};

namespace planes {

/// Flat inputs of more than two features with a network to run: drawn on a plane.
bool appliesToTable(const TrainingSessionInfo& info);
/// Image classification (H x W x C inputs) with validation images: drawn on their PCA plane.
bool appliesToImages(const TrainingSessionInfo& info);
/// At most this many images enter the PCA (evenly spaced through the set): the 784 x 784
/// covariance of 5000 images is a fraction of a second, of 60000 several seconds.
constexpr long kMaxPcaImages = 5000;

/// Fills `chooser` with "PCA (first two components)" then "A vs B" for the pairs of the first
/// 20 features (their names from `info`), each pair's item data a QPoint(first, second).
void fillChooser(QComboBox* chooser, const TrainingSessionInfo& info);
/// The plane of chooser entry `index` through the columns of `x` (features x n). Throws
/// engine::InputError as PcaPlane does.
engine::PcaPlane planeOf(const QComboBox& chooser, int index, const engine::Matrix& x);
/// The PCA plane of up to kMaxPcaImages of `images` (inputs x n), every ceil(n / max)-th.
engine::PcaPlane imagePlane(const engine::Matrix& images);
/// A feature's name from the session, or "x<k>" (1-based).
QString featureName(const TrainingSessionInfo& info, long feature);
/// The rectangle drawn: the bounding box of `projected` (2 x n) plus a 10 % margin, with
/// `gridSize` cells per side (values left empty).
GridImage frameAround(const engine::Matrix& projected, int gridSize);

} // namespace planes

} // namespace widgets

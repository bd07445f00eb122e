#pragma once

#include "training/TrainingSnapshot.h"

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QPointer>

#include <map>

class QTimer;

namespace widgets {

class CanvasScene;
class TrainingController;

/// Keeps the weight thumbnails of Dense and Conv2D cards on the canvas current: from the
/// training snapshots (at most every kIntervalMs, and always on pause, step, reset and the end
/// of a run) and from the document's stored weights (a project opened with weights).
///
/// Dense W (units x inputs) is drawn as a block-averaged heatmap filling the band; Conv2D W as
/// one small tile per filter (mean over input channels). Both on the diverging scale centred on
/// zero. Not owned by the scene; the scene's items may come and go (they are looked up by id).
class NodeThumbnails : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 250;
    /// Pixel size thumbnails are rendered at (twice the band, for sharp zoomed-in cards).
    static constexpr int kImageWidth = 320;
    static constexpr int kImageHeight = 50;

    NodeThumbnails(CanvasScene* scene, QObject* parent = nullptr);

    /// Listens to the controller's snapshots (may be null).
    void setController(TrainingController* controller);
    /// Off removes every thumbnail; on shows the latest weights again.
    void setEnabled(bool on);
    bool isEnabled() const { return m_enabled; }
    /// How many times thumbnails were applied to the cards (for tests).
    int applyCount() const { return m_applyCount; }

    /// Dense W as a heatmap of kImageWidth x kImageHeight.
    static QImage renderMatrix(const engine::Matrix& w);
    /// Conv2D W (filters x (kh * kw * channels)) as filter tiles on white.
    static QImage renderFilters(const engine::Matrix& w, int kernelH, int kernelW, int channels);

    void addSnapshot(const TrainingSnapshot& snapshot);

private:
    void takeDocumentWeights();
    void apply();
    void applySoon();

    QPointer<CanvasScene> m_scene;
    QPointer<TrainingController> m_controller;
    bool m_enabled = true;
    /// Latest W per node; images are rendered from it when applied.
    std::map<engine::NodeId, engine::Matrix> m_weights;
    bool m_pending = false;
    QElapsedTimer m_sinceApply;
    QTimer* m_timer = nullptr;
    int m_applyCount = 0;
};

} // namespace widgets

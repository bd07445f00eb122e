#pragma once

#include "document/GraphDocument.h"

#include <QGraphicsView>

namespace widgets {

class CanvasScene;

/// The canvas viewport: antialiased, Ctrl+wheel zooms around the cursor, middle-drag or
/// Space+left-drag pans, left-drag on empty space rubber-band selects, Delete/Backspace deletes
/// the selection. Draws a dot grid matching CanvasScene::kGridSize.
class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    explicit CanvasView(CanvasScene* scene, QWidget* parent = nullptr);

    CanvasScene* canvasScene() const { return m_scene; }
    double zoom() const; ///< 1.0 = 100 %

    static constexpr double kMinZoom = 0.2;
    /// The smallest zoom zoomToFit() goes to: below kMinZoom, so a network of some 70 cards
    /// (a ResNet-18-sized import) still shows whole as an overview in a laptop-sized canvas.
    static constexpr double kMinFitZoom = 0.05;
    static constexpr double kMaxZoom = 4.0;
    /// Room zoomToFit() leaves around the nodes, in scene units.
    static constexpr double kFitMargin = 40.0;

    /// The largest zoom zoomToFit() chooses (1.0; presentation mode raises it so cards, text and
    /// edges grow with the rest of the window while the network still fits).
    void setFitZoomLimit(double limit) { m_fitLimit = limit; }
    double fitZoomLimit() const { return m_fitLimit; }
    /// The smallest zoom zoomToFit() chooses (none by default; presentation mode asks for the
    /// zoom at which cards are readable from the back of a room): a network too large to fit
    /// at it is shown from its top-left (the input side), the rest a scroll away.
    void setFitZoomFloor(double floor) { m_fitFloor = floor; }

public slots:
    void zoomIn();
    void zoomOut();
    /// Fits all nodes (with a margin), never zooming in beyond fitZoomLimit() (100 %) nor out
    /// beyond kMinFitZoom.
    void zoomToFit();
    void resetZoom();
    /// Zooms by `factor`, keeping the scene point under `viewPos` fixed.
    void zoomBy(double factor, QPoint viewPos);
    /// Selects the node and scrolls it to the middle of the view (find, connections list);
    /// expands the collapsed group hiding it (an undoable step).
    void revealNode(NodeId id);

signals:
    void zoomChanged(double zoom);

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;

private:
    void setZoom(double zoom, QPoint viewPos);

    CanvasScene* m_scene;
    double m_fitLimit = 1.0;
    double m_fitFloor = 0.0;
    bool m_spaceDown = false;
    bool m_panning = false;
    QPoint m_panLast;
};

} // namespace widgets

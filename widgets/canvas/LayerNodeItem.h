#pragma once

#include "canvas/ItemTypes.h"
#include "document/GraphDocument.h"

#include <QFont>
#include <QGraphicsObject>
#include <QImage>
#include <QPixmap>

#include <array>

namespace widgets {

class CanvasScene;

/// A layer on the canvas: a rounded card with the type (coloured by palette category) and name,
/// the layer's summary, its output shape and parameter count, and what one sample costs (forward
/// FLOPs and training activation memory, engine::nodeCost()); input port(s) on the left edge,
/// the output port on the right. Outlined red with the engine's messages as tooltip when
/// validation reports errors for the node. Positions snap to the grid while dragged; the scene
/// turns a finished drag into a MoveNodesCommand.
class LayerNodeItem : public QGraphicsObject {
    Q_OBJECT
public:
    enum { Type = itemtype::LayerNode };
    static constexpr double kWidth = 180.0;
    static constexpr double kHeight = 96.0;
    static constexpr double kPortRadius = 6.0;
    /// Extra height of the card while it shows a weight thumbnail (kept below the layout gap,
    /// so that auto-placed cards never touch).
    static constexpr double kThumbnailBand = 34.0;
    /// Below this zoom the card's 12 px text is under 6 px: drawn as a sketch (paintSketch()).
    static constexpr double kSketchBelowScale = 0.5;

    /// Device pixels per scene unit at which a cached card keeps a picture of itself: between
    /// kSketchBelowScale and the last level a card is drawn from the picture of the next larger
    /// level (smoothly shrunk by at most 2^(1/3)), so zooming redraws no text; from the last
    /// level up, and whenever caching is off (exports), the card is painted.
    static constexpr std::array<double, 3> kZoomLevels = {0.63, 0.7937, 1.0};

    LayerNodeItem(CanvasScene* scene, NodeId id);

    int type() const override { return Type; }
    NodeId nodeId() const { return m_id; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    /// Re-reads everything shown from the document (name, summary, shape, errors).
    void refresh();

    /// Number of input ports drawn (0 for Input; 1 for single- and any-input layers).
    int inputPortCount() const { return m_inputPorts; }
    bool hasOutputPort() const { return m_hasOutput; }
    /// Port centres in item coordinates.
    QPointF inputPortPos(int port = 0) const;
    QPointF outputPortPos() const;
    /// Which port is under an item-coordinate point: -1 none, 0.. an input port, or kOutput.
    static constexpr int kOutputPort = 1000;
    int portAt(QPointF itemPos) const;

    bool hasError() const { return !m_errors.isEmpty(); }
    QString errorText() const { return m_errors; }
    /// Highlights an input port while a connection is dragged over it (red when refused).
    void setPortHighlight(int port, bool ok);

    /// Marks the card as a match of the find bar (an amber ring around it).
    void setFindHighlight(bool on);
    bool hasFindHighlight() const { return m_findHighlight; }

    /// A small heatmap of the node's weights, drawn in a band under the body; a null image
    /// removes the band. Ports keep their place, so attached edges do not move.
    void setThumbnail(const QImage& image);
    const QImage& thumbnail() const { return m_thumbnail; }
    /// kHeight, plus kThumbnailBand while a thumbnail is shown.
    double cardHeight() const { return m_thumbnail.isNull() ? kHeight : kHeight + kThumbnailBand; }
    /// Where the thumbnail is drawn, in item coordinates (empty without one).
    QRectF thumbnailRect() const;

    /// The kinds of text a card writes, each in its own font.
    enum class Text {
        Type, ///< header, left: the layer type
        Name, ///< header, right: the node's name
        Summary, ///< body, first line
        Detail, ///< body, second and third line: output shape and parameter count, costs
    };
    /// The third body line: "865 kFLOP · 400 kB" (forward FLOPs and training activation memory
    /// per sample), "" when the shape is unknown.
    QString costText() const { return m_cost; }
    /// The font `text` is drawn in.
    QFont font(Text text) const;
    /// The card without text, drawn below kSketchBelowScale.
    void paintSketch(QPainter* painter, const QRectF& card, bool selected) const;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    /// What a card's picture shows besides its geometry: pictures of another look are stale.
    struct Look {
        quint64 revision = 0; ///< m_revision: the document's content, the thumbnail
        quint64 sceneRevision = 0; ///< CanvasScene::lookRevision(): theme, text size
        bool selected = false;
        bool hovered = false;
        bool findHighlight = false;
        int highlightPort = -1;
        bool highlightOk = true;
        bool operator==(const Look&) const = default;
    };
    Look currentLook() const;
    /// The picture at kZoomLevels[level], made for the current look when missing or stale.
    const QPixmap& zoomLevelPicture(std::size_t level) const;
    /// The card in full, in item coordinates.
    void paintCard(QPainter* painter) const;

    CanvasScene* m_scene;
    NodeId m_id;
    QString m_type;
    QString m_name;
    QString m_summary;
    QString m_shape;
    long m_params = -1;
    QString m_cost;
    QString m_errors;
    QColor m_accent;
    int m_inputPorts = 1;
    bool m_hasOutput = true;
    bool m_hovered = false;
    bool m_findHighlight = false;
    int m_highlightPort = -1;
    bool m_highlightOk = true;
    QImage m_thumbnail;
    quint64 m_revision = 0;
    mutable Look m_pictureLook;
    mutable std::array<QPixmap, kZoomLevels.size()> m_pictures;
};

} // namespace widgets

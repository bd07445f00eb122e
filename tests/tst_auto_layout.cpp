// Layout and edge routing: data flows left to right in every row of the shipped lessons and of
// auto-layout, and every edge is drawn where it can be seen (never under a card).

#include "ResidualChain.h"
#include "canvas/AutoLayout.h"
#include "canvas/CanvasScene.h"
#include "canvas/EdgeItem.h"
#include "canvas/EdgeRoute.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/UnrolledOverlay.h"
#include "canvas/UnrolledRecurrentItem.h"
#include "document/GraphDocument.h"

#include "project/Project.h"

#include <QDir>
#include <QPainter>
#include <QTest>
#include <QUndoStack>

using namespace widgets;

namespace {

QString sourceDir()
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR");
}

struct SceneFixture {
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene {&doc, &stack};

    explicit SceneFixture(const QString& file)
    {
        doc.load(engine::loadProject((sourceDir() + "/" + file).toStdString()));
    }
};

QRectF cardRect(const CanvasScene& scene, NodeId id)
{
    const LayerNodeItem* card = scene.nodeItem(id);
    return QRectF(card->pos(), QSizeF(LayerNodeItem::kWidth, card->cardHeight()));
}

/// The first card (by id) whose body a drawn edge passes through, or -1. The path is sampled
/// every few pixels; a card's outline itself (where the ports sit) does not count.
NodeId firstCardUnder(const CanvasScene& scene, const QPainterPath& path)
{
    const int samples = std::max(50, int(path.length() / 2));
    std::vector<QPointF> points;
    for (int i = 0; i <= samples; ++i)
        points.push_back(path.pointAtPercent(double(i) / samples));
    for (const NodeId id : scene.document()->nodeIds()) {
        const QRectF body = cardRect(scene, id).adjusted(1, 1, -1, -1);
        for (const QPointF& p : points)
            if (body.contains(p))
                return id;
    }
    return -1;
}

constexpr double kCardW = 180;
constexpr double kCardH = 78;

/// The graph of a project file as layoutGraph() takes it (cards of one size).
std::pair<std::vector<LayoutNode>, std::vector<LayoutEdge>> graphOf(const QString& file)
{
    GraphDocument doc;
    doc.load(engine::loadProject((sourceDir() + "/" + file).toStdString()));
    std::vector<LayoutNode> nodes;
    for (const NodeId id : doc.nodeIds())
        nodes.push_back({id, QSizeF(kCardW, kCardH), doc.position(id)});
    std::vector<LayoutEdge> edges;
    for (const Edge& e : doc.edges())
        edges.push_back({e.from, e.to});
    return {nodes, edges};
}

std::vector<QRectF> cardsAt(const std::map<NodeId, QPointF>& positions)
{
    std::vector<QRectF> cards;
    for (const auto& [id, p] : positions)
        cards.emplace_back(p, QSizeF(kCardW, kCardH));
    return cards;
}

/// Ports as the canvas places them: output on the right edge, the arrow head's start a little
/// left of the input port.
QPointF outPort(QPointF card)
{
    return card + QPointF(kCardW, kCardH / 2);
}
QPointF arrowStart(QPointF card)
{
    return card + QPointF(-17, kCardH / 2);
}

} // namespace

class TestAutoLayout : public QObject {
    Q_OBJECT
private slots:
    void lessonRowsReadLeftToRight_data();
    void lessonRowsReadLeftToRight();
    void edgesClearOfCards_data();
    void edgesClearOfCards();
    void layoutFlowsLeftToRightInBands_data();
    void layoutFlowsLeftToRightInBands();
    void largeGraphLayout_data();
    void largeGraphLayout();
    void largeGraphOnCanvas_data();
    void largeGraphOnCanvas();
    void routeGoesAroundCardInTheWay();
    void routeWrapsBetweenRows();
    void directEdgeStaysBezier();
    void unrolledStripClearOfCards_data();
    void unrolledStripClearOfCards();
    void screenshot();
};

void TestAutoLayout::lessonRowsReadLeftToRight_data()
{
    QTest::addColumn<QString>("file");
    for (const QString& folder : {QString("resources/lessons"), QString("resources/examples")}) {
        const QDir dir(sourceDir() + "/" + folder);
        for (const QString& name : dir.entryList({"*.json"}))
            QTest::newRow(qPrintable(name)) << folder + "/" + name;
    }
}

void TestAutoLayout::lessonRowsReadLeftToRight()
{
    // Cards are stored in rows; an edge inside a row points right, an edge between rows points
    // down, as text reads.
    QFETCH(QString, file);
    SceneFixture f(file);
    for (const Edge& e : f.doc.edges()) {
        const QPointF a = f.doc.position(e.from);
        const QPointF b = f.doc.position(e.to);
        const QString what = QString("%1 -> %2 at (%3, %4) -> (%5, %6)")
                                 .arg(f.doc.nodeName(e.from), f.doc.nodeName(e.to))
                                 .arg(a.x())
                                 .arg(a.y())
                                 .arg(b.x())
                                 .arg(b.y());
        if (a.y() == b.y())
            QVERIFY2(a.x() < b.x(), qPrintable("against the row: " + what));
        else
            QVERIFY2(a.y() < b.y(), qPrintable("upward: " + what));
    }
}

void TestAutoLayout::edgesClearOfCards_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("autoLayout");
    QTest::newRow("lesson 3 as stored") << "resources/lessons/activations.json" << false;
    QTest::newRow("lesson 3 auto-layout") << "resources/lessons/activations.json" << true;
    QTest::newRow("residual as stored") << "resources/lessons/depth_residual.json" << false;
    QTest::newRow("residual auto-layout") << "resources/lessons/depth_residual.json" << true;
}

void TestAutoLayout::edgesClearOfCards()
{
    QFETCH(QString, file);
    QFETCH(bool, autoLayout);
    SceneFixture f(file);
    if (autoLayout)
        f.scene.autoLayout();
    QVERIFY(f.scene.edgeItemCount() > 0);
    for (const Edge& e : f.doc.edges()) {
        const EdgeItem* item = f.scene.edgeItem(e);
        QVERIFY(item);
        const NodeId under = firstCardUnder(f.scene, item->path());
        QVERIFY2(under < 0,
            qPrintable(QString("%1 -> %2 runs under %3")
                           .arg(f.doc.nodeName(e.from), f.doc.nodeName(e.to),
                               under < 0 ? QString() : f.doc.nodeName(under))));
    }
}

void TestAutoLayout::layoutFlowsLeftToRightInBands_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("lesson 3") << "resources/lessons/activations.json";
    QTest::newRow("lesson 6 residual") << "resources/lessons/depth_residual.json";
    QTest::newRow("iris") << "resources/examples/iris.json";
}

void TestAutoLayout::layoutFlowsLeftToRightInBands()
{
    // The pure function alone: no scene, no items.
    QFETCH(QString, file);
    const auto [nodes, edges] = graphOf(file);
    LayoutOptions options;
    const std::map<NodeId, QPointF> pos = layoutGraph(nodes, edges, options);
    QCOMPARE(pos.size(), nodes.size());
    const std::vector<QRectF> cards = cardsAt(pos);
    for (std::size_t i = 0; i < cards.size(); ++i)
        for (std::size_t j = i + 1; j < cards.size(); ++j)
            QVERIFY(!cards[i].intersects(cards[j]));
    const double maxWidth = options.maxColumns * (kCardW + options.columnGap);
    for (const QRectF& c : cards)
        QVERIFY(c.right() - cards.front().left() <= maxWidth); // wrapped into bands
    for (const LayoutEdge& e : edges) {
        const QPointF a = pos.at(e.from);
        const QPointF b = pos.at(e.to);
        // Right within a band; otherwise into a later band, below every card of this one.
        if (b.x() <= a.x())
            QVERIFY2(b.y() >= a.y() + kCardH + options.rowGap,
                qPrintable(QString("edge %1 -> %2 runs backward").arg(e.from).arg(e.to)));
        const QPainterPath path = routeEdge(outPort(a), arrowStart(b), cards);
        QVERIFY2(!pathCrossesCards(path, cards),
            qPrintable(QString("edge %1 -> %2 runs under a card").arg(e.from).arg(e.to)));
    }
}

void TestAutoLayout::largeGraphLayout_data()
{
    QTest::addColumn<bool>("topToBottom");
    QTest::newRow("left to right") << false;
    QTest::newRow("top to bottom") << true;
}

void TestAutoLayout::largeGraphLayout()
{
    // 200 layers with skips, the pure function: no card on another, every edge forward in
    // the chosen direction (or into a later band), every routed edge clear of the cards.
    QFETCH(bool, topToBottom);
    const LayoutDirection direction
        = topToBottom ? LayoutDirection::TopToBottom : LayoutDirection::LeftToRight;
    const engine::Project project = testgraphs::residualChain(200);
    std::vector<LayoutNode> nodes;
    for (const engine::NodeRecord& n : project.nodes)
        nodes.push_back({n.id, QSizeF(kCardW, kCardH), QPointF(n.x, n.y)});
    std::vector<LayoutEdge> edges;
    for (const Edge& e : project.edges)
        edges.push_back({e.from, e.to});
    LayoutOptions options;
    options.direction = direction;
    const std::map<NodeId, QPointF> pos = layoutGraph(nodes, edges, options);
    QCOMPARE(pos.size(), std::size_t(200));
    const std::vector<QRectF> cards = cardsAt(pos);
    for (std::size_t i = 0; i < cards.size(); ++i)
        for (std::size_t j = i + 1; j < cards.size(); ++j)
            QVERIFY2(!cards[i].intersects(cards[j]),
                qPrintable(QString("cards %1 and %2 overlap").arg(i).arg(j)));
    const bool down = direction == LayoutDirection::TopToBottom;
    // Bands: at most maxColumns layers deep along the flow.
    const double along = down ? kCardH + options.layerRowGap : kCardW + options.columnGap;
    QRectF all;
    for (const QRectF& c : cards)
        all = all.united(c);
    QVERIFY((down ? all.height() : all.width()) <= options.maxColumns * along);
    QVERIFY((down ? all.width() : all.height()) > 2 * (down ? kCardW : kCardH)); // it wrapped
    for (const LayoutEdge& e : edges) {
        const QPointF a = pos.at(e.from);
        const QPointF b = pos.at(e.to);
        const QString name = QString("edge %1 -> %2").arg(e.from).arg(e.to);
        if (down) // down within a band, otherwise into a band further right
            QVERIFY2(b.y() >= a.y() + kCardH || b.x() >= a.x() + kCardW + options.columnGap,
                qPrintable(name + " runs backward"));
        else
            QVERIFY2(b.x() >= a.x() + kCardW || b.y() >= a.y() + kCardH + options.rowGap,
                qPrintable(name + " runs backward"));
        const QPainterPath path = routeEdge(outPort(a), arrowStart(b), cards);
        QVERIFY2(!pathCrossesCards(path, cards), qPrintable(name + " runs under a card"));
    }
}

void TestAutoLayout::largeGraphOnCanvas_data()
{
    largeGraphLayout_data();
}

void TestAutoLayout::largeGraphOnCanvas()
{
    // The same on the canvas: cards as drawn (heights differ), edges as EdgeItem routes them.
    QFETCH(bool, topToBottom);
    const LayoutDirection direction
        = topToBottom ? LayoutDirection::TopToBottom : LayoutDirection::LeftToRight;
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene(&doc, &stack);
    doc.load(testgraphs::residualChain(200));
    scene.setLayoutDirection(direction);
    const long passes = scene.edgeRoutePasses();
    scene.autoLayout();
    QCOMPARE(stack.count(), 1); // one undo step
    // The edges are routed once after all cards moved, not once per card (which took 4 s).
    QCOMPARE(scene.edgeRoutePasses() - passes, 1L);
    const std::vector<NodeId> ids = doc.nodeIds();
    QCOMPARE(ids.size(), std::size_t(200));
    for (std::size_t i = 0; i < ids.size(); ++i)
        for (std::size_t j = i + 1; j < ids.size(); ++j)
            QVERIFY(!cardRect(scene, ids[i]).intersects(cardRect(scene, ids[j])));
    QCOMPARE(scene.edgeItemCount(), int(doc.edges().size()));
    for (const Edge& e : doc.edges()) {
        const NodeId under = firstCardUnder(scene, scene.edgeItem(e)->path());
        QVERIFY2(under < 0,
            qPrintable(QString("%1 -> %2 runs under %3")
                           .arg(doc.nodeName(e.from), doc.nodeName(e.to),
                               under < 0 ? QString() : doc.nodeName(under))));
    }
    // The flow's direction: the last layer is below the first (top to bottom) or right of it.
    const QPointF first = doc.position(ids.front());
    const QPointF second = doc.position(ids[1]);
    if (direction == LayoutDirection::TopToBottom)
        QVERIFY(second.y() > first.y() && second.x() == first.x());
    else
        QVERIFY(second.x() > first.x() && second.y() == first.y());
}

void TestAutoLayout::routeGoesAroundCardInTheWay()
{
    // A skip edge over the middle card of a row: the straight curve would run under it.
    const std::vector<QRectF> cards {
        {0, 0, kCardW, kCardH}, {270, 0, kCardW, kCardH}, {540, 0, kCardW, kCardH}};
    const QPointF from = outPort(cards[0].topLeft());
    const QPointF to = arrowStart(cards[2].topLeft());
    QVERIFY(pathCrossesCards(edgeBezier(from, to), cards));
    const QPainterPath path = routeEdge(from, to, cards);
    QVERIFY(!pathCrossesCards(path, cards));
    QCOMPARE(path.pointAtPercent(0), from);
    QCOMPARE(path.pointAtPercent(1), to);
    // It leaves to the right and arrives from the left, as every edge does.
    QVERIFY(path.pointAtPercent(0.01).x() > from.x());
    QVERIFY(path.pointAtPercent(0.99).x() < to.x());
}

void TestAutoLayout::routeWrapsBetweenRows()
{
    // From the end of one row to the start of the next, over a full row of cards.
    std::vector<QRectF> cards;
    for (int row = 0; row < 2; ++row)
        for (int col = 0; col < 4; ++col)
            cards.emplace_back(60 + 220 * col, 120 + 170 * row, kCardW, kCardH);
    const QPointF from = outPort(cards[3].topLeft());
    const QPointF to = arrowStart(cards[4].topLeft());
    QVERIFY(pathCrossesCards(edgeBezier(from, to), cards));
    const QPainterPath path = routeEdge(from, to, cards);
    QVERIFY(!pathCrossesCards(path, cards));
    QCOMPARE(path.pointAtPercent(1), to);
}

void TestAutoLayout::directEdgeStaysBezier()
{
    const std::vector<QRectF> cards {{0, 0, kCardW, kCardH}, {270, 40, kCardW, kCardH}};
    const QPointF from = outPort(cards[0].topLeft());
    const QPointF to = arrowStart(cards[1].topLeft());
    QCOMPARE(routeEdge(from, to, cards), edgeBezier(from, to));
}

void TestAutoLayout::unrolledStripClearOfCards_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("thumbnailsFirst");
    QTest::addColumn<bool>("autoLayout");
    QTest::newRow("lesson 8, trained then unrolled")
        << "resources/lessons/sequences.json" << true << false;
    QTest::newRow("lesson 8, unrolled then trained")
        << "resources/lessons/sequences.json" << false << false;
    QTest::newRow("lesson 8 LSTM, auto-layout")
        << "resources/lessons/sequences_lstm.json" << true << true;
}

void TestAutoLayout::unrolledStripClearOfCards()
{
    // Lesson 8: the time-step strip of the recurrent card (30 steps) must not run under the
    // next card, which after training grows by its weight thumbnail.
    QFETCH(QString, file);
    QFETCH(bool, thumbnailsFirst);
    QFETCH(bool, autoLayout);
    SceneFixture f(file);
    NodeId rnn = -1;
    for (const NodeId id : f.doc.nodeIds())
        if (f.scene.unrolledOverlay()->canUnroll(id))
            rnn = id;
    QVERIFY(rnn >= 0);
    QImage thumbnail(8, 8, QImage::Format_RGB32);
    thumbnail.fill(Qt::gray);
    auto showThumbnails = [&] {
        for (const NodeId id : f.doc.nodeIds())
            f.scene.nodeItem(id)->setThumbnail(thumbnail); // as after training
    };
    if (thumbnailsFirst)
        showThumbnails();
    f.scene.unrolledOverlay()->setUnrolled(rnn, true);
    if (!thumbnailsFirst)
        showThumbnails();
    if (autoLayout)
        f.scene.autoLayout();
    const UnrolledRecurrentItem* strip = f.scene.unrolledOverlay()->itemFor(rnn);
    QVERIFY(strip);
    QCOMPARE(strip->steps(), 30);
    const QRectF stripRect = strip->sceneBoundingRect();
    QVERIFY(stripRect.top() >= cardRect(f.scene, rnn).bottom()); // below its own card
    // Never wider than its card, so it cannot reach under the next column's card.
    QVERIFY(stripRect.left() >= cardRect(f.scene, rnn).left());
    QVERIFY(stripRect.right() <= cardRect(f.scene, rnn).right());
    for (int t = 0; t < strip->steps(); ++t) // every step drawn inside the strip
        QVERIFY(stripRect.contains(strip->mapRectToScene(strip->cellRect(t))));
    for (const NodeId id : f.doc.nodeIds()) {
        if (id == rnn)
            continue;
        QVERIFY2(!stripRect.intersects(f.scene.nodeItem(id)->sceneBoundingRect()),
            qPrintable("the strip runs under " + f.doc.nodeName(id)));
    }
    // Edges do not run under the strip either.
    for (const Edge& e : f.doc.edges()) {
        const QPainterPath path = f.scene.edgeItem(e)->path();
        QVERIFY2(!pathCrossesCards(path, {stripRect}),
            qPrintable(f.doc.nodeName(e.from) + " -> " + f.doc.nodeName(e.to)));
    }
}

void TestAutoLayout::screenshot()
{
    // For looking at routed edges by eye: NETCANVAS_SCREENSHOT=/tmp/layout.png writes the
    // residual lesson, lesson 3 and lesson 8 (unrolled), as stored and auto-laid-out (the
    // top-left part, at 100 %).
    const QString out = qEnvironmentVariable("NETCANVAS_SCREENSHOT");
    if (out.isEmpty())
        QSKIP("set NETCANVAS_SCREENSHOT=<file.png> to save pictures");
    for (const QString& name :
        {QString("depth_residual"), QString("activations"), QString("sequences")})
        for (const bool layout : {false, true}) {
            SceneFixture f("resources/lessons/" + name + ".json");
            for (const NodeId id : f.doc.nodeIds()) // lesson 8: the strip its text asks for
                f.scene.unrolledOverlay()->setUnrolled(id, true);
            if (layout)
                f.scene.autoLayout();
            const QRectF all = f.scene.nodesBoundingRect().adjusted(-30, -30, 30, 30);
            const QRectF part(all.topLeft(),
                QSizeF(std::min(all.width(), 1600.0), std::min(all.height(), 700.0)));
            QImage image(part.size().toSize(), QImage::Format_ARGB32);
            image.fill(Qt::white);
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            f.scene.render(&painter, QRectF(QPointF(), part.size()), part);
            painter.end();
            const QString suffix = "-" + name + (layout ? "-auto" : "-stored") + ".png";
            QVERIFY(image.save(QString(out).replace(".png", suffix)));
        }
}

QTEST_MAIN(TestAutoLayout)
#include "tst_auto_layout.moc"

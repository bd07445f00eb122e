// Views of convolutional networks, offscreen: filters of Conv2D kernels in the weight view,
// feature maps of one validation image, weight thumbnails on canvas cards, and examples whose
// cards do not overlap. A tiny CNN (28x28x1 -> conv 3x3x8 -> pool 2 -> conv 3x3x4 -> dense 2)
// trains for real on the worker thread on IDX files written by the test.
#include "IdxTestFiles.h"
#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/NodeThumbnails.h"
#include "document/GraphDocument.h"
#include "plots/ConvFilterView.h"
#include "plots/FeatureMapView.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHeatmap.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGraphicsView>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QUndoStack>

#include <cmath>

using widgets::ConvFilterView;
using widgets::TrainingController;

namespace {

constexpr engine::NodeId kInput = 1, kConv1 = 2, kPool = 3, kConv2 = 4, kFlatten = 5, kDense = 6,
                         kLoss = 7;

/// 48 images of 28x28: class 0 is bright on the left half, class 1 on the right half.
void writeIdx(const QString& dir)
{
    constexpr int side = 28;
    idxtest::writeImages(
        dir, 48, side, [](int i) { return i % 2; },
        [](int i, int x, int y) {
            const bool bright = (x < side / 2) == (i % 2 == 0);
            return bright ? 150 + (x * 7 + y * 3 + i) % 100 : (x + y + i) % 30;
        });
}

engine::Project tinyCnn()
{
    const auto j = nlohmann::json::parse(R"({
      "format": "netcanvas", "version": 1, "name": "tiny cnn",
      "nodes": [
        {"id": 1, "type": "Input", "name": "image", "position": [0, 0],
         "attributes": {"shape": [28, 28, 1]}},
        {"id": 2, "type": "Conv2D", "name": "conv1", "position": [220, 0],
         "attributes": {"filters": 8, "kernel": 3, "activation": "relu"}},
        {"id": 3, "type": "MaxPool2D", "name": "pool", "position": [440, 0],
         "attributes": {"pool": 2}},
        {"id": 4, "type": "Conv2D", "name": "conv2", "position": [660, 0],
         "attributes": {"filters": 4, "kernel": 3, "activation": "relu"}},
        {"id": 5, "type": "Flatten", "name": "flatten", "position": [880, 0], "attributes": {}},
        {"id": 6, "type": "Dense", "name": "logits", "position": [1100, 0],
         "attributes": {"units": 2}},
        {"id": 7, "type": "Loss", "name": "loss", "position": [1320, 0],
         "attributes": {"loss": "softmax_crossentropy"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4},
                {"from": 4, "to": 5}, {"from": 5, "to": 6}, {"from": 6, "to": 7}],
      "dataset": {"source": "idx", "path": "images.idx", "options": {"labels": "labels.idx"}},
      "training": {"epochs": 3, "batchSize": 8, "validationSplit": 0.25, "testSplit": 0.0,
                   "seed": 3, "optimizer": {"type": "adam", "learningRate": 0.01}}
    })");
    return engine::Project::fromJson(j);
}

QString grabPath(const QString& name)
{
    return QDir::tempPath() + QStringLiteral("/convviews_%1.png").arg(name);
}

/// A trained tiny CNN in a visible TrainingPanel, plus the canvas with thumbnails.
struct Fixture {
    QTemporaryDir dir;
    widgets::GraphDocument doc;
    QUndoStack undo;
    widgets::TrainingPanel panel;
    widgets::CanvasScene scene {&doc, &undo};
    widgets::NodeThumbnails thumbnails {&scene};
    widgets::TrainingSessionInfo info;

    Fixture()
    {
        writeIdx(dir.path());
        doc.load(tinyCnn());
        panel.setDocument(&doc);
        panel.setProjectDirectory(dir.path());
        panel.resize(1100, 520);
        thumbnails.setController(panel.controller());
        QObject::connect(panel.controller(), &TrainingController::sessionStarted, &panel,
            [this](const widgets::TrainingSessionInfo& i) { info = i; });
    }
    TrainingController* controller() { return panel.controller(); }
    bool train()
    {
        QSignalSpy finished(controller(), &TrainingController::finished);
        panel.train();
        return finished.wait(120000)
            && controller()->lastOutcome().result.reason == engine::StopReason::Completed;
    }
    const engine::Matrix& weight(engine::NodeId node, const std::string& param = "W")
    {
        return controller()->lastOutcome().weights.at(node).at(param);
    }
};

} // namespace

class TestConvViews : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void filterViewShowsConvKernels();
    void featureMapsPerLayer();
    void nodeThumbnailsFollowTraining();
    void examplesDoNotOverlap();
};

void TestConvViews::filterViewShowsConvKernels()
{
    Fixture f;
    f.panel.show();
    f.panel.tabs()->setCurrentWidget(f.panel.heatmap());
    QVERIFY(f.train());
    widgets::WeightHeatmap* heatmap = f.panel.heatmap();
    ConvFilterView* filters = heatmap->filterView();

    // conv1: 8 filters of 3x3x1.
    QVERIFY(heatmap->selectParam(kConv1, QStringLiteral("W")));
    QVERIFY(heatmap->showsFilters());
    QVERIFY(filters->isVisible());
    QVERIFY(heatmap->channelChoice()->isVisible());
    QCOMPARE(filters->filterCount(), 8);
    QCOMPARE(filters->channelCount(), 1);
    QCOMPARE(filters->kernelHeight(), 3);
    QCOMPARE(filters->tileCount(), 8);
    const engine::Matrix& w1 = f.weight(kConv1);
    QCOMPARE(w1.rows(), 8);
    QCOMPARE(w1.cols(), 9);
    // Hover over filter 5, row 2, col 1: the tooltip names it and the value is the engine's.
    const QRectF cell = filters->cellRect(5, -1, 2, 1);
    QVERIFY(filters->rect().contains(cell.toRect()));
    const auto hit = filters->cellAt(cell.center());
    QVERIFY(hit);
    QCOMPARE(hit->filter, 5);
    QCOMPARE(hit->row, 2);
    QCOMPARE(hit->col, 1);
    QCOMPARE(float(hit->value), float(w1(5, 2 * 3 + 1)));
    QTest::mouseMove(filters, cell.center().toPoint());
    QTRY_VERIFY_WITH_TIMEOUT(QToolTip::text().contains(QStringLiteral("conv1.W filter 5")), 5000);
    QVERIFY(QToolTip::text().contains(QString::number(double(w1(5, 7)), 'g', 5)));
    // Neighbouring cells are different cells, not the same one drawn twice.
    QCOMPARE(filters->cellAt(filters->cellRect(5, -1, 2, 2).center())->col, 2);
    QCOMPARE(filters->cellAt(filters->cellRect(6, -1, 0, 0).center())->filter, 6);
    f.panel.grab().save(grabPath("filters_conv1"));

    // conv2: 4 filters of 3x3x8; mean, side by side, and one channel.
    QVERIFY(heatmap->selectParam(kConv2, QStringLiteral("W")));
    QCOMPARE(filters->filterCount(), 4);
    QCOMPARE(filters->channelCount(), 8);
    QCOMPARE(heatmap->channelChoice()->count(), 2 + 8);
    const engine::Matrix& w2 = f.weight(kConv2);
    double mean = 0;
    for (int c = 0; c < 8; ++c)
        mean += double(w2(3, (1 * 3 + 2) * 8 + c)) / 8;
    heatmap->channelChoice()->setCurrentIndex(0);
    QCOMPARE(filters->tileCount(), 4);
    QVERIFY(
        std::abs(filters->cellAt(filters->cellRect(3, -1, 1, 2).center())->value - mean) < 1e-5);
    heatmap->channelChoice()->setCurrentIndex(1);
    QCOMPARE(filters->channelMode(), ConvFilterView::ChannelMode::SideBySide);
    QCOMPARE(filters->tileCount(), 4 * 8);
    const auto side = filters->cellAt(filters->cellRect(2, 6, 0, 1).center());
    QVERIFY(side);
    QCOMPARE(side->channel, 6);
    QCOMPARE(float(side->value), float(w2(2, (0 * 3 + 1) * 8 + 6)));
    f.panel.grab().save(grabPath("filters_conv2_side_by_side"));
    heatmap->channelChoice()->setCurrentIndex(2 + 5);
    QCOMPARE(filters->channelMode(), ConvFilterView::ChannelMode::Single);
    QCOMPARE(filters->tileCount(), 4);
    const auto single = filters->cellAt(filters->cellRect(1, -1, 2, 0).center());
    QCOMPARE(single->channel, 5);
    QCOMPARE(float(single->value), float(w2(1, (2 * 3 + 0) * 8 + 5)));

    // Gradients: same layout, other numbers, named dL/d.
    heatmap->setShowGradients(true);
    QVERIFY(heatmap->showsFilters());
    QCOMPARE(filters->filterCount(), 4);
    const auto grad = filters->cellAt(filters->cellRect(1, -1, 2, 0).center());
    QVERIFY(filters->cellText(*grad).startsWith(QStringLiteral("dL/dconv2.W")));
    QVERIFY(grad->value != single->value);
    heatmap->setShowGradients(false);

    // A dense layer goes back to the matrix heatmap.
    QVERIFY(heatmap->selectParam(kDense, QStringLiteral("W")));
    QVERIFY(!heatmap->showsFilters());
    QVERIFY(!heatmap->channelChoice()->isVisible());
    QCOMPARE(float(*heatmap->cellValue(1, 3)), float(f.weight(kDense)(1, 3)));
}

void TestConvViews::featureMapsPerLayer()
{
    Fixture f;
    widgets::FeatureMapView* maps = f.panel.featureMaps();
    f.panel.show();
    f.panel.tabs()->setCurrentWidget(maps);
    QCOMPARE(
        f.panel.tabs()->tabText(f.panel.tabs()->currentIndex()), QStringLiteral("Feature maps"));
    QVERIFY(!maps->message().isEmpty()); // nothing trained yet: it says what to do
    QSignalSpy updated(maps, &widgets::FeatureMapView::mapsUpdated);
    QVERIFY(f.train());
    // The last result is the one of the final weights.
    QTRY_VERIFY_WITH_TIMEOUT(updated.count() > 0 && !maps->isComputing(), 20000);
    QVERIFY(maps->message().isEmpty());
    QCOMPARE(maps->sampleCount(), 12); // validation split of 48 images
    QCOMPARE(maps->layerCount(), 3);
    struct Expect {
        engine::NodeId node;
        int h, w, c;
    };
    const Expect expected[] = {{kConv1, 26, 26, 8}, {kPool, 13, 13, 8}, {kConv2, 11, 11, 4}};
    for (int i = 0; i < 3; ++i) {
        const widgets::FeatureMapLayer& l = maps->layer(i);
        QCOMPARE(l.node, expected[i].node);
        QCOMPARE(l.height, expected[i].h);
        QCOMPARE(l.width, expected[i].w);
        QCOMPARE(l.channels, expected[i].c);
        QCOMPARE(maps->tileImage(i, l.channels - 1).size(), QSize(l.width, l.height));
        QVERIFY(maps->tileImage(i, l.channels).isNull());
        QVERIFY(maps->grid()->tileRect(i, l.channels - 1).isValid());
        QVERIFY(!maps->grid()->tileRect(i, l.channels).isValid());
    }
    // Every map at one scale, so drawn sizes follow the resolution: 26 x 26 conv1 twice its
    // 13 x 13 pooled maps (once drawn smaller than them), 11 x 11 conv2 smaller still, the
    // largest at least 48 px and the smallest at least 24 px.
    const widgets::FeatureMapGrid* grid = maps->grid();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(grid->tileRect(i, 0).size(), grid->tileSize(i));
    const QSize conv1 = grid->tileSize(0), pool = grid->tileSize(1), conv2 = grid->tileSize(2);
    QCOMPARE(conv1.width() * 13, pool.width() * 26);
    QCOMPARE(conv1.height() * 13, pool.height() * 26);
    QCOMPARE(conv1.width() * 11, conv2.width() * 26);
    QVERIFY2(conv1.width() >= 48, qPrintable(QString::number(conv1.width())));
    QVERIFY2(conv2.width() >= 24, qPrintable(QString::number(conv2.width())));
    // Tiles of a layer do not overlap, and layers follow each other.
    QVERIFY(!maps->grid()->tileRect(0, 0).intersects(maps->grid()->tileRect(0, 1)));
    QVERIFY(maps->grid()->tileRect(1, 0).top() > maps->grid()->tileRect(0, 7).bottom());

    // The activations are the network's: run the trained weights independently.
    auto check = [&](int sample) {
        engine::Graph g = f.doc.project().buildGraph();
        g.compile(f.info.context, 1);
        g.setWeights(f.controller()->lastOutcome().weights, true);
        const engine::Matrix x = f.info.samples->col(sample);
        g.forward(x, engine::Mode::Inference);
        for (int i = 0; i < maps->layerCount(); ++i) {
            const widgets::FeatureMapLayer& l = maps->layer(i);
            const engine::Matrix& out = g.output(l.node);
            QCOMPARE(long(l.values.size()), out.rows());
            for (long k = 0; k < out.rows(); k += 37)
                QVERIFY2(std::abs(double(l.values[std::size_t(k)]) - double(out(k, 0))) < 1e-4,
                    qPrintable(QStringLiteral("layer %1 value %2").arg(i).arg(k)));
        }
    };
    QCOMPARE(maps->resultSample(), 0);
    check(0);
    updated.clear();
    maps->sampleBox()->setValue(5);
    QVERIFY(updated.wait(20000));
    QCOMPARE(maps->resultSample(), 5);
    check(5);
    maps->setSample(5);
    f.panel.grab().save(grabPath("feature_maps"));
}

void TestConvViews::nodeThumbnailsFollowTraining()
{
    Fixture f;
    widgets::LayerNodeItem* conv = f.scene.nodeItem(kConv1);
    widgets::LayerNodeItem* dense = f.scene.nodeItem(kDense);
    widgets::LayerNodeItem* pool = f.scene.nodeItem(kPool);
    QVERIFY(conv && dense && pool);
    QVERIFY(conv->thumbnail().isNull()); // untrained: no band
    QCOMPARE(conv->cardHeight(), widgets::LayerNodeItem::kHeight);

    // One mini-batch: thumbnails appear on weight layers only.
    QSignalSpy snapshots(f.controller(), &TrainingController::snapshotReady);
    f.panel.step();
    QTRY_VERIFY_WITH_TIMEOUT(f.controller()->state() == TrainingController::State::Paused, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!conv->thumbnail().isNull(), 5000);
    QVERIFY(!dense->thumbnail().isNull());
    QVERIFY(pool->thumbnail().isNull());
    QCOMPARE(conv->cardHeight(),
        widgets::LayerNodeItem::kHeight + widgets::LayerNodeItem::kThumbnailBand);
    // The band is under the text lines and inside the card.
    const QRectF band = conv->thumbnailRect();
    QVERIFY(band.top() >= widgets::LayerNodeItem::kHeight);
    QVERIFY(QRectF(0, 0, widgets::LayerNodeItem::kWidth, conv->cardHeight()).contains(band));
    QVERIFY(conv->boundingRect().contains(band));
    const QImage afterStep = conv->thumbnail();
    const QImage denseAfterStep = dense->thumbnail();
    const int applied = f.thumbnails.applyCount();

    // Training on changes the pictures.
    QVERIFY(f.controller()->stop());
    QVERIFY(f.train());
    QTRY_VERIFY_WITH_TIMEOUT(f.thumbnails.applyCount() > applied, 5000);
    QVERIFY(conv->thumbnail() != afterStep);
    QVERIFY(dense->thumbnail() != denseAfterStep);
    QCOMPARE(conv->thumbnail(), widgets::NodeThumbnails::renderFilters(f.weight(kConv1), 3, 3, 1));
    QCOMPARE(dense->thumbnail(), widgets::NodeThumbnails::renderMatrix(f.weight(kDense)));

    QGraphicsView view(&f.scene);
    view.resize(1500, 260);
    view.fitInView(f.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
    view.show();
    view.grab().save(grabPath("canvas_thumbnails"));

    // The View menu's toggle: off removes the bands, on brings the latest back.
    f.thumbnails.setEnabled(false);
    QVERIFY(conv->thumbnail().isNull());
    QCOMPARE(conv->cardHeight(), widgets::LayerNodeItem::kHeight);
    f.thumbnails.setEnabled(true);
    QCOMPARE(conv->thumbnail(), widgets::NodeThumbnails::renderFilters(f.weight(kConv1), 3, 3, 1));

    // Editing the layer drops its now-stale picture.
    f.doc.setAttributes(kConv1, {{"filters", 6}, {"kernel", 3}, {"activation", "relu"}});
    QVERIFY(f.scene.nodeItem(kConv1)->thumbnail().isNull());
}

void TestConvViews::examplesDoNotOverlap()
{
    const QByteArray root = qgetenv("NETCANVAS_SOURCE_DIR");
    QVERIFY2(!root.isEmpty(), "run through ctest (NETCANVAS_SOURCE_DIR)");
    const QDir dir(QString::fromLocal8Bit(root) + QStringLiteral("/resources/examples"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.contains(QStringLiteral("fashion_cnn.json")));
    for (const QString& file : files) {
        widgets::GraphDocument doc;
        QUndoStack undo;
        doc.load(engine::loadProject(dir.filePath(file).toStdString()));
        widgets::CanvasScene scene(&doc, &undo);
        QVERIFY(scene.nodeItemCount() > 1);
        // With and without thumbnail bands (they make cards taller).
        for (bool thumbs : {false, true}) {
            std::vector<widgets::LayerNodeItem*> items;
            for (const auto& n : doc.project().nodes) {
                widgets::LayerNodeItem* item = scene.nodeItem(n.id);
                QVERIFY(item);
                if (thumbs)
                    item->setThumbnail(
                        widgets::NodeThumbnails::renderMatrix(engine::Matrix::Constant(2, 2, 1)));
                items.push_back(item);
            }
            for (std::size_t i = 0; i < items.size(); ++i)
                for (std::size_t j = i + 1; j < items.size(); ++j)
                    QVERIFY2(
                        !items[i]->sceneBoundingRect().intersects(items[j]->sceneBoundingRect()),
                        qPrintable(QStringLiteral("%1: nodes %2 and %3 overlap")
                                       .arg(file)
                                       .arg(items[i]->nodeId())
                                       .arg(items[j]->nodeId())));
        }
    }
}

QTEST_MAIN(TestConvViews)
#include "tst_conv_views.moc"

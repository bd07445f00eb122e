// The Reconstructions and Latent space tabs on a tiny autoencoder (8x8 images written as IDX
// files by the test) trained for real in a TrainingPanel, offscreen; and the tabs appearing only
// for autoencoders.
#include "IdxTestFiles.h"
#include "data/Autoencoder.h"
#include "document/GraphDocument.h"
#include "plots/TrainingPanel.h"
#include "plots/autoencoder/LatentSpaceView.h"
#include "plots/autoencoder/ReconstructionView.h"
#include "project/Project.h"
#include "teaching/StepThroughPanel.h"
#include "training/TrainingController.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>

#include <set>

using widgets::TrainingController;

namespace {

QString examplesDir()
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + QStringLiteral("/resources/examples");
}

/// 320 images of 8x8 in 4 classes: a bright bar in one of four places (top, bottom, left, right)
/// on a dim, varying background.
void writeIdx(const QString& dir)
{
    constexpr int side = 8;
    idxtest::writeImages(
        dir, 320, side, [](int i) { return i % 4; },
        [](int i, int x, int y) {
            const int label = i % 4;
            const bool bar = (label == 0 && y < 2) || (label == 1 && y >= 6)
                || (label == 2 && x < 2) || (label == 3 && x >= 6);
            return bar ? 200 + (x + y + i) % 50 : (3 * x + y + i) % 40;
        });
}

/// 64-16-2-16-64 autoencoder with a sigmoid output on the IDX images, masking noise.
engine::Project tinyAutoencoder(bool noise)
{
    auto j = nlohmann::json::parse(R"({
      "format": "netcanvas", "version": 1, "name": "tiny autoencoder",
      "nodes": [
        {"id": 1, "type": "Input", "name": "image", "position": [0, 0],
         "attributes": {"shape": [8, 8, 1]}},
        {"id": 2, "type": "Flatten", "name": "flatten", "position": [220, 0], "attributes": {}},
        {"id": 3, "type": "Dense", "name": "encoder", "position": [440, 0],
         "attributes": {"units": 16, "activation": "relu"}},
        {"id": 4, "type": "Dense", "name": "code", "position": [660, 0],
         "attributes": {"units": 2, "activation": "identity"}},
        {"id": 5, "type": "Dense", "name": "decoder", "position": [880, 0],
         "attributes": {"units": 16, "activation": "relu"}},
        {"id": 6, "type": "Dense", "name": "out", "position": [1100, 0],
         "attributes": {"units": 64, "activation": "sigmoid"}},
        {"id": 7, "type": "Loss", "name": "loss", "position": [1320, 0],
         "attributes": {"loss": "mse"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4},
                {"from": 4, "to": 5}, {"from": 5, "to": 6}, {"from": 6, "to": 7}],
      "dataset": {"source": "idx", "path": "images.idx",
                  "options": {"labels": "labels.idx", "target": "input"}},
      "training": {"epochs": 4, "batchSize": 16, "validationSplit": 0.25, "testSplit": 0.0,
                   "seed": 3, "optimizer": {"type": "adam", "learningRate": 0.01}}
    })");
    if (noise)
        j["dataset"]["options"]["inputNoise"] = {{"type", "masking"}, {"amount", 0.25}};
    return engine::Project::fromJson(j);
}

/// The tiny autoencoder trained in a visible TrainingPanel.
struct Fixture {
    QTemporaryDir dir;
    widgets::GraphDocument doc;
    widgets::TrainingPanel panel;
    widgets::TrainingSessionInfo info;

    explicit Fixture(bool noise)
    {
        writeIdx(dir.path());
        doc.load(tinyAutoencoder(noise));
        panel.setDocument(&doc);
        panel.setProjectDirectory(dir.path());
        panel.resize(1100, 560);
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
    /// The trained network run independently of the views.
    engine::Graph trainedGraph()
    {
        engine::Graph g = doc.project().buildGraph();
        g.compile(info.context, 1);
        g.setWeights(controller()->lastOutcome().weights, true);
        return g;
    }
    bool tabVisible(QWidget* w) const
    {
        return panel.tabs()->isTabVisible(panel.tabs()->indexOf(w));
    }
};

} // namespace

class TestAutoencoderViews : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void reconstructionsTab();
    void latentSpaceTab();
    void tabsOnlyWhereTheyApply();
    void stepThroughSummarizesTheImageTarget();
};

void TestAutoencoderViews::reconstructionsTab()
{
    Fixture f(true);
    f.panel.show();
    QVERIFY(f.tabVisible(f.panel.reconstructions()));
    f.panel.tabs()->setCurrentWidget(f.panel.reconstructions());
    QVERIFY(f.train());
    widgets::ReconstructionView* view = f.panel.reconstructions();
    QVERIFY(widgets::ReconstructionView::appliesTo(f.info));
    QVERIFY(f.info.cleanSamples);
    QCOMPARE(f.info.sampleSetName, QStringLiteral("validation"));
    QVERIFY(view->isDenoising());
    QCOMPARE(view->rowTitles(), (QStringList {"Noisy input", "Original", "Reconstruction"}));
    QCOMPARE(view->shownCount(), widgets::ReconstructionView::kShown);

    // The shown reconstructions are the trained network's, on the noisy inputs.
    engine::Graph g = f.trainedGraph();
    auto matches = [&](int first) {
        const engine::Matrix x = f.info.samples->middleCols(first, view->shownCount());
        const engine::Matrix out = g.forward(x, engine::Mode::Inference);
        for (int i = 0; i < view->shownCount(); ++i) {
            const engine::Matrix r = view->reconstruction(i);
            if (r.rows() != out.rows() || !r.isApprox(out.col(i), 1e-4f))
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(matches(0), 20000);
    const engine::Matrix clean = f.info.cleanSamples->leftCols(view->shownCount());
    QVERIFY(std::abs(view->shownMse()
                - engine::reconstructionMse(g.forward(f.info.samples->leftCols(view->shownCount()),
                                                engine::Mode::Inference),
                    clean))
        < 1e-6);
    // Masking darkened some pixels of the noisy row that the original row keeps.
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(int(view->rowImages(row).size()), view->shownCount());
        QCOMPARE(view->rowImages(row)[0].size(), QSize(8, 8));
    }
    QVERIFY(view->rowImages(0)[0] != view->rowImages(1)[0]);
    // Learned: the reconstructions are closer to the clean images than the noisy inputs are.
    const double noisyMse
        = engine::reconstructionMse(f.info.samples->leftCols(view->shownCount()), clean);
    QVERIFY2(view->shownMse() < noisyMse,
        qPrintable(QStringLiteral("%1 vs %2").arg(view->shownMse()).arg(noisyMse)));

    // Another window of samples, after training ended: computed from the final weights.
    QSignalSpy updated(view, &widgets::ReconstructionView::reconstructionsUpdated);
    view->firstSampleBox()->setValue(5);
    QVERIFY(updated.wait(20000));
    QVERIFY(matches(5));
    // Images do not overlap and the titles have room.
    const QRect a = view->strip()->imageRect(0, 0), b = view->strip()->imageRect(0, 1),
                c = view->strip()->imageRect(1, 0);
    QVERIFY(a.isValid() && !a.intersects(b) && !a.intersects(c));
    QVERIFY(a.left()
        > view->strip()->fontMetrics().horizontalAdvance(QStringLiteral("Reconstruction")));
    QVERIFY(view->strip()->rect().contains(view->strip()->imageRect(2, 7)));
    f.panel.grab().save(QDir::tempPath() + "/autoenc_reconstructions.png");
}

void TestAutoencoderViews::latentSpaceTab()
{
    Fixture f(false);
    f.panel.show();
    QVERIFY(f.tabVisible(f.panel.latentSpace()));
    f.panel.tabs()->setCurrentWidget(f.panel.latentSpace());
    QVERIFY(f.train());
    widgets::LatentSpaceView* view = f.panel.latentSpace();
    QCOMPARE(view->bottleneckName(), QStringLiteral("code"));
    QVERIFY(!f.panel.reconstructions()->isDenoising());
    engine::Graph g = f.trainedGraph();
    const long n = f.info.samples->cols();
    QCOMPARE(n, 80L); // a quarter of 320 images
    g.forward(*f.info.samples, engine::Mode::Inference);
    const engine::Matrix expected = g.output(4);
    QCOMPARE(expected.rows(), 2L);
    QTRY_VERIFY_WITH_TIMEOUT(
        view->pointCount() == n && view->codes().isApprox(expected, 1e-4f), 20000);
    // Colours by class, with the classes' names (IDX labels have none: their indices).
    std::set<int> classes;
    for (long i = 0; i < n; ++i) {
        QCOMPARE(view->pointClass(i), f.info.sampleLabels[std::size_t(i)]);
        classes.insert(view->pointClass(i));
    }
    QCOMPARE(int(classes.size()), 4);
    QCOMPARE(view->plot()->graphCount(), 4);
    QVERIFY(view->plot()->legend->visible());
    QCOMPARE(view->legendNames().size(), 4);
    long plotted = 0;
    for (int i = 0; i < view->plot()->graphCount(); ++i)
        plotted += view->plot()->graph(i)->dataCount();
    QCOMPARE(plotted, n);
    QVERIFY(view->message().isEmpty());
    // Every dot lies inside the axis rect with room for its 4-pixel disc, the outermost ones
    // included (the axes cover the codes' extent plus a margin).
    QCustomPlot* plot = view->plot();
    plot->replot();
    const QRect inner = plot->axisRect()->rect().adjusted(3, 3, -3, -3);
    for (long i = 0; i < n; ++i) {
        const QPointF at(plot->xAxis->coordToPixel(double(view->codes()(0, i))),
            plot->yAxis->coordToPixel(double(view->codes()(1, i))));
        QVERIFY2(inner.contains(at.toPoint()),
            qPrintable(QStringLiteral("point %1 at (%2, %3) outside (%4, %5)-(%6, %7)")
                           .arg(i)
                           .arg(at.x())
                           .arg(at.y())
                           .arg(inner.left())
                           .arg(inner.top())
                           .arg(inner.right())
                           .arg(inner.bottom())));
    }
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        const int unit = axis == plot->xAxis ? 0 : 1;
        const double lo = view->codes().row(unit).minCoeff(),
                     hi = view->codes().row(unit).maxCoeff();
        QVERIFY(axis->range().lower < lo - 0.03 * (hi - lo));
        QVERIFY(axis->range().upper > hi + 0.03 * (hi - lo));
    }
    f.panel.grab().save(QDir::tempPath() + "/autoenc_latent.png");
}

void TestAutoencoderViews::tabsOnlyWhereTheyApply()
{
    widgets::GraphDocument doc;
    widgets::TrainingPanel panel;
    panel.setDocument(&doc);
    auto visible = [&](QWidget* w) { return panel.tabs()->isTabVisible(panel.tabs()->indexOf(w)); };
    QCOMPARE(widgets::LatentSpaceView::twoUnitBottleneck(
                 engine::loadProject((examplesDir() + "/fashion_latent2d.json").toStdString()),
                 std::nullopt)
                 .has_value(),
        true);
    const auto load = [&](const QString& file) {
        doc.load(engine::loadProject((examplesDir() + "/" + file).toStdString()));
    };
    load("fashion_mlp.json");
    QVERIFY(!visible(panel.reconstructions()));
    QVERIFY(!visible(panel.latentSpace()));
    load("fashion_autoencoder.json");
    QVERIFY(doc.check().ok()); // the document knows the target is the image
    QVERIFY(visible(panel.reconstructions()));
    QVERIFY(!visible(panel.latentSpace()));
    load("fashion_latent2d.json");
    QVERIFY(doc.check().ok());
    QVERIFY(visible(panel.reconstructions()));
    QVERIFY(visible(panel.latentSpace()));
    load("mlp_xor.json");
    QVERIFY(!visible(panel.reconstructions()));
    QVERIFY(!visible(panel.latentSpace()));
}

namespace {

/// The most numbers on one line of `text`: a vector written out in full shows as a line with
/// as many numbers as it has values.
int mostNumbersOnALine(const QString& text)
{
    static const QRegularExpression number(QStringLiteral("-?\\d+(\\.\\d+)?(e[-+]?\\d+)?"));
    static const QRegularExpression lineBreak(QStringLiteral("[\n\u2028\u2029]"));
    int most = 0;
    for (const QString& line : text.split(lineBreak)) {
        int n = 0;
        for (auto it = number.globalMatch(line); it.hasNext(); it.next())
            ++n;
        most = std::max(most, n);
    }
    return most;
}

} // namespace

void TestAutoencoderViews::stepThroughSummarizesTheImageTarget()
{
    // The target of an autoencoder is its 64-pixel input: the Step Through text and the sample
    // line summarize it (values count, min/mean/max, a heatmap) instead of listing every pixel.
    QTemporaryDir dir;
    writeIdx(dir.path());
    widgets::GraphDocument doc;
    doc.load(tinyAutoencoder(false));
    widgets::StepThroughPanel panel;
    panel.setDocument(&doc);
    panel.setProjectDirectory(dir.path());
    panel.resize(420, 760);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_COMPARE(panel.sampleCount(), 240L); // loaded in the background
    panel.setSample(3);

    auto* info = panel.findChild<QLabel*>(QStringLiteral("StepSampleInfo"));
    QVERIFY(info);
    QVERIFY2(info->text().contains(QStringLiteral("64 targets")), qPrintable(info->text()));
    QVERIFY2(mostNumbersOnALine(info->text()) <= 4, qPrintable(info->text()));

    int presses = 0;
    while (panel.forwardButton()->isEnabled() && presses < 20) {
        QTest::mouseClick(panel.forwardButton(), Qt::LeftButton);
        ++presses;
    }
    QCOMPARE(presses, 7); // six nodes and the loss
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    const QString text = panel.explanation();
    QVERIFY2(text.contains(QStringLiteral("Loss of this sample")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("target y: 64 values, min ")), qPrintable(text));
    QVERIFY2(mostNumbersOnALine(text) <= widgets::StepThroughPanel::kSmallLayer, qPrintable(text));
    // The target's heatmap is the 8x8 image, drawn square.
    auto* browser = panel.findChild<QTextBrowser*>(QStringLiteral("StepExplanation"));
    QVERIFY(browser);
    const QImage target
        = browser->document()
              ->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("step://img/target")))
              .value<QImage>();
    QVERIFY(!target.isNull());
    QCOMPARE(target.width(), target.height());
    panel.grab().save(QDir::tempPath() + "/autoenc_step_through_loss.png");

    // The backward pass and the update stay readable too.
    while (panel.backwardButton()->isEnabled() && presses < 40) {
        QTest::mouseClick(panel.backwardButton(), Qt::LeftButton);
        ++presses;
    }
    QVERIFY(panel.updateButton()->isEnabled());
    QTest::mouseClick(panel.updateButton(), Qt::LeftButton);
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    QVERIFY(mostNumbersOnALine(panel.explanation()) <= widgets::StepThroughPanel::kSmallLayer);
    QCoreApplication::processEvents(); // the text's layout settles the scroll position
    panel.grab().save(QDir::tempPath() + "/autoenc_step_through.png");
}

QTEST_MAIN(TestAutoencoderViews)
#include "tst_autoencoder_views.moc"

// The sequence views (issue #9): per-step gradient norms of the recurrent layers, the hidden
// state heatmap, the forecast plot, text sampling and the unrolled recurrent card, on real
// widgets offscreen with real training sessions.

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/UnrolledOverlay.h"
#include "canvas/UnrolledRecurrentItem.h"
#include "document/GraphDocument.h"
#include "graph/Graph.h"
#include "inspector/Inspector.h"
#include "layers/Gru.h"
#include "layers/Lstm.h"
#include "layers/SimpleRnn.h"
#include "plots/TrainingPanel.h"
#include "plots/sequence/ForecastPlot.h"
#include "plots/sequence/HiddenStateView.h"
#include "plots/sequence/TextSamplingPanel.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QCheckBox>
#include <QDir>
#include <QGraphicsView>
#include <QMenu>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using widgets::TrainingController;

namespace {

constexpr engine::NodeId kInput = 1, kRnn = 2, kOut = 3;

/// Sine forecasting with a SimpleRNN of 8 units over windows of 12 steps.
engine::Project sineProject()
{
    return engine::Project::fromJson(nlohmann::json::parse(R"({
      "format": "netcanvas", "version": 1, "name": "sine",
      "nodes": [
        {"id": 1, "type": "Input", "name": "window", "position": [0, 0],
         "attributes": {"shape": [12, 1]}},
        {"id": 2, "type": "SimpleRNN", "name": "rnn", "position": [220, 0],
         "attributes": {"units": 8}},
        {"id": 3, "type": "Dense", "name": "next", "position": [440, 0],
         "attributes": {"units": 1}},
        {"id": 4, "type": "Loss", "name": "loss", "position": [660, 0],
         "attributes": {"loss": "mse"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4}],
      "dataset": {"source": "generator", "generator": "sine", "samples": 240, "noise": 0,
                  "options": {"length": 12}},
      "training": {"epochs": 4, "batchSize": 16, "validationSplit": 0.25, "testSplit": 0.0,
                   "seed": 5, "optimizer": {"type": "adam", "learningRate": 0.01}}
    })"));
}

/// Next-character prediction: ids -> Embedding -> LSTM -> Dense(vocabulary).
engine::Project charProject()
{
    return engine::Project::fromJson(nlohmann::json::parse(R"({
      "format": "netcanvas", "version": 1, "name": "chars",
      "nodes": [
        {"id": 1, "type": "Input", "name": "ids", "position": [0, 0],
         "attributes": {"shape": [8, 1]}},
        {"id": 2, "type": "Embedding", "name": "embed", "position": [220, 0],
         "attributes": {"vocab_size": 64, "units": 8}},
        {"id": 3, "type": "LSTM", "name": "lstm", "position": [440, 0],
         "attributes": {"units": 16}},
        {"id": 4, "type": "Dense", "name": "logits", "position": [660, 0],
         "attributes": {"units": 6}},
        {"id": 5, "type": "Loss", "name": "loss", "position": [880, 0],
         "attributes": {"loss": "softmax_crossentropy"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4},
                {"from": 4, "to": 5}],
      "dataset": {"source": "generator", "generator": "char_text", "samples": 300,
                  "options": {"length": 8, "text": "abcde abcde abcde abcde abcde abcde"}},
      "training": {"epochs": 3, "batchSize": 32, "validationSplit": 0.2, "testSplit": 0.0,
                   "seed": 2, "optimizer": {"type": "adam", "learningRate": 0.02}}
    })"));
}

/// A document in a visible TrainingPanel, with the session info kept.
struct Fixture {
    widgets::GraphDocument doc;
    widgets::TrainingPanel panel;
    widgets::TrainingSessionInfo info;

    explicit Fixture(const engine::Project& p)
    {
        doc.load(p);
        panel.setDocument(&doc);
        panel.resize(1100, 520);
        QObject::connect(panel.controller(), &TrainingController::sessionStarted, &panel,
            [this](const widgets::TrainingSessionInfo& i) { info = i; });
    }
    bool train()
    {
        if (!doc.isReadyToTrain())
            qWarning("not ready: %s", doc.check().summary().c_str());
        QSignalSpy finished(panel.controller(), &TrainingController::finished);
        QSignalSpy failed(panel.controller(), &TrainingController::failed);
        panel.train();
        if (failed.count() || panel.statusText().size())
            qWarning("%s", qPrintable(panel.statusText()));
        return finished.wait(120000)
            && panel.controller()->lastOutcome().result.reason == engine::StopReason::Completed;
    }
    /// The trained network, rebuilt here to compare the views with.
    std::unique_ptr<engine::Graph> trainedGraph()
    {
        auto g = std::make_unique<engine::Graph>(info.architecture->buildGraph());
        g->compile(info.context, 1);
        g->setWeights(panel.controller()->lastOutcome().weights, false);
        return g;
    }
    bool tabShown(QWidget* w) { return panel.tabs()->isTabVisible(panel.tabs()->indexOf(w)); }
};

/// dL/dh_t of a SimpleRNN by the textbook recursion: dh_{t-1} = R^T (dh_t * (1 - h_t^2)),
/// plus the output's gradient at t with sequences.
std::vector<double> rnnNormsByHand(engine::SimpleRnn& rnn, const engine::Matrix& gradOut)
{
    const int T = rnn.steps(), H = rnn.units();
    const engine::Matrix& hs = rnn.hiddenStates();
    const engine::Matrix r = *rnn.params()[1].value;
    std::vector<double> norms(static_cast<std::size_t>(T));
    engine::Matrix dh = engine::Matrix::Zero(H, hs.cols());
    for (int t = T - 1; t >= 0; --t) {
        if (rnn.returnSequences())
            dh += gradOut.middleRows(long(t) * H, H);
        else if (t == T - 1)
            dh += gradOut;
        norms[std::size_t(t)] = double(dh.norm());
        const engine::Matrix h = hs.middleRows(long(t) * H, H);
        dh = r.transpose() * (dh.array() * (1 - h.array().square())).matrix();
    }
    return norms;
}

engine::Matrix randomMatrix(long rows, long cols, engine::Rng& rng, double sd = 1.0)
{
    engine::Matrix m(rows, cols);
    for (long i = 0; i < m.size(); ++i)
        m.data()[i] = engine::Scalar(sd * rng.normal());
    return m;
}

/// Builds `layer` for {T, F} inputs, runs forward and backward with random data; returns the
/// norms the layer recorded.
std::vector<double> runLayer(engine::RecurrentLayer& layer, int T, int F, long batch,
    engine::Matrix& gradOut, double inputSd, std::uint64_t seed)
{
    engine::Rng rng(seed);
    layer.build({engine::Shape {T, F}}, rng);
    const engine::Matrix x = randomMatrix(long(T) * F, batch, rng, inputSd);
    engine::Matrix out, gx;
    layer.forward({&x}, out, engine::Mode::Train);
    gradOut = randomMatrix(out.rows(), batch, rng, 1.0 / double(batch));
    layer.backward({&x}, out, gradOut, {&gx});
    return layer.stepGradientNorms();
}

} // namespace

class TestSequenceViews : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void stepNormsMatchDirectComputation_data();
    void stepNormsMatchDirectComputation();
    void simpleRnnGradientsVanishLstmKeepsThem();
    void hiddenStateAndForecastFollowTraining();
    void textSamplingGeneratesInBackground();
    void unrolledCardShowsStepNorms();
};

void TestSequenceViews::stepNormsMatchDirectComputation_data()
{
    QTest::addColumn<bool>("sequences");
    QTest::newRow("last state") << false;
    QTest::newRow("return sequences") << true;
}

void TestSequenceViews::stepNormsMatchDirectComputation()
{
    QFETCH(bool, sequences);
    engine::SimpleRnn rnn;
    rnn.setAttributes({{"units", 5}, {"return_sequences", sequences}});
    engine::Matrix gradOut;
    const std::vector<double> norms = runLayer(rnn, 7, 3, 4, gradOut, 1.0, 11);
    const std::vector<double> expected = rnnNormsByHand(rnn, gradOut);
    QCOMPARE(int(norms.size()), 7);
    for (int t = 0; t < 7; ++t)
        QVERIFY2(std::abs(norms[std::size_t(t)] - expected[std::size_t(t)])
                <= 1e-4 * expected[std::size_t(t)] + 1e-9,
            qPrintable(QStringLiteral("t=%1: %2 vs %3")
                           .arg(t)
                           .arg(norms[std::size_t(t)])
                           .arg(expected[std::size_t(t)])));
    // The last step's gradient is the output's, for every cell type.
    const double last = double(sequences ? gradOut.bottomRows(5).norm() : gradOut.norm());
    QVERIFY(std::abs(norms.back() - last) <= 1e-5 * last);
    engine::Lstm lstm;
    lstm.setAttributes({{"units", 5}, {"return_sequences", sequences}});
    const std::vector<double> ln = runLayer(lstm, 7, 3, 4, gradOut, 1.0, 12);
    QVERIFY(std::abs(ln.back() - double(sequences ? gradOut.bottomRows(5).norm() : gradOut.norm()))
        <= 1e-5 * ln.back());
    engine::Gru gru;
    gru.setAttributes({{"units", 5}, {"return_sequences", sequences}});
    const std::vector<double> gn = runLayer(gru, 7, 3, 4, gradOut, 1.0, 13);
    QCOMPARE(int(gn.size()), 7);
    QVERIFY(gn.front() > 0 && std::isfinite(gn.front()));
}

void TestSequenceViews::simpleRnnGradientsVanishLstmKeepsThem()
{
    // 60 steps, last state only: the gradient enters at t = 59 and flows back.
    constexpr int T = 60;
    engine::Matrix gradOut;
    engine::SimpleRnn rnn;
    rnn.setAttributes({{"units", 16}});
    const std::vector<double> rn = runLayer(rnn, T, 4, 32, gradOut, 2.0, 21);
    engine::Lstm lstm;
    lstm.setAttributes({{"units", 16}});
    const std::vector<double> ln = runLayer(lstm, T, 4, 32, gradOut, 2.0, 21);
    const double rnnRatio = rn.front() / rn.back();
    const double lstmRatio = ln.front() / ln.back();
    qInfo("||dL/dh_0|| / ||dL/dh_59||: SimpleRNN %g, LSTM %g", rnnRatio, lstmRatio);
    // SimpleRNN: decays toward t = 0 (a saturated tanh shrinks every step) ...
    QVERIFY(rnnRatio < 1e-3);
    int increases = 0;
    for (int t = 1; t < T; ++t)
        increases += rn[std::size_t(t)] > rn[std::size_t(t - 1)] ? 1 : 0;
    QVERIFY2(increases >= T * 3 / 4, qPrintable(QString::number(increases)));
    // ... by orders of magnitude more than through the LSTM's cell.
    QVERIFY(lstmRatio > 100 * rnnRatio);
}

void TestSequenceViews::hiddenStateAndForecastFollowTraining()
{
    Fixture f(sineProject());
    f.panel.show();
    // Before training the tabs follow the document: recurrent layer, regression, no text.
    QVERIFY(f.tabShown(f.panel.hiddenStates()));
    QVERIFY(f.tabShown(f.panel.forecast()));
    QVERIFY(!f.tabShown(f.panel.textSampling()));

    widgets::HiddenStateView* hidden = f.panel.hiddenStates();
    f.panel.tabs()->setCurrentWidget(hidden);
    QSignalSpy updated(hidden, &widgets::HiddenStateView::statesUpdated);
    QVERIFY(f.train());
    QVERIFY(f.info.sequence);
    QVERIFY(hidden->applies());
    QVERIFY(!f.panel.textSampling()->applies());
    QVERIFY(!f.tabShown(f.panel.textSampling()));
    QVERIFY(updated.count() > 0 || updated.wait(20000));

    // Sequence 3 after training: the view's h equals the engine's for the final weights.
    hidden->setSample(3);
    QTRY_VERIFY_WITH_TIMEOUT(hidden->resultSample() == 3 && !hidden->layers().empty(), 20000);
    // A late snapshot may still be queued: wait until the result reflects the final weights.
    auto g = f.trainedGraph();
    engine::Matrix x = f.info.samples->col(3);
    g->forward(x, engine::Mode::Inference);
    const auto& rnn = dynamic_cast<const engine::RecurrentLayer&>(g->layer(kRnn));
    const engine::Matrix& hs = rnn.hiddenStates();
    QTRY_VERIFY_WITH_TIMEOUT(hidden->cellValue(5, 11)
            && std::abs(*hidden->cellValue(5, 11) - double(hs(11 * 8 + 5, 0))) < 1e-5,
        20000);
    const widgets::HiddenStateLayer* l = hidden->current();
    QVERIFY(l);
    QCOMPARE(l->node, kRnn);
    QCOMPARE(int(l->h.rows()), 8);
    QCOMPARE(int(l->h.cols()), 12);
    for (int t = 0; t < 12; ++t)
        for (int u = 0; u < 8; ++u)
            QVERIFY(std::abs(*hidden->cellValue(u, t) - double(hs(long(t) * 8 + u, 0))) < 1e-5);
    QVERIFY(!hidden->cellValue(8, 0));
    QVERIFY(hidden->cellText(2, 7).contains(QStringLiteral("t = 7, unit 2")));
    f.panel.grab().save(QDir::tempPath() + "/seqviews_hidden.png");

    // Forecast: the prediction for window 4 is the network's output on it.
    widgets::ForecastPlot* forecast = f.panel.forecast();
    QVERIFY(forecast->applies());
    f.panel.tabs()->setCurrentWidget(forecast);
    forecast->setSample(4);
    x = f.info.samples->col(4);
    const double expected = double(g->forward(x, engine::Mode::Inference)(0, 0));
    QTRY_VERIFY_WITH_TIMEOUT(forecast->resultSample() == 4 && !forecast->prediction().empty()
            && std::abs(forecast->prediction()[0] - expected) < 1e-5,
        20000);
    f.panel.grab().save(QDir::tempPath() + "/seqviews_forecast.png");
    // Trained for a few epochs, the forecast is better than predicting the mean (0).
    forecast->setAllWindows(true);
    QTRY_VERIFY_WITH_TIMEOUT(
        int(forecast->allPredictions().size()) == forecast->sampleCount(), 20000);
    double se = 0, var = 0;
    const engine::Matrix& y = *f.info.sampleTargets;
    for (int j = 0; j < forecast->sampleCount(); ++j) {
        se += std::pow(forecast->allPredictions()[std::size_t(j)] - double(y(0, j)), 2);
        var += std::pow(double(y(0, j)), 2);
    }
    qInfo("forecast over %d windows: MSE %g, mean-zero MSE %g", forecast->sampleCount(),
        se / forecast->sampleCount(), var / forecast->sampleCount());
    QVERIFY(se < 0.5 * var);
    f.panel.grab().save(QDir::tempPath() + "/seqviews_forecast_all.png");
}

void TestSequenceViews::textSamplingGeneratesInBackground()
{
    Fixture f(charProject());
    f.panel.show();
    QVERIFY(f.tabShown(f.panel.textSampling()));
    QVERIFY(!f.tabShown(f.panel.forecast()));
    widgets::TextSamplingPanel* text = f.panel.textSampling();
    f.panel.tabs()->setCurrentWidget(text);
    QVERIFY(f.train());
    QVERIFY(text->applies());
    QCOMPARE(f.info.vocabulary.size(), 6); // a b c d e and the space
    // The page is in the training views' tab stack, which is as wide as its widest page: it must
    // not hold the loss plot beside it narrow (presentation mode at 1366x768).
    QVERIFY2(text->minimumSizeHint().width() <= 320,
        qPrintable(QString::number(text->minimumSizeHint().width())));

    // A character outside the vocabulary is named with its position.
    text->setSeedText(QStringLiteral("abZ"));
    QVERIFY(!text->generate());
    QVERIFY(text->message().contains(QStringLiteral("'Z' at position 3")));

    // Greedy (temperature 0) continuation, compared with the same loop on the engine.
    text->setSeedText(QStringLiteral("abc"));
    text->setTemperature(0);
    text->setLength(30);
    QSignalSpy done(text, &widgets::TextSamplingPanel::generationFinished);
    QVERIFY(text->generate());
    QVERIFY(text->isGenerating()); // returned at once; the work is on the runner's thread
    QVERIFY(done.wait(30000));
    QCOMPARE(text->generatedText().size(), 30);

    auto g = f.trainedGraph();
    std::vector<int> tokens;
    for (QChar c : QStringLiteral("abc"))
        tokens.push_back(int(f.info.vocabulary.indexOf(QString(c))));
    QString expected;
    engine::Matrix in(8, 1);
    for (int n = 0; n < 30; ++n) {
        for (int s = 0; s < 8; ++s)
            in(s, 0) = engine::Scalar(tokens[std::size_t(std::max(0, int(tokens.size()) - 8 + s))]);
        Eigen::Index next = 0;
        g->forward(in, engine::Mode::Inference).col(0).maxCoeff(&next);
        tokens.push_back(int(next));
        expected += f.info.vocabulary[int(next)];
    }
    QCOMPARE(text->generatedText(), expected);
    qInfo("greedy continuation of 'abc': '%s'", qPrintable(expected));
    QVERIFY(expected.contains(QStringLiteral("de abc"))); // it learned the repeated word

    // Sampling at a temperature stays within the vocabulary; Stop ends a long run early.
    text->setTemperature(1.0);
    text->setLength(5000);
    QVERIFY(text->generate());
    QTRY_VERIFY_WITH_TIMEOUT(text->generatedText().size() >= 16, 30000);
    text->stopGenerating();
    QVERIFY(!text->isGenerating());
    const QString partial = text->generatedText();
    QVERIFY(partial.size() < 5000);
    for (QChar c : partial)
        QVERIFY(f.info.vocabulary.contains(QString(c)));
    // A new run starts once the cancelled one returns; the stopped text no longer grows.
    text->setLength(20);
    QVERIFY(text->generate());
    QVERIFY(done.wait(30000));
    QCOMPARE(text->generatedText().size(), 20);
    f.panel.grab().save(QDir::tempPath() + "/seqviews_text.png");
}

void TestSequenceViews::unrolledCardShowsStepNorms()
{
    widgets::GraphDocument doc;
    doc.load(sineProject());
    QUndoStack undo;
    widgets::CanvasScene scene(&doc, &undo);
    widgets::UnrolledOverlay* overlay = scene.unrolledOverlay();
    QVERIFY(overlay->canUnroll(kRnn));
    QVERIFY(!overlay->canUnroll(kOut));

    // The context menu toggles it; no undo command (view state).
    QMenu menu;
    overlay->addNodeActions(&menu, kRnn);
    QCOMPARE(menu.actions().size(), 1);
    menu.actions().front()->trigger();
    QVERIFY(overlay->isUnrolled(kRnn));
    QCOMPARE(undo.count(), 0);
    widgets::UnrolledRecurrentItem* item = overlay->itemFor(kRnn);
    QVERIFY(item);
    QCOMPARE(item->steps(), 12); // from the input shape, before any gradient
    QCOMPARE(item->shade(0), -1.0);
    QMenu other;
    overlay->addNodeActions(&other, kOut);
    QVERIFY(other.actions().isEmpty());

    // The inspector's check box shows and changes the same state.
    widgets::Inspector inspector(&doc, &undo);
    inspector.setUnrolledOverlay(overlay);
    inspector.showNode(kRnn);
    QVERIFY(inspector.unrolledCheck());
    QVERIFY(inspector.unrolledCheck()->isChecked());
    inspector.unrolledCheck()->setChecked(false);
    QVERIFY(!overlay->isUnrolled(kRnn));
    QVERIFY(!overlay->itemFor(kRnn));
    inspector.unrolledCheck()->setChecked(true);
    item = overlay->itemFor(kRnn);
    QVERIFY(item);
    inspector.showNode(kOut);
    QVERIFY(!inspector.unrolledCheck());

    // Real training: the worker ships one norm per step and the cells are shaded by them.
    widgets::TrainingController controller;
    controller.setDocument(&doc);
    overlay->setTrainingController(&controller);
    QSignalSpy finished(&controller, &TrainingController::finished);
    controller.train(doc.project(), {});
    QVERIFY(finished.wait(120000));
    const std::vector<double> norms = overlay->norms(kRnn);
    QCOMPARE(int(norms.size()), 12);
    QCOMPARE(item->norms(), norms);
    double top = 0;
    for (double n : norms)
        top = std::max(top, n);
    QVERIFY(top > 0);
    for (int t = 0; t < 12; ++t)
        QCOMPARE(item->shade(t), norms[std::size_t(t)] / top);
    QVERIFY(item->cellText(11).contains(QStringLiteral("t = 11")));
    // Drawn under the card, in the scene.
    const widgets::LayerNodeItem* card = scene.nodeItem(kRnn);
    QVERIFY(item->parentItem() == card);
    QVERIFY(item->pos().y() >= card->cardHeight());
    QGraphicsView view(&scene);
    view.resize(900, 300);
    view.grab().save(QDir::tempPath() + "/seqviews_unrolled.png");
}

QTEST_MAIN(TestSequenceViews)
#include "tst_sequence_views.moc"

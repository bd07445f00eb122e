// The step-through's side text (StepExplanation) written from the engine's trace of a tiny
// network with hand-set weights: the numbers a student follows by hand, without a panel.

#include "core/Parallel.h"
#include "graph/Graph.h"
#include "layers/LayerRegistry.h"
#include "training/Optimizer.h"
#include "training/StepThrough.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include "teaching/StepExplanation.h"

#include <QRegularExpression>
#include <QTextDocument>

#include <cmath>

using engine::Graph;
using engine::Matrix;
using engine::NodeId;
using nlohmann::json;
using widgets::StepExplanation;
using widgets::StepProgress;

namespace {

NodeId add(Graph& g, const std::string& type, const std::string& name, const json& attrs)
{
    auto layer = engine::LayerRegistry::create(type);
    layer->setAttributes(attrs);
    return g.addNode(std::move(layer), -1, name);
}

Matrix matrix(std::initializer_list<std::initializer_list<double>> rows)
{
    Matrix m(long(rows.size()), long(rows.begin()->size()));
    long r = 0;
    for (const auto& row : rows) {
        long c = 0;
        for (double v : row)
            m(r, c++) = engine::Scalar(v);
        ++r;
    }
    return m;
}

/// Input(2) -> hidden Dense(2, tanh) -> out Dense(1) -> MSE, with the weights written below, or
/// a hidden layer of `hiddenUnits` (> kSmallLayer: summaries and heatmaps) with seeded weights.
struct TinyNetwork {
    Graph graph;
    NodeId hidden = -1;
    NodeId out = -1;

    explicit TinyNetwork(int hiddenUnits = 2)
    {
        const NodeId in = add(graph, "Input", "in", json::object());
        hidden = add(graph, "Dense", "hidden", {{"units", hiddenUnits}, {"activation", "tanh"}});
        out = add(graph, "Dense", "out", {{"units", 1}});
        const NodeId loss = add(graph, "Loss", "loss", {{"loss", "mse"}});
        graph.connect({in, 0, hidden, 0});
        graph.connect({hidden, 0, out, 0});
        graph.connect({out, 0, loss, 0});
        graph.compile({engine::Shape {2}, 0, 1}, 7);
        if (hiddenUnits == 2) {
            // z = W x + b = (0.5·1 − 1·2 + 0.1, 0.25·1 + 0.5·2 − 0.2) = (−1.4, 1.05)
            graph.setWeights(
                {{hidden,
                     {{"W", matrix({{0.5, -1.0}, {0.25, 0.5}})}, {"b", matrix({{0.1}, {-0.2}})}}},
                    {out, {{"W", matrix({{1.0, -1.0}})}, {"b", matrix({{0.0}})}}}},
                true);
        }
    }
};

/// The numbers printed where `pattern` has a '#' (a negative factor in parentheses), or an empty
/// list when the text has no such line: "L = #" -> {0.6931}.
QList<double> numbersIn(const QString& text, const QString& pattern)
{
    QStringList parts;
    for (const QString& literal : pattern.split(QLatin1Char('#')))
        parts << QRegularExpression::escape(literal);
    const QRegularExpression re(parts.join(QStringLiteral("\\(?(-?[0-9.]+(?:e[-+]?[0-9]+)?)\\)?")));
    const QRegularExpressionMatch m = re.match(text);
    QList<double> numbers;
    for (int i = 1; m.hasMatch() && i <= m.lastCapturedIndex(); ++i)
        numbers << m.captured(i).toDouble();
    return numbers;
}

/// What the student reads: the HTML as plain text.
QString plain(const QString& html)
{
    QTextDocument doc;
    doc.setHtml(html);
    return doc.toPlainText();
}

bool close(double printed, double exact)
{
    return std::abs(printed - exact) <= 6e-4 * std::max(1e-3, std::abs(exact));
}

} // namespace

class TestStepExplanation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { engine::setThreadCount(2); }
    void numbersHaveFourSignificantDigits();
    void forwardWritesEachNeuronsSum();
    void lossAndBackwardWriteTheChainRule();
    void updateWritesTheLearningRateAndNewWeights();
    void pageShowsWhatWasWalkedNewestHighlighted();
    void largeLayersAreSummarizedWithImages();
};

void TestStepExplanation::numbersHaveFourSignificantDigits()
{
    QCOMPARE(StepExplanation::number(0.0), QStringLiteral("0"));
    QCOMPARE(StepExplanation::number(-1.23456), QStringLiteral("-1.235"));
    QCOMPARE(StepExplanation::vector(matrix({{0.5}, {-2.0}})), QStringLiteral("(0.5, -2)"));
}

void TestStepExplanation::forwardWritesEachNeuronsSum()
{
    TinyNetwork net;
    engine::StepThrough step(net.graph);
    const engine::StepTrace& t = step.trace(matrix({{1.0}, {2.0}}), matrix({{0.5}}));
    StepExplanation text(t, false);
    const engine::StepNode& hidden = t.nodes.at(std::size_t(t.indexOf(net.hidden)));
    const QString html = text.forward(hidden, 2, 3);
    QVERIFY2(html.contains(QStringLiteral("Forward 2/3 · hidden")), qPrintable(html));
    // Every product of z[0] = W[0,:]·x + b[0], negative factors in parentheses.
    QVERIFY2(html.contains(QStringLiteral("0.5×1 + (-1)×2 + 0.1 = <b>-1.4</b>")), qPrintable(html));
    QVERIFY2(
        html.contains(QStringLiteral("0.25×1 + 0.5×2 + (-0.2) = <b>1.05</b>")), qPrintable(html));
    QVERIFY2(html.contains(
                 QStringLiteral("tanh(-1.4) = %1").arg(QString::number(std::tanh(-1.4), 'g', 4))),
        qPrintable(html));
    QVERIFY(text.images().isEmpty()); // a small layer is written out, not drawn
}

void TestStepExplanation::lossAndBackwardWriteTheChainRule()
{
    TinyNetwork net;
    engine::StepThrough step(net.graph);
    const engine::StepTrace& t = step.trace(matrix({{1.0}, {2.0}}), matrix({{0.5}}));
    StepExplanation text(t, false);

    // ŷ = tanh(−1.4) − tanh(1.05); L = (ŷ − 0.5)².
    const double prediction = std::tanh(-1.4) - std::tanh(1.05);
    const QString loss = plain(text.loss());
    const QList<double> printedLoss = numbersIn(loss, QStringLiteral("Loss of this sample: L = #"));
    QCOMPARE(printedLoss.size(), 1);
    QVERIFY2(close(printedLoss[0], (prediction - 0.5) * (prediction - 0.5)), qPrintable(loss));
    QVERIFY2(loss.contains(QStringLiteral("target y = (0.5)")), qPrintable(loss));

    // dL/dz[1] of the hidden layer = dL/da[1] · (1 − a²): dL/da[1] = W_out[0,1] · dL/dŷ.
    const engine::StepNode& hidden = t.nodes.at(std::size_t(t.indexOf(net.hidden)));
    const QString backward = plain(text.backward(hidden, 2, 2));
    const double gradPrediction = 2 * (prediction - 0.5);
    const double gradA = -1.0 * gradPrediction;
    const double derivative = 1 - std::tanh(1.05) * std::tanh(1.05);
    const QList<double> chain = numbersIn(backward, QStringLiteral("dL/dz[1] = # × # = #"));
    QCOMPARE(chain.size(), 3);
    QVERIFY(close(chain[0], gradA));
    QVERIFY(close(chain[1], derivative));
    QVERIFY(close(chain[2], gradA * derivative));
    // dL/dW[1,1] = dL/dz[1] · x[1] = dL/dz[1] × 2.
    const QList<double> weight = numbersIn(backward, QStringLiteral("dL/dW[1,1] = # × 2 = #"));
    QCOMPARE(weight.size(), 2);
    QVERIFY(close(weight[0], gradA * derivative));
    QVERIFY(close(weight[1], 2 * gradA * derivative));
}

void TestStepExplanation::updateWritesTheLearningRateAndNewWeights()
{
    TinyNetwork net;
    engine::StepThrough step(net.graph);
    step.trace(matrix({{1.0}, {2.0}}), matrix({{0.5}}));
    engine::OptimizerConfig sgd;
    sgd.type = "sgd";
    sgd.learningRate = 0.1;
    const auto optimizer = engine::Optimizer::create(sgd);
    const engine::StepTrace& t = step.update(*optimizer, 0.1);
    StepExplanation text(t, false);

    const QString stored = plain(text.update(true));
    QVERIFY2(stored.contains(QStringLiteral("SGD: w ← w − lr · g, lr = 0.1")), qPrintable(stored));
    // hidden.W[0,1] ← −1 − 0.1 × g = −1 − 0.1 · dL/dz[0] · x[1].
    const engine::StepNode& hidden = t.nodes.at(std::size_t(t.indexOf(net.hidden)));
    const double g = double(hidden.params.at(0).grad(0, 1));
    QVERIFY(g != 0);
    const QString line = QStringLiteral("hidden.W[0,1] ← -1 − 0.1 × # = #");
    const QList<double> printed = numbersIn(stored, line);
    QCOMPARE(printed.size(), 2);
    QVERIFY(close(printed[0], g));
    QVERIFY(close(printed[1], -1.0 - 0.1 * g));
    QVERIFY(close(printed[1], double(hidden.params.at(0).updated(0, 1))));
    QVERIFY2(stored.contains(QStringLiteral("The new weights are stored")), qPrintable(stored));

    // Weights that could not be stored are not said to be (the status line says why).
    const QString notStored = plain(text.update(false));
    QCOMPARE(numbersIn(notStored, line), printed);
    QVERIFY2(!notStored.contains(QStringLiteral("stored")), qPrintable(notStored));
}

void TestStepExplanation::pageShowsWhatWasWalkedNewestHighlighted()
{
    TinyNetwork net;
    engine::StepThrough step(net.graph);
    const engine::StepTrace& t = step.trace(matrix({{1.0}, {2.0}}), matrix({{0.5}}));
    StepExplanation text(t, false);
    QCOMPARE(t.nodes.size(), std::size_t(3)); // in, hidden, out

    const QString two = text.page({2, false, 0, false, false});
    QVERIFY(two.contains(QStringLiteral("Forward 1/3 · in")));
    QVERIFY(two.contains(QStringLiteral("Forward 2/3 · hidden")));
    QVERIFY(!two.contains(QStringLiteral("Forward 3/3")));
    QCOMPARE(two.count(QStringLiteral("#fff4cc")), 1);
    // The second section (after the first one's title) is the highlighted one.
    QVERIFY(two.indexOf(QStringLiteral("#fff4cc")) > two.indexOf(QStringLiteral("Forward 1/3")));

    const QString all = plain(text.page({3, true, 2, false, false}));
    const qsizetype lossAt = all.indexOf(QStringLiteral("Loss of this sample"));
    const qsizetype outBack = all.indexOf(QStringLiteral("Backward 1/2 · out"));
    const qsizetype hiddenBack = all.indexOf(QStringLiteral("Backward 2/2 · hidden"));
    QVERIFY2(lossAt > all.indexOf(QStringLiteral("Forward 3/3 · out")), qPrintable(all));
    QVERIFY2(outBack > lossAt && hiddenBack > outBack, qPrintable(all));
    QVERIFY(!all.contains(QStringLiteral("Update")));
}

void TestStepExplanation::largeLayersAreSummarizedWithImages()
{
    const int units = StepExplanation::kSmallLayer + 4;
    TinyNetwork net(units);
    engine::StepThrough step(net.graph);
    const engine::StepTrace& t = step.trace(matrix({{1.0}, {2.0}}), matrix({{0.5}}));
    StepExplanation text(t, false);
    const engine::StepNode& hidden = t.nodes.at(std::size_t(t.indexOf(net.hidden)));
    const QString html = text.forward(hidden, 2, 3);
    QVERIFY2(html.contains(QStringLiteral("W: %1 × 2 weights").arg(units)), qPrintable(html));
    QVERIFY2(html.contains(QStringLiteral("z = W x + b: %1 values").arg(units)), qPrintable(html));
    QVERIFY(!text.images().isEmpty());
    for (const widgets::StepImage& image : text.images()) {
        QVERIFY2(html.contains(QStringLiteral("<img src='%1'").arg(image.url.toString())),
            qPrintable(image.url.toString()));
        QVERIFY(!image.image.isNull());
    }
    // The weights' heatmap is scaled to their largest magnitude, printed beside it.
    const double maxW = double(hidden.params.at(0).value.cwiseAbs().maxCoeff());
    QVERIFY2(html.contains(QStringLiteral("|max| %1").arg(StepExplanation::number(maxW))),
        qPrintable(html));
}

QTEST_MAIN(TestStepExplanation)
#include "tst_step_explanation.moc"

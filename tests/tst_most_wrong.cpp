// The "Most wrong" tab (issue 17, "Real data in the Playground views"): the validation images an
// image classifier gets most wrong, worst first, checked against the trained weights run
// independently through the engine; the same gallery for the reopened trained file, nothing of
// it after File > New, and no tab where it cannot apply. A small MLP trains for real on IDX
// files written by the test. Offscreen; grabs go to $NETCANVAS_SCREENSHOT_DIR when set.
#include "IdxTestFiles.h"
#include "QuietWindow.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/MostWrongView.h"
#include "plots/TrainingPanel.h"
#include "training/TrainingController.h"

#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

using TestWindow = guitest::QuietWindow;

constexpr int kSide = 12;
constexpr int kImages = 90;
constexpr engine::NodeId kLogits = 3;
const QStringList kClassNames {
    QStringLiteral("Sneaker"), QStringLiteral("Ankle boot"), QStringLiteral("Bag")};

/// 90 images of 12x12 in 3 classes, each bright in its own third of the columns; every seventh
/// label is another class's, so some validation images stay wrong however well it trains.
void writeIdx(const QString& dir)
{
    idxtest::writeImages(
        dir, kImages, kSide, [](int i) { return i % 7 == 0 ? (i + 1) % 3 : i % 3; },
        [](int i, int x, int y) {
            const bool bright = x / (kSide / 3) == i % 3;
            return bright ? 140 + (x * 5 + y * 3 + i) % 110 : (x + 2 * y + i) % 40;
        });
}

/// A project file next to the IDX files: image -> flatten -> dense 3 -> softmax cross-entropy.
QString writeProject(const QString& dir)
{
    const QString path = dir + "/gallery.json";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(R"({
      "format": "netcanvas", "version": 1, "name": "gallery",
      "nodes": [
        {"id": 1, "type": "Input", "name": "image", "position": [0, 0],
         "attributes": {"shape": [12, 12, 1]}},
        {"id": 2, "type": "Flatten", "name": "flatten", "position": [220, 0], "attributes": {}},
        {"id": 3, "type": "Dense", "name": "logits", "position": [440, 0],
         "attributes": {"units": 3}},
        {"id": 4, "type": "Loss", "name": "loss", "position": [660, 0],
         "attributes": {"loss": "softmax_crossentropy"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4}],
      "dataset": {"source": "idx", "path": "images.idx", "options": {"labels": "labels.idx"},
                  "classNames": ["Sneaker", "Ankle boot", "Bag"]},
      "training": {"epochs": 4, "batchSize": 8, "validationSplit": 0.3, "testSplit": 0.0,
                   "seed": 5, "optimizer": {"type": "adam", "learningRate": 0.02}}
    })");
    return path;
}

/// The tab page holding `view` (it sits in a scroll area).
int tabOf(QTabWidget* tabs, QWidget* view)
{
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->widget(i) == view || tabs->widget(i)->isAncestorOf(view))
            return i;
    return -1;
}

/// Softmax probabilities (classes x samples) of the trained weights on `x`, computed here.
Eigen::MatrixXd independentProbabilities(
    MainWindow& w, const widgets::TrainingSessionInfo& info, const engine::Matrix& x)
{
    engine::Graph g = info.architecture->buildGraph();
    g.compile(info.context, 1);
    g.setWeights(w.trainingPanel()->controller()->lastOutcome().weights, true);
    g.forward(x, engine::Mode::Inference);
    Eigen::MatrixXd logits = g.output(kLogits).cast<double>();
    for (long j = 0; j < logits.cols(); ++j) {
        logits.col(j).array() -= logits.col(j).maxCoeff();
        logits.col(j) = logits.col(j).array().exp().matrix();
        logits.col(j) /= logits.col(j).sum();
    }
    return logits;
}

} // namespace

class TstMostWrong : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void galleryListsTheWorstValidationImagesFirst();
    void noTabWhereItCannotApply();
};

void TstMostWrong::galleryListsTheWorstValidationImagesFirst()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeIdx(dir.path());
    const QString path = writeProject(dir.path());
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openFile(path), QString());
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::MostWrongView* view = panel->mostWrong();
    QTabWidget* tabs = panel->tabs();
    QVERIFY(tabs->isTabVisible(tabOf(tabs, view)));
    QCOMPARE(tabs->tabText(tabOf(tabs, view)), QStringLiteral("Most wrong"));

    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QVERIFY(info.samples);
    QCOMPARE(info.sampleSetName, QStringLiteral("validation"));
    const long validation = info.samples->cols();
    QCOMPARE(validation, 27L); // 30 % of 90
    QTRY_VERIFY_WITH_TIMEOUT(view->mostWrong().has_value(), 10000);
    const widgets::MostWrong& worst = *view->mostWrong();
    QCOMPARE(worst.epoch, 4);
    QCOMPARE(worst.ranked, validation);
    QCOMPARE(int(worst.entries.size()), widgets::MostWrong::kCount);
    QCOMPARE(view->cellCount(), widgets::MostWrong::kCount);

    // Worst first: the true class's probability rises (its cross-entropy falls) along the list.
    for (std::size_t i = 1; i < worst.entries.size(); ++i)
        QVERIFY2(worst.entries[i - 1].trueProbability <= worst.entries[i].trueProbability,
            qPrintable(QStringLiteral("entry %1 before a worse one").arg(i - 1)));

    // The same numbers from the trained weights run here over the validation images.
    const Eigen::MatrixXd probs = independentProbabilities(w, info, *info.samples);
    double lowest = 2;
    long lowestSample = -1;
    for (long j = 0; j < validation; ++j) {
        const double p = probs(info.sampleLabels[std::size_t(j)], j);
        if (p < lowest) {
            lowest = p;
            lowestSample = j;
        }
    }
    QCOMPARE(worst.entries.front().sample, lowestSample);
    QVERIFY2(std::abs(worst.entries.front().trueProbability - lowest) < 1e-4,
        qPrintable(
            QStringLiteral("%1 vs %2").arg(worst.entries.front().trueProbability).arg(lowest)));
    int wrong = 0;
    for (const widgets::MostWrong::Entry& e : worst.entries) {
        const int label = info.sampleLabels[std::size_t(e.sample)];
        QCOMPARE(e.trueClass, label);
        QVERIFY(std::abs(e.trueProbability - probs(label, e.sample)) < 1e-4);
        Eigen::Index predicted = 0;
        probs.col(e.sample).maxCoeff(&predicted);
        QCOMPARE(e.predictedClass, int(predicted));
        QVERIFY(std::abs(e.predictedProbability - probs(predicted, e.sample)) < 1e-4);
        wrong += e.predictedClass != e.trueClass;
    }
    QVERIFY2(wrong > 0, "the flipped labels leave no validation image wrong");
    QVERIFY(worst.entries.front().predictedClass != worst.entries.front().trueClass);

    // Captions name the classes.
    const widgets::MostWrong::Entry& first = worst.entries.front();
    QCOMPARE(view->caption(0),
        QStringLiteral("true: %1 / predicted: %2 (p=%3)")
            .arg(kClassNames[first.trueClass], kClassNames[first.predictedClass])
            .arg(double(first.predictedProbability), 0, 'f', 2));

    // Looked at as a user would: on its tab at 1366x768, every cell whole and apart.
    tabs->setCurrentIndex(tabOf(tabs, view));
    QTRY_VERIFY(view->isVisible());
    QVERIFY(view->title().contains(QStringLiteral("epoch 4")));
    const QFontMetrics fm(view->font());
    for (int i = 0; i < view->cellCount(); ++i) {
        const QRect r = view->cellRect(i);
        QVERIFY2(view->rect().contains(r), qPrintable(QStringLiteral("cell %1 clipped").arg(i)));
        for (const QString& line : view->caption(i).split(QStringLiteral(" / ")))
            QVERIFY2(fm.horizontalAdvance(line) <= r.width(), qPrintable(line));
        if (i > 0)
            QVERIFY(!r.intersects(view->cellRect(i - 1)));
    }
    guitest::saveGrab(&w, QStringLiteral("most_wrong.png"));

    // The trained file reopened shows the same gallery (the stored weights run over the data).
    QCOMPARE(w.saveToFile(path), QString());
    const std::vector<widgets::MostWrong::Entry> trained = worst.entries;
    w.newDocument();
    QVERIFY(!view->mostWrong().has_value());
    QCOMPARE(view->cellCount(), 0);
    QCOMPARE(view->title(), QString());

    QCOMPARE(w.openFile(path), QString());
    QTRY_VERIFY_WITH_TIMEOUT(panel->confusion()->matrix().has_value(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(view->mostWrong().has_value(), 20000);
    QCOMPARE(view->mostWrong()->entries.size(), trained.size());
    for (std::size_t i = 0; i < trained.size(); ++i) {
        QCOMPARE(view->mostWrong()->entries[i].sample, trained[i].sample);
        QVERIFY(std::abs(view->mostWrong()->entries[i].trueProbability - trained[i].trueProbability)
            < 1e-5);
    }

    // File > New: nothing of it stays.
    w.newDocument();
    QVERIFY(!view->mostWrong().has_value());
    QCOMPARE(view->cellCount(), 0);
}

void TstMostWrong::noTabWhereItCannotApply()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    guitest::trainSession(w);
    widgets::TrainingPanel* panel = w.trainingPanel();
    QVERIFY(!panel->tabs()->isTabVisible(tabOf(panel->tabs(), panel->mostWrong())));
    QVERIFY(!panel->mostWrong()->mostWrong().has_value());
}

QTEST_MAIN(TstMostWrong)
#include "tst_most_wrong.moc"

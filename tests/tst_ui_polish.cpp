// Layout checks of the screens a user sees first (offscreen): lesson text rows do not overlap,
// the welcome page never scrolls sideways, every training-view tab label is whole, locked lesson
// settings lock the live training editors, the loss legend waits for a run, and the CSV import
// dialog says which outputs the data needs. Set NETCANVAS_SCREENSHOT_DIR to keep the grabs.

#include "CsvImportDialog.h"
#include "LessonPanel.h"
#include "LossPlot.h"
#include "MainWindow.h"
#include "TrainingController.h"
#include "TrainingPanel.h"
#include "ViewChooser.h"
#include "WelcomePage.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QCheckBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLayout>
#include <QListWidget>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

namespace {

class TestWindow : public MainWindow {
protected:
    QMessageBox::StandardButton askToSaveChanges() override { return QMessageBox::Discard; }
    void showError(const QString&, const QString& message) override { qWarning() << message; }
};

void saveGrab(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("NETCANVAS_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(w->grab().save(dir + "/" + name));
}

QString example(const QString& name)
{
    return QStringLiteral(":/examples/%1.json").arg(name);
}

/// Widgets laid out in `root`'s layout tree that are shown, with their rectangles in root's
/// coordinates.
std::vector<std::pair<QWidget*, QRect>> shownRows(QWidget* root)
{
    std::vector<std::pair<QWidget*, QRect>> out;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisibleTo(root) || w->parentWidget() != root)
            continue;
        out.emplace_back(w, QRect(w->mapTo(root, QPoint(0, 0)), w->size()));
    }
    return out;
}

/// Fails naming the first two shown children of `root` that overlap, or a wrapped label
/// shorter than its text needs at its width.
void verifyNoOverlap(QWidget* root)
{
    const auto rows = shownRows(root);
    QVERIFY(rows.size() > 3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = i + 1; j < rows.size(); ++j) {
            const QRect both = rows[i].second.intersected(rows[j].second);
            QVERIFY2(both.isEmpty(),
                qPrintable(
                    QStringLiteral("%1 %2 overlaps %3 %4")
                        .arg(rows[i].first->metaObject()->className(), rows[i].first->objectName(),
                            rows[j].first->metaObject()->className(),
                            rows[j].first->objectName())));
        }
        if (auto* label = qobject_cast<QLabel*>(rows[i].first); label && label->wordWrap()) {
            QVERIFY2(label->height() >= label->heightForWidth(label->width()),
                qPrintable(QStringLiteral("label \"%1\" is %2 px high, its text needs %3")
                               .arg(label->text().left(40))
                               .arg(label->height())
                               .arg(label->heightForWidth(label->width()))));
        }
    }
}

} // namespace

class TestUiPolish : public QObject {
    Q_OBJECT
private slots:
    void lessonRowsDoNotOverlap_data();
    void lessonRowsDoNotOverlap();
    void welcomePageNeverScrollsSideways();
    void trainingTabsAreWhole_data();
    void trainingTabsAreWhole();
    void lessonLocksLiveTrainingEditors();
    void lossLegendWaitsForARun();
    void csvDialogNamesTheOutputs();
};

void TestUiPolish::lessonRowsDoNotOverlap_data()
{
    QTest::addColumn<QString>("lesson");
    QTest::addColumn<int>("dockWidth");
    QTest::newRow("perceptron narrow") << ":/lessons/perceptron.json" << 270;
    QTest::newRow("perceptron wide") << ":/lessons/perceptron.json" << 420;
    QTest::newRow("overfitting narrow") << ":/lessons/overfitting.json" << 270;
    QTest::newRow("activations") << ":/lessons/activations.json" << 320;
}

void TestUiPolish::lessonRowsDoNotOverlap()
{
    QFETCH(QString, lesson);
    QFETCH(int, dockWidth);
    TestWindow w;
    w.resize(1280, 800);
    w.show();
    QCOMPARE(w.openLesson(lesson), QString());
    w.resizeDocks({w.lessonDock()}, {dockWidth}, Qt::Horizontal);
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCoreApplication::processEvents();
    auto* content = w.lessonPanel()->findChild<QScrollArea*>()->widget();
    QVERIFY(content);
    QVERIFY(content->layout());
    // The text is never wider than the dock: it wraps.
    auto* scroll = w.lessonPanel()->findChild<QScrollArea*>();
    QVERIFY(content->width() <= scroll->viewport()->width());
    verifyNoOverlap(content);
    // Nested rows (steps, checks) lie inside the content, one below the other.
    for (int i = 0; i < int(w.lessonPanel()->lesson().checks.size()); ++i) {
        QLabel* status = w.lessonPanel()->checkLabel(i);
        QVERIFY(status->isVisibleTo(content));
        if (i > 0) {
            QLabel* above = w.lessonPanel()->checkLabel(i - 1);
            QVERIFY(status->mapTo(content, QPoint(0, 0)).y()
                >= above->mapTo(content, QPoint(0, above->height())).y());
        }
    }
    saveGrab(w.lessonDock(),
        QStringLiteral("lesson_%1.png").arg(QString(QTest::currentDataTag()).replace(' ', '_')));
}

void TestUiPolish::welcomePageNeverScrollsSideways()
{
    for (const QSize size : {QSize(1280, 800), QSize(900, 600), QSize(1400, 900)}) {
        TestWindow w;
        w.resize(size);
        w.show();
        w.showWelcomePage();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCoreApplication::processEvents();
        auto* page = w.findChild<widgets::WelcomePage*>();
        QVERIFY(page);
        QVERIFY(page->isVisible());
        auto* scroll = page->findChild<QScrollArea*>("WelcomeScroll");
        QVERIFY(scroll);
        QVERIFY2(!scroll->horizontalScrollBar()->isVisible(),
            qPrintable(QStringLiteral("at %1x%2").arg(size.width()).arg(size.height())));
        QVERIFY(scroll->widget()->width() <= scroll->viewport()->width());
        saveGrab(page, QStringLiteral("welcome_%1x%2.png").arg(size.width()).arg(size.height()));
    }
}

void TestUiPolish::trainingTabsAreWhole_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<QSize>("window");
    QTest::addColumn<QStringList>("shown");
    QTest::addColumn<QStringList>("hidden");
    const QStringList always {"Weights", "Distributions", "Gradients"};
    for (const QSize size : {QSize(1280, 800), QSize(1024, 700)}) {
        const QString at = QStringLiteral(" %1").arg(size.width());
        QTest::newRow(qPrintable("spiral" + at))
            << "spiral" << size << always + QStringList {"Boundary", "Neurons", "Confusion"}
            << QStringList {"Feature maps"};
        QTest::newRow(qPrintable("fashion_cnn" + at))
            << "fashion_cnn" << size << always + QStringList {"Feature maps", "Confusion"}
            << QStringList {"Boundary", "Neurons"};
        QTest::newRow(qPrintable("regression_plane" + at))
            << "regression_plane" << size << always + QStringList {"Boundary"}
            << QStringList {"Confusion", "Feature maps"};
    }
}

void TestUiPolish::trainingTabsAreWhole()
{
    QFETCH(QString, example);
    QFETCH(QSize, window);
    QFETCH(QStringList, shown);
    QFETCH(QStringList, hidden);
    TestWindow w;
    w.resize(window);
    w.show();
    QCOMPARE(w.openExample(::example(example)), QString());
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCoreApplication::processEvents();
    QTabWidget* tabs = w.trainingPanel()->tabs();
    QTabBar* bar = tabs->tabBar();
    if (qEnvironmentVariableIsSet("NETCANVAS_UI_PROBE")) { // which dock sets the width
        qWarning() << "window" << w.size() << "min" << w.minimumSizeHint();
        for (QDockWidget* d : w.findChildren<QDockWidget*>())
            qWarning() << d->windowTitle() << d->isVisible() << d->width() << d->minimumSizeHint();
        qWarning() << "tabs" << tabs->minimumSizeHint() << "loss"
                   << w.trainingPanel()->lossPlot()->minimumSizeHint() << "panel"
                   << w.trainingPanel()->minimumSizeHint();
    }
    QStringList visible;
    for (int i = 0; i < tabs->count(); ++i) {
        if (!tabs->isTabVisible(i))
            continue;
        visible << tabs->tabText(i);
        if (!bar->isVisible())
            continue;
        // Whole: the tab is as wide as its label needs and lies inside the bar and the widget.
        const QRect r = bar->tabRect(i);
        QVERIFY2(r.width() >= bar->fontMetrics().horizontalAdvance(tabs->tabText(i)),
            qPrintable(tabs->tabText(i)));
        QVERIFY2(r.right() <= bar->width() && bar->width() <= tabs->width(),
            qPrintable(QStringLiteral("%1 ends at %2, bar %3, views %4")
                           .arg(tabs->tabText(i))
                           .arg(r.right())
                           .arg(bar->width())
                           .arg(tabs->width())));
    }
    QCOMPARE(bar->elideMode(), Qt::ElideNone);
    // The window really is that size: no dock forces it wider. Known: the loss plot (428 px)
    // and the views' pages (406 px) beside it, plus the Step Through dock (379 px), need 1407.
    QEXPECT_FAIL("", "docks force a window of at least 1407 px", Continue);
    QCOMPARE(w.width(), window.width());
    // Where the bar does not fit, the chooser shows instead and offers every visible view.
    auto* chooser = w.trainingPanel()->findChild<widgets::ViewChooser*>();
    QVERIFY(chooser);
    QCOMPARE(chooser->isVisible(), !bar->isVisible());
    if (chooser->isVisible()) {
        QVERIFY(bar->sizeHint().width() > tabs->width());
        emit chooser->button()->menu()->aboutToShow();
        QStringList offered;
        for (QAction* a : chooser->button()->menu()->actions())
            offered << a->text();
        QCOMPARE(offered, visible);
        chooser->button()->menu()->actions().last()->trigger();
        QCOMPARE(tabs->tabText(tabs->currentIndex()), visible.last());
        QVERIFY(chooser->button()->text().startsWith(visible.last()));
    }
    for (const QString& name : shown)
        QVERIFY2(visible.contains(name), qPrintable(name + " missing from " + visible.join(',')));
    for (const QString& name : hidden)
        QVERIFY2(!visible.contains(name), qPrintable(name + " shown for " + example));
    saveGrab(w.trainingDock(),
        QStringLiteral("training_%1.png").arg(QString(QTest::currentDataTag()).replace(' ', '_')));
}

void TestUiPolish::lessonLocksLiveTrainingEditors()
{
    QFile f(":/lessons/perceptron.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString());
    j["lesson"]["locked"] = nlohmann::json::array(
        {{{"path", "training.optimizer.learningRate"}, {"reason", "compare runs at one rate"}},
            {{"path", "training.batchSize"}}, {{"path", "training.optimizer.l2"}}});
    QTemporaryDir dir;
    const QString path = dir.filePath("locked.json");
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray::fromStdString(j.dump(2)));
    out.close();

    TestWindow w;
    w.resize(1280, 800);
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    const QString lrTip = panel->learningRateEdit()->toolTip();
    QVERIFY(panel->learningRateEdit()->isEnabled());
    QCOMPARE(w.openLesson(path), QString());
    QCoreApplication::processEvents();
    QVERIFY(!panel->learningRateEdit()->isEnabled());
    QVERIFY(panel->learningRateEdit()->toolTip().contains("compare runs at one rate"));
    QVERIFY(!panel->batchSizeEdit()->isEnabled());
    QVERIFY(!panel->l2Edit()->isEnabled());
    // Opening an example ends the lesson: the editors and their own tooltips come back.
    QCOMPARE(w.openExample(example("spiral")), QString());
    QCoreApplication::processEvents();
    QVERIFY(panel->learningRateEdit()->isEnabled());
    QVERIFY(panel->batchSizeEdit()->isEnabled());
    QVERIFY(panel->l2Edit()->isEnabled());
    QCOMPARE(panel->learningRateEdit()->toolTip(), lrTip);
}

void TestUiPolish::lossLegendWaitsForARun()
{
    TestWindow w;
    w.resize(1280, 800);
    w.show();
    QCOMPARE(w.openExample(example("mlp_xor")), QString());
    widgets::LossPlot* loss = w.trainingPanel()->lossPlot();
    QVERIFY(!loss->plot()->legend->visible());
    QSignalSpy session(
        w.trainingPanel()->controller(), &widgets::TrainingController::sessionStarted);
    QSignalSpy finished(w.trainingPanel()->controller(), &widgets::TrainingController::finished);
    w.trainingPanel()->train();
    QVERIFY(finished.wait(60000));
    QCOMPARE(session.size(), 1);
    QVERIFY(loss->plot()->legend->visible());
    QVERIFY(loss->plot()->legend->itemCount() > 0);
}

void TestUiPolish::csvDialogNamesTheOutputs()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("three.csv");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("a,b,label\n1,2,red\n2,1,green\n0,0,blue\n3,3,red\n1,1,blue\n");
    f.close();
    widgets::CsvImportDialog dialog(dir.path());
    QCOMPARE(dialog.setFile(path), QString());
    dialog.setTargetColumns({2});
    // No option that the engine would ignore: labels are class indices whatever the network.
    for (const QCheckBox* box : dialog.findChildren<QCheckBox*>())
        QVERIFY2(!box->text().contains("one-hot", Qt::CaseInsensitive), qPrintable(box->text()));
    QVERIFY(dialog.validate());
    QStringList lines;
    for (int i = 0; i < dialog.problemList()->count(); ++i)
        lines << dialog.problemList()->item(i)->text();
    QVERIFY2(lines.join('\n').contains("3 units with softmax cross-entropy"),
        qPrintable(lines.join('\n')));
    QVERIFY(!dialog.spec().options.contains("oneHot"));
}

QTEST_MAIN(TestUiPolish)
#include "tst_ui_polish.moc"

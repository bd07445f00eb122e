// Layout checks of the screens a user sees first (offscreen): lesson text rows do not overlap,
// the welcome page never scrolls sideways, every training-view tab label is whole, locked lesson
// settings lock the live training editors, the loss legend waits for a run, and the CSV import
// dialog says which outputs the data needs. Set NETCANVAS_SCREENSHOT_DIR to keep the grabs.

#include "MainWindow.h"
#include "QuietWindow.h"
#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerNodeItem.h"
#include "data/CsvImportDialog.h"
#include "plots/LossPlot.h"
#include "plots/TrainingPanel.h"
#include "teaching/LessonPanel.h"
#include "teaching/PresentationMode.h"
#include "teaching/WelcomePage.h"
#include "training/TrainingController.h"
#include "training/TrainingProgressWidget.h"
#include "training/ViewChooser.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLayout>
#include <QListWidget>
#include <QMenu>
#include <QScopeGuard>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyleOptionComboBox>
#include <QStyleOptionSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

namespace {

using TestWindow = guitest::QuietWindow;
using guitest::saveGrab;

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

/// Why `w`, shown in a dock, tool bar or the status bar, does not read fully at `w`'s font, or
/// "" when it does. Buttons, spin boxes, combo boxes and one-line labels need their size hint's
/// width (which follows the font), a word-wrapped label the height its text needs at its width;
/// and each must lie inside its parent (unless that is a scroll area's viewport, which scrolls).
QString clipped(QWidget* w)
{
    auto* label = qobject_cast<QLabel*>(w);
    const bool checked = qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractSpinBox*>(w)
        || qobject_cast<QComboBox*>(w) || label;
    // The dock's own float and close buttons are Qt's, sized by QDockWidget.
    if (!checked || qobject_cast<QDockWidget*>(w->parentWidget()))
        return {};
    QString text = w->objectName();
    if (label)
        text = label->text().left(30);
    else if (auto* button = qobject_cast<QAbstractButton*>(w))
        text = button->text();
    const QString name = QStringLiteral("%1 \"%2\" (in %3)")
                             .arg(w->metaObject()->className(), text,
                                 w->parentWidget()->metaObject()->className());
    if (label && label->wordWrap()) {
        if (label->height() < label->heightForWidth(label->width()))
            return QStringLiteral("%1 is %2 px high at %3 px, its text needs %4")
                .arg(name)
                .arg(label->height())
                .arg(label->width())
                .arg(label->heightForWidth(label->width()));
    } else if (label && label->textFormat() != Qt::RichText && label->pixmap().isNull()
        && !Qt::mightBeRichText(label->text())) {
        // A buddy makes "&" a mnemonic, drawn as an underline; "&&" is a literal "&".
        QString shown = label->text();
        if (label->buddy())
            shown.replace(QLatin1String("&&"), QChar(1))
                .remove(QLatin1Char('&'))
                .replace(QChar(1), QLatin1Char('&'));
        const int need = label->fontMetrics().horizontalAdvance(shown)
            + 2 * (label->margin() + label->frameWidth());
        if (label->width() < need)
            return QStringLiteral("%1 is %2 px wide, its text needs %3")
                .arg(name)
                .arg(label->width())
                .arg(need);
    } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
        // A combo box's size hint fits its longest item; the current one must read fully.
        QStyleOptionComboBox opt;
        opt.initFrom(combo);
        opt.editable = combo->isEditable();
        const QSize text(combo->fontMetrics().horizontalAdvance(combo->currentText()),
            combo->fontMetrics().height());
        const int need
            = combo->style()->sizeFromContents(QStyle::CT_ComboBox, &opt, text, combo).width();
        if (combo->width() < need)
            return QStringLiteral("%1 is %2 px wide, \"%3\" needs %4")
                .arg(name)
                .arg(combo->width())
                .arg(combo->currentText())
                .arg(need);
    } else if (auto* spin = qobject_cast<QAbstractSpinBox*>(w)) {
        // Likewise a spin box's size hint fits its range's longest value; the shown one must fit
        // (measured as QAbstractSpinBox::sizeHint() measures, with room for the cursor).
        QStyleOptionSpinBox opt;
        opt.initFrom(spin);
        opt.buttonSymbols = spin->buttonSymbols();
        opt.frame = spin->hasFrame();
        opt.subControls = QStyle::SC_SpinBoxFrame | QStyle::SC_SpinBoxEditField;
        if (spin->buttonSymbols() != QAbstractSpinBox::NoButtons)
            opt.subControls |= QStyle::SC_SpinBoxUp | QStyle::SC_SpinBoxDown;
        const QSize text(
            spin->fontMetrics().horizontalAdvance(spin->text()) + 2, spin->fontMetrics().height());
        const int need
            = spin->style()->sizeFromContents(QStyle::CT_SpinBox, &opt, text, spin).width();
        if (spin->width() < need)
            return QStringLiteral("%1 is %2 px wide, \"%3\" needs %4")
                .arg(name)
                .arg(spin->width())
                .arg(spin->text())
                .arg(need);
    } else if (!label && w->width() < w->sizeHint().width()) {
        return QStringLiteral("%1 is %2 px wide, its size hint %3")
            .arg(name)
            .arg(w->width())
            .arg(w->sizeHint().width());
    }
    // Whole inside every ancestor up to the window, or up to a scroll area, which scrolls.
    for (QWidget* parent = w->parentWidget(); parent;
         parent = parent->isWindow() ? nullptr : parent->parentWidget()) {
        if (parent->objectName() == QLatin1String("qt_scrollarea_viewport"))
            break;
        const QRect r(w->mapTo(parent, QPoint(0, 0)), w->size());
        if (!parent->rect().contains(r))
            return QStringLiteral("%1 at %2,%3 %4x%5 sticks out of %6 (%7x%8)")
                .arg(name)
                .arg(r.x())
                .arg(r.y())
                .arg(r.width())
                .arg(r.height())
                .arg(parent->metaObject()->className())
                .arg(parent->width())
                .arg(parent->height());
    }
    return {};
}

/// Every problem clipped() finds among the widgets shown in `root`.
QStringList clippedIn(QWidget* root)
{
    QStringList problems;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible() || w->window() != root->window())
            continue;
        const QString problem = clipped(w);
        if (!problem.isEmpty())
            problems << problem;
    }
    return problems;
}

/// `font`'s height in pixels on `device` (point sizes follow the device's DPI).
double pixelSize(const QFont& font, const QWidget* device)
{
    return font.pixelSize() > 0 ? font.pixelSize()
                                : font.pointSizeF() * device->logicalDpiY() / 72.0;
}

/// Where `axis` draws its tick labels, as rectangles in plot pixels (the ticks in its range).
std::vector<std::pair<QString, QRectF>> tickLabelRects(QCPAxis* axis)
{
    std::vector<std::pair<QString, QRectF>> out;
    const QFontMetricsF metrics(axis->tickLabelFont());
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i) {
        if (!axis->range().contains(ticks[i]))
            continue;
        const double at = axis->coordToPixel(ticks[i]);
        const QSizeF size(metrics.horizontalAdvance(labels[i]), metrics.height());
        const QPointF centre = axis->orientation() == Qt::Horizontal
            ? QPointF(at, axis->axisRect()->bottom() + size.height())
            : QPointF(axis->axisType() == QCPAxis::atLeft
                    ? axis->axisRect()->left() - size.width()
                    : axis->axisRect()->right() + size.width(),
                at);
        out.emplace_back(
            labels[i], QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size));
    }
    return out;
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
    void docksReadFully_data();
    void docksReadFully();
    void presentationReadsFromTheBack_data();
    void presentationReadsFromTheBack();
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
        QVERIFY2(scroll->widget()->width() <= scroll->viewport()->width(),
            qPrintable(QStringLiteral("at %1x%2 the page is %3 px wide, its view %4 (window %5)")
                           .arg(size.width())
                           .arg(size.height())
                           .arg(scroll->widget()->width())
                           .arg(scroll->viewport()->width())
                           .arg(w.width())));
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
            // An image classifier's boundary is drawn on the PCA plane of its images; its
            // neurons see images, not a plane, so there is no neuron view.
            << "fashion_cnn" << size
            << always + QStringList {"Feature maps", "Confusion", "Boundary"}
            << QStringList {"Neurons"};
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
    // The window really is that size: no dock forces it wider. Known: at 1024 px the palette,
    // the training dock's plots side by side and the Inspector do not fit.
    if (window.width() < 1100)
        QEXPECT_FAIL("", "the docks need a window of about 1100 px", Continue);
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

void TestUiPolish::docksReadFully_data()
{
    QTest::addColumn<QSize>("window");
    QTest::addColumn<bool>("presentation");
    QTest::addColumn<bool>("train");
    for (const QSize size : {QSize(1366, 768), QSize(1920, 1080)}) {
        for (const bool presentation : {true, false}) {
            for (const bool train : {false, true}) {
                QTest::addRow("%dx%d %s%s", size.width(), size.height(),
                    presentation ? "presentation" : "normal", train ? " trained" : "")
                    << size << presentation << train;
            }
        }
    }
}

void TestUiPolish::docksReadFully()
{
    QFETCH(QSize, window);
    QFETCH(bool, presentation);
    QFETCH(bool, train);
    const QFont appFont = QApplication::font();
    // The application font outlives the window: restore it even when a check fails.
    const auto restoreFont = qScopeGuard([appFont] { QApplication::setFont(appFont); });
    TestWindow w;
    // Like a maximized window on a screen of that size: the docks' minimum sizes cannot make
    // the window bigger, so whatever does not fit is squeezed and shows up as clipped below.
    w.setMinimumSize(1, 1);
    w.resize(window);
    w.show();
    QCOMPARE(w.openExample(example("spiral")), QString());
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCoreApplication::processEvents();
    QHash<QDockWidget*, QSize> normalSizes;
    for (QDockWidget* dock : w.findChildren<QDockWidget*>())
        normalSizes.insert(dock, dock->size());
    w.presentationMode()->setActive(presentation);
    QCOMPARE(QApplication::font().pointSizeF(),
        appFont.pointSizeF() * (presentation ? widgets::PresentationMode::kFontScale : 1.0));

    QStringList problems;
    auto check = [&](const QString& when) {
        QCoreApplication::processEvents();
        // Tabbed docks show one page at a time: raise each in turn.
        for (QDockWidget* dock : w.findChildren<QDockWidget*>()) {
            if (!dock->toggleViewAction()->isChecked())
                continue;
            dock->raise();
            QCoreApplication::processEvents();
            for (const QString& p : clippedIn(dock))
                problems << QStringLiteral("%1, %2: %3").arg(when, dock->windowTitle(), p);
            saveGrab(&w,
                QStringLiteral("docks_%1_%2_%3.png")
                    .arg(QString(QTest::currentDataTag()).replace(' ', '_'), when,
                        dock->objectName()));
        }
        for (QToolBar* bar : w.findChildren<QToolBar*>())
            for (const QString& p : clippedIn(bar))
                problems << QStringLiteral("%1, tool bar: %2").arg(when, p);
        for (const QString& p : clippedIn(w.statusBar()))
            problems << QStringLiteral("%1, status bar: %2").arg(when, p);
        // Squeezed below their minimum, docks overlap each other and the canvas. (Docks behind
        // another's tab stay "visible", parked outside the window.)
        QList<QWidget*> areas {w.centralWidget()};
        for (QDockWidget* dock : w.findChildren<QDockWidget*>())
            if (dock->isVisible() && w.rect().intersects(dock->geometry()))
                areas << dock;
        for (int i = 0; i < areas.size(); ++i)
            for (int j = i + 1; j < areas.size(); ++j)
                if (areas[i]->geometry().intersects(areas[j]->geometry()))
                    problems << QStringLiteral("%1: %2 overlaps %3")
                                    .arg(when, areas[i]->windowTitle(), areas[j]->windowTitle());
        // No dock forces the window wider or taller than the screen it was made for.
        const QSize least = w.minimumSizeHint();
        if (least.width() > window.width() || least.height() > window.height())
            problems << QStringLiteral("%1: the window needs at least %2x%3")
                            .arg(when)
                            .arg(least.width())
                            .arg(least.height());
    };

    check(QStringLiteral("open"));
    if (train) {
        // Mid-run (Step: one mini-batch, then paused), the progress text is at its longest.
        widgets::TrainingController* controller = w.trainingPanel()->controller();
        QSignalSpy finished(controller, &widgets::TrainingController::finished);
        w.trainingPanel()->step();
        QTRY_VERIFY_WITH_TIMEOUT(
            controller->state() == widgets::TrainingController::State::Paused, 60000);
        QTRY_VERIFY(
            w.trainingPanel()->findChild<widgets::TrainingProgressWidget*>()->text().contains(
                QStringLiteral("batch")));
        check(QStringLiteral("paused"));
        controller->resume();
        QVERIFY(finished.wait(60000));
        check(QStringLiteral("trained"));
    }
    w.presentationMode()->setActive(false);
    QCOMPARE(QApplication::font(), appFont);
    // Back in normal mode, the docks have the sizes they had before.
    QCoreApplication::processEvents();
    for (QDockWidget* dock : w.findChildren<QDockWidget*>()) {
        if (dock->isVisible() && w.rect().intersects(dock->geometry())
            && dock->size() != normalSizes.value(dock))
            problems << QStringLiteral("back in normal mode, %1 is %2x%3, before %4x%5")
                            .arg(dock->windowTitle())
                            .arg(dock->width())
                            .arg(dock->height())
                            .arg(normalSizes.value(dock).width())
                            .arg(normalSizes.value(dock).height());
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void TestUiPolish::presentationReadsFromTheBack_data()
{
    QTest::addColumn<QSize>("window");
    QTest::addColumn<QString>("lesson");
    QTest::newRow("1366x768") << QSize(1366, 768) << ":/lessons/overfitting.json";
    QTest::newRow("1920x1080") << QSize(1920, 1080) << ":/lessons/overfitting.json";
    // Lesson 6: 22 cards in four rows, too many to fit readable on a projector.
    QTest::newRow("1366x768, lesson 6") << QSize(1366, 768) << ":/lessons/depth.json";
}

void TestUiPolish::presentationReadsFromTheBack()
{
    // A classroom projector: a lesson open, a few epochs trained, the window maximized. Every text
    // the class reads is at least 18 px on the screen - the cards' at the canvas's zoom too -,
    // the loss plot is tall enough for its ticks, and leaving puts every dock back.
    constexpr double kReadable = 18.0;
    QFETCH(QSize, window);
    QFETCH(QString, lesson);
    const QFont appFont = QApplication::font();
    const auto restoreFont = qScopeGuard([appFont] { QApplication::setFont(appFont); });
    TestWindow w;
    w.setMinimumSize(1, 1);
    w.resize(window);
    w.show();
    QCOMPARE(w.openLesson(lesson), QString());
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCoreApplication::processEvents();
    // Tabbed docks behind another's tab stay "visible", parked outside the window.
    struct DockState {
        bool shown = false;
        bool inFront = false;
        QRect geometry;
    };
    auto dockStates = [&w] {
        QHash<QDockWidget*, DockState> states;
        for (QDockWidget* dock : w.findChildren<QDockWidget*>()) {
            const bool inFront = dock->isVisible() && w.rect().intersects(dock->geometry());
            states.insert(dock, {dock->toggleViewAction()->isChecked(), inFront, dock->geometry()});
        }
        return states;
    };
    const auto normal = dockStates();

    widgets::CanvasView* view = w.view();
    w.presentationMode()->setActive(true);
    QCoreApplication::processEvents(); // the docks take in the larger font, the canvas fits
    widgets::TrainingController* controller = w.trainingPanel()->controller();
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    connect(controller, &widgets::TrainingController::snapshotReady, &w,
        [controller](const widgets::TrainingSnapshot& s) {
            if (!s.epochs.empty() && s.epochs.back().epoch >= 5)
                controller->stop();
        });
    w.trainingPanel()->train();
    QVERIFY(finished.wait(60000));
    QCoreApplication::processEvents();
    widgets::LossPlot* loss = w.trainingPanel()->lossPlot();
    loss->plot()->replot();
    saveGrab(&w, QStringLiteral("presentation_%1.png").arg(QString(QTest::currentDataTag())));

    QStringList problems;
    // The side docks make room; the lesson stays.
    for (QDockWidget* dock : normal.keys())
        if (dock != w.lessonDock() && dock != w.trainingDock() && dock->isVisible()
            && w.rect().intersects(dock->geometry()))
            problems << QStringLiteral("%1 is still shown").arg(dock->windowTitle());
    // Beside the plots, not behind a tab, and nothing overlaps.
    QList<QWidget*> areas {w.centralWidget(), w.trainingDock(), w.lessonDock()};
    for (QWidget* area : areas)
        if (!area->isVisible() || !w.rect().contains(area->geometry()))
            problems << QStringLiteral("%1 is hidden").arg(area->windowTitle());
    for (int i = 0; i < areas.size(); ++i)
        for (int j = i + 1; j < areas.size(); ++j)
            if (areas[i]->geometry().intersects(areas[j]->geometry()))
                problems << QStringLiteral("%1 overlaps %2")
                                .arg(areas[i]->windowTitle(), areas[j]->windowTitle());

    // The whole network in view, its cards' text readable at the canvas's zoom; a network too
    // large for both shows readable from its input, the rest a scroll away.
    const QRect network = view->mapFromScene(w.scene()->nodesBoundingRect()).boundingRect();
    const bool fits = network.width() <= view->viewport()->width()
        && network.height() <= view->viewport()->height();
    const QRect shown = fits ? network : [&w, view] {
        for (QGraphicsItem* item : w.scene()->items())
            if (auto* card = qgraphicsitem_cast<widgets::LayerNodeItem*>(item))
                if (w.document()->node(card->nodeId())->type == "Input")
                    return view->mapFromScene(card->sceneBoundingRect()).boundingRect();
        return QRect();
    }();
    if (!view->viewport()->rect().contains(shown))
        problems << QStringLiteral("the network (%1x%2, input card at %3,%4) does not fit the "
                                   "canvas (%5x%6)")
                        .arg(network.width())
                        .arg(network.height())
                        .arg(shown.x())
                        .arg(shown.y())
                        .arg(view->viewport()->width())
                        .arg(view->viewport()->height());
    using Text = widgets::LayerNodeItem::Text;
    for (const Text text : {Text::Type, Text::Name, Text::Summary, Text::Detail}) {
        double smallest = 1000;
        for (QGraphicsItem* item : w.scene()->items())
            if (auto* card = qgraphicsitem_cast<widgets::LayerNodeItem*>(item))
                smallest = std::min(smallest, pixelSize(card->font(text), view->viewport()));
        if (smallest * view->zoom() < kReadable)
            problems << QStringLiteral("card text %1 is %2 px at %3 % zoom")
                            .arg(int(text))
                            .arg(smallest * view->zoom(), 0, 'f', 1)
                            .arg(qRound(view->zoom() * 100));
    }

    // Window, lesson and plot text.
    for (const auto& [what, font, device] :
        std::initializer_list<std::tuple<QString, QFont, QWidget*>> {{"window", w.font(), &w},
            {"lesson", w.lessonPanel()->font(), w.lessonPanel()},
            {"loss ticks", loss->plot()->yAxis->tickLabelFont(), loss->plot()},
            {"loss axis label", loss->plot()->xAxis->labelFont(), loss->plot()},
            {"loss legend", loss->plot()->legend->font(), loss->plot()}}) {
        if (pixelSize(font, device) < kReadable)
            problems << QStringLiteral("%1 text is %2 px").arg(what).arg(pixelSize(font, device));
    }

    // Every widget's text, the lesson's title and buttons included.
    for (QWidget* widget : w.findChildren<QWidget*>()) {
        if (!widget->isVisible()
            || !w.rect().intersects(QRect(widget->mapTo(&w, QPoint()), widget->size())))
            continue;
        const int shown = QFontInfo(widget->font()).pixelSize();
        if (shown < kReadable)
            problems << QStringLiteral("%1 \"%2\" writes in %3 px")
                            .arg(widget->metaObject()->className(), widget->objectName())
                            .arg(shown);
    }

    // The loss plot: tall enough, and no tick label runs into the next.
    if (!loss->isVisible())
        problems << QStringLiteral("the loss plot is hidden");
    QCPAxisRect* axes = loss->plot()->axisRect();
    if (loss->plot()->height() < 200 || axes->height() < 120)
        problems << QStringLiteral("the loss plot is %1 px high, its axes %2 px")
                        .arg(loss->plot()->height())
                        .arg(axes->height());
    for (QCPAxis* axis : axes->axes()) {
        if (!axis->visible() || !axis->tickLabels())
            continue;
        const auto labels = tickLabelRects(axis);
        if (labels.size() < 2)
            problems << QStringLiteral("axis \"%1\" has %2 tick labels")
                            .arg(axis->label())
                            .arg(labels.size());
        for (std::size_t i = 0; i + 1 < labels.size(); ++i)
            if (labels[i].second.intersects(labels[i + 1].second))
                problems << QStringLiteral("on axis \"%1\" tick \"%2\" overlaps \"%3\"")
                                .arg(axis->label(), labels[i].first, labels[i + 1].first);
        for (const auto& [label, rect] : labels)
            if (!QRectF(loss->plot()->rect()).contains(rect))
                problems << QStringLiteral("on axis \"%1\" tick \"%2\" is cut by the plot's edge")
                                .arg(axis->label(), label);
    }

    // Leaving puts every dock back where it was, shown or hidden as it was.
    w.presentationMode()->setActive(false);
    QCOMPARE(QApplication::font(), appFont);
    QCoreApplication::processEvents(); // the docks take in the smaller font, then their places
    const auto after = dockStates();
    for (auto it = normal.cbegin(); it != normal.cend(); ++it) {
        const DockState now = after.value(it.key());
        if (now.shown != it->shown || now.inFront != it->inFront)
            problems << QStringLiteral("back in normal mode, %1 is %2%3")
                            .arg(it.key()->windowTitle(), now.shown ? "shown" : "hidden",
                                now.inFront ? "" : " behind a tab");
        else if (now.inFront && now.geometry != it->geometry)
            problems << QStringLiteral(
                "back in normal mode, %1 is at %2,%3 %4x%5, before %6,%7 %8x%9")
                            .arg(it.key()->windowTitle())
                            .arg(now.geometry.x())
                            .arg(now.geometry.y())
                            .arg(now.geometry.width())
                            .arg(now.geometry.height())
                            .arg(it->geometry.x())
                            .arg(it->geometry.y())
                            .arg(it->geometry.width())
                            .arg(it->geometry.height());
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

QTEST_MAIN(TestUiPolish)
#include "tst_ui_polish.moc"

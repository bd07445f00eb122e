// The Inspector in the main window's right dock at laptop window sizes: every editor of every
// layer (and of the project settings) fits the dock, none is cut at its right edge.
#include "MainWindow.h"
#include "QuietWindow.h"
#include "canvas/CanvasScene.h"
#include "data/DatasetSpec.h"
#include "document/GraphDocument.h"
#include "inspector/Inspector.h"
#include "inspector/ProjectSettingsPanel.h"
#include "plots/DecisionBoundaryView.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <filesystem>

namespace {

/// The scroll area of the page the inspector shows (settings or node), or null.
QScrollArea* shownPage(widgets::Inspector* inspector)
{
    auto* pages = inspector->findChild<QStackedWidget*>();
    return pages ? qobject_cast<QScrollArea*>(pages->currentWidget()) : nullptr;
}

/// "" when the page and each of its visible editors fit the area's viewport, else what does
/// not.
QString cutEditors(QScrollArea* area)
{
    QWidget* page = area->widget();
    const int room = area->viewport()->width();
    QStringList cut;
    if (page->minimumSizeHint().width() > room)
        cut << QStringLiteral("page needs %1 px of %2")
                   .arg(page->minimumSizeHint().width())
                   .arg(room);
    for (QWidget* w : page->findChildren<QWidget*>()) {
        if (!w->isVisibleTo(page))
            continue;
        if (!qobject_cast<QAbstractSpinBox*>(w) && !qobject_cast<QComboBox*>(w)
            && !qobject_cast<QLineEdit*>(w) && !qobject_cast<QCheckBox*>(w))
            continue;
        if (qobject_cast<QAbstractSpinBox*>(w->parentWidget())
            || qobject_cast<QComboBox*>(w->parentWidget()))
            continue; // a spin box's or combo's own line edit
        const int right = w->mapTo(area->viewport(), QPoint(w->width(), 0)).x();
        // A spin box may be narrower than the widest value of its range, not than its value.
        auto* spin = qobject_cast<QAbstractSpinBox*>(w);
        QLineEdit* spinText = spin ? spin->findChild<QLineEdit*>() : nullptr;
        const bool textCut = spinText
            && spinText->fontMetrics().horizontalAdvance(spin->text()) > spinText->width();
        // Layouts honour an explicit minimum width over the size hint (a combo's long
        // placeholder may be elided); the chosen entry must still be whole.
        const int minimum
            = w->minimumWidth() > 0 ? w->minimumWidth() : w->minimumSizeHint().width();
        const bool squeezed = !spin && w->width() < minimum;
        auto* combo = qobject_cast<QComboBox*>(w);
        const bool entryCut = combo && combo->currentIndex() >= 0
            && combo->fontMetrics().horizontalAdvance(combo->currentText()) + 30 > combo->width();
        if (right > room || textCut || squeezed || entryCut)
            cut << QStringLiteral("%1 \"%2\" ends at %3 of %4, %5 px wide (needs %6)")
                       .arg(
                           QString::fromLatin1(w->metaObject()->className()), w->toolTip().left(30))
                       .arg(right)
                       .arg(room)
                       .arg(w->width())
                       .arg(w->minimumSizeHint().width());
    }
    return cut.join(QStringLiteral("; "));
}

/// "" when every visible label of the page shows all its lines without running into another
/// visible widget, else which do not (a wrapped label given one line's height draws its other
/// lines over the next row).
QString overlappingLabels(QScrollArea* area)
{
    QWidget* page = area->widget();
    QList<QWidget*> shown;
    for (QWidget* w : page->findChildren<QWidget*>())
        if (w->isVisibleTo(page) && w->parentWidget()
            && !w->parentWidget()->inherits("QAbstractSpinBox")
            && !w->parentWidget()->inherits("QComboBox") && !w->inherits("QGroupBox"))
            shown << w;
    const auto rectOf
        = [page](QWidget* w) { return QRect(w->mapTo(page, QPoint(0, 0)), w->size()); };
    QStringList bad;
    for (QWidget* w : shown) {
        auto* label = qobject_cast<QLabel*>(w);
        if (!label || label->text().isEmpty())
            continue;
        const int needed = label->wordWrap() ? label->heightForWidth(label->width())
                                             : label->sizeHint().height();
        if (needed > label->height() + 1)
            bad << QStringLiteral("\"%1\" is %2 px tall, needs %3")
                       .arg(label->text().left(40))
                       .arg(label->height())
                       .arg(needed);
        for (QWidget* other : shown) {
            if (other == w || other->isAncestorOf(w) || w->isAncestorOf(other))
                continue;
            if (rectOf(w).adjusted(0, 0, 0, needed - label->height()).intersects(rectOf(other)))
                bad << QStringLiteral("\"%1\" runs into a %2")
                           .arg(label->text().left(40),
                               QString::fromLatin1(other->metaObject()->className()));
        }
    }
    bad.removeDuplicates();
    return bad.join(QStringLiteral("; "));
}

} // namespace

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void editorsFitTheDock_data();
    void editorsFitTheDock();
    void datasetRowsFitAfterTraining();
    void picksFashionMnistAndMnistInOneStep();
    void windowAttributesEditAsText();
};

void TestInspector::editorsFitTheDock_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<QSize>("size");
    for (const char* example : {"spiral", "fashion_cnn", "temperature_lstm"}) {
        for (const QSize size : {QSize(1366, 768), QSize(1600, 900)}) {
            QTest::addRow("%s %dx%d", example, size.width(), size.height())
                << QString::fromLatin1(example) << size;
        }
    }
}

void TestInspector::editorsFitTheDock()
{
    QFETCH(QString, example);
    QFETCH(QSize, size);
    MainWindow window;
    // Shown first, as a user opens an example from a running window: the settings page is
    // laid out for the previous project, then refilled.
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.openExample(QStringLiteral(":/examples/%1.json").arg(example)), QString());
    QCoreApplication::processEvents();
    widgets::Inspector* inspector = window.inspector();
    QVERIFY(inspector->isVisible());

    // Nothing selected: the project settings.
    window.scene()->selectNodes({});
    QCoreApplication::processEvents();
    QScrollArea* area = shownPage(inspector);
    QVERIFY(area);
    QVERIFY(inspector->width() <= window.width() / 3);
    QVERIFY(
        window.grab().save(QDir::temp().filePath(QStringLiteral("inspector_settings_%1_%2x%3.png")
                                                     .arg(example)
                                                     .arg(size.width())
                                                     .arg(size.height()))));
    QString cut = cutEditors(area);
    QVERIFY2(cut.isEmpty(), qPrintable(QStringLiteral("settings: ") + cut));
    // Fashion-MNIST's "From:" names a folder that wraps at laptop sizes.
    const QString overlap = overlappingLabels(area);
    QVERIFY2(overlap.isEmpty(), qPrintable(QStringLiteral("settings: ") + overlap));

    widgets::GraphDocument* doc = window.document();
    int dense = 0;
    for (engine::NodeId id : doc->nodeIds()) {
        window.scene()->selectNodes({id});
        QCoreApplication::processEvents();
        QCOMPARE(inspector->currentNode(), id);
        area = shownPage(inspector);
        QVERIFY(area);
        cut = cutEditors(area);
        QVERIFY2(cut.isEmpty(),
            qPrintable(
                QStringLiteral("%1 (%2): %3").arg(doc->nodeName(id), doc->nodeType(id), cut)));
        const bool firstDense = doc->nodeType(id) == QLatin1String("Dense") && dense++ == 0;
        if (firstDense || doc->nodeType(id) == QLatin1String("LSTM")) {
            const QString file = QDir::temp().filePath(QStringLiteral("inspector_%1_%2_%3x%4.png")
                                                           .arg(example, doc->nodeType(id))
                                                           .arg(size.width())
                                                           .arg(size.height()));
            QVERIFY(window.grab().save(file));
        }
    }
    QVERIFY(dense > 0);
}

void TestInspector::datasetRowsFitAfterTraining()
{
    if (!QDir(QStringLiteral("/usr/share/datasets/fashion-mnist")).exists())
        QSKIP("Fashion-MNIST is not installed");
    // As a user sees it: the Fashion-MNIST MLP opened in a laptop-sized window, one epoch
    // trained, then the project settings looked at. The folder under From: wraps to three lines
    // and the "28x28x1 inputs -> 10 classes" hint to two.
    guitest::QuietWindow window;
    window.resize(1366, 768);
    window.show(); // and opened at once, before the window is laid out
    QCOMPARE(window.openExample(QStringLiteral(":/examples/fashion_mlp.json")), QString());
    engine::TrainingConfig config = window.document()->project().training;
    config.epochs = 1;
    window.document()->setTrainingConfig(config);
    QVERIFY(guitest::trainSession(window).samples);
    // Nothing selected since the example opened: the settings page as it was laid out then
    // (selecting would lay it out again), once the boundary view has filled.
    QTRY_VERIFY_WITH_TIMEOUT(window.trainingPanel()->boundary()->hasBoundary(), 60000);
    QCoreApplication::processEvents();
    QScrollArea* area = shownPage(window.inspector());
    QVERIFY(area);
    guitest::saveGrab(&window, QStringLiteral("inspector_fashion_mlp_trained.png"));
    const QString overlap = overlappingLabels(area);
    QVERIFY2(overlap.isEmpty(), qPrintable(QStringLiteral("settings: ") + overlap));
}

void TestInspector::windowAttributesEditAsText()
{
    widgets::GraphDocument doc;
    QUndoStack stack;
    widgets::Inspector inspector(&doc, &stack);
    doc.insertNode(doc.makeNode("Input", {{"shape", {12, 12, 4}}}, {}));
    const engine::NodeId input = doc.nodeIds().back();
    doc.insertNode(doc.makeNode("Conv2D",
        {{"filters", 8}, {"padding", {0, 1, 1, 2}}, {"dilation", 2}, {"groups", 2}}, {200, 0}));
    const engine::NodeId conv = doc.nodeIds().back();
    doc.addEdge({input, 0, conv, 0});
    inspector.showNode(conv);

    auto* kernel = qobject_cast<QLineEdit*>(inspector.editorFor("kernel"));
    auto* padding = qobject_cast<QComboBox*>(inspector.editorFor("padding"));
    auto* dilation = qobject_cast<QLineEdit*>(inspector.editorFor("dilation"));
    QVERIFY(kernel && padding && dilation);
    QCOMPARE(kernel->text(), QString("3"));
    QCOMPARE(padding->currentText(), QString("0, 1, 1, 2"));
    QCOMPARE(dilation->text(), QString("2"));

    const auto type = [](QLineEdit* edit, const QString& text) {
        edit->setText(text);
        emit edit->editingFinished();
    };
    type(kernel, "1, 3");
    QVERIFY(doc.attributes(conv)["kernel"] == nlohmann::json::parse("[1,3]"));
    QCOMPARE(stack.count(), 1);
    type(kernel, "1, 2, 3"); // not a kernel: nothing changes, the editor shows the value again
    QCOMPARE(stack.count(), 1);
    QCOMPARE(kernel->text(), QString("1, 3"));
    type(padding->lineEdit(), "1"); // one number pads every side
    QVERIFY(doc.attributes(conv)["padding"] == nlohmann::json::parse("[1,1,1,1]"));
    const int same = padding->findData(QStringLiteral("same"));
    QVERIFY(same >= 0);
    padding->setCurrentIndex(same);
    emit padding->activated(same); // as a click on the entry does
    QVERIFY(doc.attributes(conv)["padding"] == nlohmann::json("same"));
    // Successive edits of one attribute undo as one step (SetAttributeCommand merges them).
    stack.undo();
    QVERIFY(doc.attributes(conv)["padding"] == nlohmann::json::parse("[0,1,1,2]"));
    QCOMPARE(padding->currentText(), QString("0, 1, 1, 2"));
    stack.undo();
    QCOMPARE(kernel->text(), QString("3"));

    // Readable in a narrow dock: nothing cut.
    inspector.resize(320, 900);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QScrollArea* area = shownPage(&inspector);
    QVERIFY(area);
    const QString cut = cutEditors(area);
    QVERIFY2(cut.isEmpty(), qPrintable(cut));
    const QString shots = QString::fromLocal8Bit(qgetenv("NETCANVAS_SHOTS"));
    if (!shots.isEmpty())
        QVERIFY(inspector.grab().save(shots + "/layers-inspector.png"));
}

void TestInspector::picksFashionMnistAndMnistInOneStep()
{
    widgets::GraphDocument doc;
    QUndoStack stack;
    widgets::ProjectSettingsPanel panel(&doc, &stack);
    QString chosenFolder; // what the injected folder chooser answers ("" = cancelled)
    int asked = 0;
    widgets::FileChoosers choosers;
    choosers.directory = [&](const QString&, const QString&, const QString&) {
        ++asked;
        return chosenFolder;
    };
    panel.setFileChoosers(choosers);
    QComboBox* source = panel.sourceCombo();
    const auto pick = [source](const char* data) {
        const int index = source->findData(QString::fromLatin1(data));
        QVERIFY2(index >= 0, data);
        source->setCurrentIndex(index);
        emit source->activated(index); // as a click on the entry does
    };
    QCOMPARE(source->currentData().toString(), QString("generator"));
    QVERIFY(!panel.isFieldShown(panel.subsetSpin()));

    // Fashion-MNIST: one pick, one undo step, the example's spec with a subset size.
    pick("fashion-mnist");
    QCOMPARE(stack.count(), 1);
    QCOMPARE(QString::fromStdString(doc.datasetSpec().source), QString("fashion-mnist"));
    QCOMPARE(doc.datasetSpec().path, std::string()); // the system folder
    QCOMPARE(doc.datasetSpec().options.value("imageShape", false), true);
    QVERIFY(panel.isFieldShown(panel.subsetSpin()));
    QVERIFY(panel.isFieldShown(panel.classNamesEdit()));
    // A generator means nothing to image data: its row goes (the Source box goes back to it).
    QVERIFY(!panel.isFieldShown(panel.generatorCombo()));
    QVERIFY2(panel.classNamesEdit()->placeholderText().startsWith("T-shirt/top, Trouser"),
        qPrintable(panel.classNamesEdit()->placeholderText()));
    QVERIFY(panel.classNamesEdit()->placeholderText().endsWith("Ankle boot"));
    QVERIFY2(panel.sourceLabel()->text().contains("/usr/share/datasets/fashion-mnist"),
        qPrintable(panel.sourceLabel()->text()));
    panel.subsetSpin()->setValue(5000);
    QCOMPARE(doc.datasetSpec().options.value("limit", 0), 5000);
    QCOMPARE(doc.context()->numClasses, 10);
    if (!std::filesystem::exists(engine::kFashionMnistDir))
        QVERIFY2(panel.datasetHint()->text().contains("sudo apt install dataset-fashion-mnist"),
            qPrintable(panel.datasetHint()->text()));

    // MNIST asks for its folder; cancelling changes nothing.
    chosenFolder.clear();
    pick("mnist");
    QCOMPARE(asked, 1);
    QCOMPARE(QString::fromStdString(doc.datasetSpec().source), QString("fashion-mnist"));
    QCOMPARE(source->currentData().toString(), QString("fashion-mnist"));
    QTemporaryDir dir;
    chosenFolder = dir.path();
    pick("mnist");
    QCOMPARE(QString::fromStdString(doc.datasetSpec().source), QString("mnist"));
    QCOMPARE(QString::fromStdString(doc.datasetSpec().path), dir.path());
    QCOMPARE(doc.datasetSpec().options.value("limit", 0), 5000); // the subset carries over
    QCOMPARE(panel.subsetSpin()->value(), 5000);
    QCOMPARE(panel.classNamesEdit()->placeholderText(), QString("0, 1, 2, 3, 4, 5, 6, 7, 8, 9"));
    // The folder holds no MNIST files: the settings say so and name the files.
    QVERIFY2(panel.datasetHint()->text().contains("MNIST was not found in"),
        qPrintable(panel.datasetHint()->text()));
    QVERIFY(panel.datasetHint()->text().contains("train-images-idx3-ubyte.gz"));

    // Class names typed in the inspector go into the spec.
    panel.classNamesEdit()->setText("zero, one ,two,three,four,five,six,seven,eight,nine");
    emit panel.classNamesEdit()->editingFinished();
    QCOMPARE(doc.datasetSpec().classNames.at(1), std::string("one"));
    QCOMPARE(doc.datasetSpec().classNames.size(), std::size_t(10));

    panel.resize(380, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QString shots = QString::fromLocal8Bit(qgetenv("NETCANVAS_SHOTS"));
    if (!shots.isEmpty())
        QVERIFY(panel.grab().save(shots + "/data_inspector_mnist.png"));

    // Back to generated data in one step, and undo returns to MNIST.
    pick("generator");
    QCOMPARE(QString::fromStdString(doc.datasetSpec().source), QString("generator"));
    QVERIFY(doc.datasetSpec().classNames.empty());
    QVERIFY(!panel.isFieldShown(panel.subsetSpin()));
    QVERIFY(panel.isFieldShown(panel.generatorCombo()));
    stack.undo();
    QCOMPARE(QString::fromStdString(doc.datasetSpec().source), QString("mnist"));
    QCOMPARE(source->currentData().toString(), QString("mnist"));
}

QTEST_MAIN(TestInspector)
#include "tst_inspector.moc"

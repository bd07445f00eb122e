// The designer window as a user drives it: palette, inspector, files, modified marker.
#include "MainWindow.h"
#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerPalette.h"
#include "canvas/PaletteMime.h"
#include "document/GraphDocument.h"
#include "export/ExportActions.h"
#include "inspector/Inspector.h"
#include "inspector/ProjectSettingsPanel.h"
#include "layers/LayerRegistry.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"
#include "training/TrainingController.h"

#include <nlohmann/json.hpp>

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>

#include <memory>
#include <optional>

namespace {

/// A window whose dialogs are answered by the test and recorded instead of blocking.
class TestWindow : public MainWindow {
public:
    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    int questions = 0;
    QStringList errors;
    QString saveName;

protected:
    QMessageBox::StandardButton askToSaveChanges() override
    {
        ++questions;
        return answer;
    }
    void showError(const QString&, const QString& message) override { errors << message; }
    QString askSaveFileName() override { return saveName; }
};

engine::NodeId nodeNamed(const widgets::GraphDocument& doc, const QString& name)
{
    for (engine::NodeId id : doc.nodeIds()) {
        if (doc.nodeName(id) == name)
            return id;
    }
    return -1;
}

const engine::LayerInfo* entryLabelled(const std::string& label)
{
    for (const auto& e : engine::LayerRegistry::entries()) {
        if (e.label == label)
            return &e;
    }
    return nullptr;
}

/// QCOMPARE cannot print nlohmann::json; this shows both sides' JSON on failure.
#define COMPARE_JSON(actual, expected)                                                             \
    do {                                                                                           \
        const nlohmann::json a_ = (actual);                                                        \
        const nlohmann::json e_ = (expected);                                                      \
        QVERIFY2(a_ == e_,                                                                         \
            qPrintable(                                                                            \
                QStringLiteral("actual:   %1\nexpected: %2")                                       \
                    .arg(QString::fromStdString(a_.dump()), QString::fromStdString(e_.dump()))));  \
    } while (false)

/// Every editor the panel says it shows really has room on screen (catches layouts that keep
/// a hidden row's size or squash a row to nothing).
void verifyShownEditorsHaveRoom(widgets::ProjectSettingsPanel* panel)
{
    QCoreApplication::processEvents();
    const QList<QWidget*> editors = panel->findChildren<QWidget*>();
    int checked = 0;
    for (QWidget* w : editors) {
        if (!qobject_cast<QAbstractSpinBox*>(w) && !qobject_cast<QComboBox*>(w))
            continue;
        if (!panel->isFieldShown(w))
            continue;
        QVERIFY2(w->isVisible() && w->height() >= w->minimumSizeHint().height(),
            qPrintable(
                QStringLiteral("%1 is %2 px high")
                    .arg(w->toolTip().isEmpty() ? w->metaObject()->className() : w->toolTip())
                    .arg(w->height())));
        ++checked;
    }
    QVERIFY(checked > 5);
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

} // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();

    void paletteMimeData_data();
    void paletteMimeData();
    void paletteHasEveryEntryWithIcon();
    void paletteFilter();
    void paletteDoubleClickAddsConnectedLayer();

    void inspectorEditsUnitsThroughUndo();
    void inspectorRenamesNode();
    void inspectorShowsErrors();
    void settingsPanelEditsTrainingConfig();
    void settingsPanelHidesIrrelevantOptimizerFields();
    void settingsPanelFileDataset();

    void exampleSaveReopenRoundTrip_data();
    void exampleSaveReopenRoundTrip();
    void corruptFileLeavesDocumentUntouched_data();
    void corruptFileLeavesDocumentUntouched();
    void modifiedMarkerFollowsUndoStack();
    void closeAsksAboutUnsavedChanges();
    void quittingMidTrainingAsksBeforeStopping();
    void statusSummary();
    void disabledTrainSaysWhy();
    void recentFiles();
    void newIsBlankAndNamedAfterItsFile();
    void openingAnotherProjectTrainsItAfresh();
    void menus();

    void screenshots();
};

void TstMainWindow::initTestCase()
{
    // Recent files and window state go to a throw-away settings location.
    QStandardPaths::setTestModeEnabled(true);
    QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas")).clear();
}

// --- palette ---------------------------------------------------------------------------------

void TstMainWindow::paletteMimeData_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributeKey");
    QTest::addColumn<QString>("attributeValue");
    QTest::newRow("Dense") << "Dense"
                           << "Dense"
                           << "units"
                           << "8";
    QTest::newRow("Leaky ReLU") << "Leaky ReLU"
                                << "Activation"
                                << "function"
                                << "\"leaky_relu\"";
    QTest::newRow("Dropout") << "Dropout"
                             << "Dropout"
                             << "rate"
                             << "0.5";
    QTest::newRow("Add") << "Add"
                         << "Add" << QString() << QString();
}

void TstMainWindow::paletteMimeData()
{
    QFETCH(QString, label);
    QFETCH(QString, type);
    QFETCH(QString, attributeKey);
    QFETCH(QString, attributeValue);

    const engine::LayerInfo* entry = entryLabelled(label.toStdString());
    QVERIFY(entry);
    const std::unique_ptr<QMimeData> mime(widgets::LayerPalette::createMimeData(*entry));
    QVERIFY(mime->hasFormat(QString::fromLatin1(widgets::kLayerMimeType)));
    const auto payload = nlohmann::json::parse(
        mime->data(QString::fromLatin1(widgets::kLayerMimeType)).toStdString());
    QCOMPARE(QString::fromStdString(payload.at("type").get<std::string>()), type);
    QVERIFY(payload.at("attributes").is_object());
    COMPARE_JSON(payload.at("attributes"), nlohmann::json::parse(entry->attributes));
    if (!attributeKey.isEmpty()) {
        QCOMPARE(QString::fromStdString(payload["attributes"][attributeKey.toStdString()].dump()),
            attributeValue);
    }

    // The same payload is what the palette's tree hands to a drag.
    widgets::LayerPalette palette;
    QVERIFY(palette.itemForLabel(label));
}

void TstMainWindow::paletteHasEveryEntryWithIcon()
{
    MainWindow window; // registers the resources
    widgets::LayerPalette palette;
    QStringList categories;
    for (int i = 0; i < palette.tree()->topLevelItemCount(); ++i)
        categories << palette.tree()->topLevelItem(i)->text(0);
    // The issue's groups in this order; later groups (Convolution, ...) sit in between.
    const QStringList expected {"Core", "Activations", "Regularization", "Merge", "Output"};
    QStringList shown = categories;
    shown.removeIf([&expected](const QString& c) { return !expected.contains(c); });
    QCOMPARE(shown, expected);
    QCOMPARE(categories.front(), QStringLiteral("Core"));
    QCOMPARE(categories.back(), QStringLiteral("Output"));
    for (const auto& e : engine::LayerRegistry::entries()) {
        const QString label = QString::fromStdString(e.label);
        QTreeWidgetItem* item = palette.itemForLabel(label);
        QVERIFY2(item, qPrintable(label));
        QCOMPARE(item->parent()->text(0), QString::fromStdString(e.category));
        const QString icon = widgets::LayerPalette::iconPath(e);
        QVERIFY2(icon != QStringLiteral(":/icons/layer.svg"), qPrintable(label));
        QVERIFY2(!QIcon(icon).pixmap(24, 24).isNull(), qPrintable(icon));
        QVERIFY(item->toolTip(0).contains(QString::fromStdString(e.formula).toHtmlEscaped()));
    }
}

void TstMainWindow::paletteFilter()
{
    widgets::LayerPalette palette;
    palette.filterEdit()->setText(QStringLiteral("relu"));
    QVERIFY(!palette.itemForLabel(QStringLiteral("ReLU"))->isHidden());
    QVERIFY(!palette.itemForLabel(QStringLiteral("Leaky ReLU"))->isHidden());
    QVERIFY(palette.itemForLabel(QStringLiteral("Dense"))->isHidden());
    QVERIFY(palette.itemForLabel(QStringLiteral("Dense"))->parent()->isHidden());
    palette.filterEdit()->clear();
    QVERIFY(!palette.itemForLabel(QStringLiteral("Dense"))->isHidden());
}

void TstMainWindow::paletteDoubleClickAddsConnectedLayer()
{
    MainWindow window;
    widgets::GraphDocument* doc = window.document();
    // Replace the loss: delete it, then double-click "Loss" with the last layer selected.
    window.scene()->selectNodes({nodeNamed(*doc, QStringLiteral("loss"))});
    window.scene()->deleteSelection();
    const engine::NodeId output = nodeNamed(*doc, QStringLiteral("output"));
    QVERIFY(output >= 0);
    QVERIFY(doc->outEdges(output).empty());
    window.scene()->selectNodes({output});
    const int before = doc->nodeCount();

    QTreeWidgetItem* loss = window.palette()->itemForLabel(QStringLiteral("Loss"));
    QVERIFY(loss);
    emit window.palette()->tree()->itemActivated(loss, 0);

    QCOMPARE(doc->nodeCount(), before + 1);
    const engine::NodeId added = doc->nodeIds().back();
    QCOMPARE(doc->nodeType(added), QStringLiteral("Loss"));
    QVERIFY(doc->hasEdge(engine::Edge {output, 0, added, 0}));
    QCOMPARE(window.undoStack()->count(), 2);
    // The preset attributes came along.
    QCOMPARE(QString::fromStdString(doc->attributes(added).at("loss").get<std::string>()),
        QStringLiteral("softmax_crossentropy"));
}

// --- inspector -------------------------------------------------------------------------------

void TstMainWindow::inspectorEditsUnitsThroughUndo()
{
    MainWindow window;
    widgets::GraphDocument* doc = window.document();
    QUndoStack* undo = window.undoStack();
    const engine::NodeId hidden = nodeNamed(*doc, QStringLiteral("hidden"));
    QVERIFY(hidden >= 0);
    window.scene()->selectNodes({hidden});
    QCOMPARE(window.inspector()->currentNode(), hidden);

    auto* units = qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"));
    QVERIFY(units);
    QCOMPARE(units->value(), 8);
    const long paramsBefore = doc->paramCount(hidden);

    units->setValue(16);
    QCOMPARE(doc->attributes(hidden).at("units").get<int>(), 16);
    QCOMPARE(undo->count(), 1);
    QVERIFY(doc->paramCount(hidden) > paramsBefore);
    QCOMPARE(units->value(), 16);

    undo->undo();
    QCOMPARE(doc->attributes(hidden).at("units").get<int>(), 8);
    QCOMPARE(units->value(), 8);
    QCOMPARE(doc->paramCount(hidden), paramsBefore);
    QCOMPARE(undo->count(), 1); // the refresh pushed nothing

    undo->redo();
    QCOMPARE(units->value(), 16);

    // A choice editor goes through the same path.
    auto* activation = qobject_cast<QComboBox*>(window.inspector()->editorFor("activation"));
    QVERIFY(activation);
    QCOMPARE(activation->currentData().toString(), QStringLiteral("tanh"));
    activation->setCurrentIndex(activation->findData(QStringLiteral("relu")));
    QCOMPARE(QString::fromStdString(doc->attributes(hidden).at("activation").get<std::string>()),
        QStringLiteral("relu"));
    undo->undo();
    QCOMPARE(activation->currentData().toString(), QStringLiteral("tanh"));
}

void TstMainWindow::inspectorRenamesNode()
{
    MainWindow window;
    widgets::GraphDocument* doc = window.document();
    const engine::NodeId hidden = nodeNamed(*doc, QStringLiteral("hidden"));
    window.scene()->selectNodes({hidden});
    QLineEdit* name = window.inspector()->nameEdit();
    QCOMPARE(name->text(), QStringLiteral("hidden"));
    name->setText(QStringLiteral("features"));
    emit name->editingFinished();
    QCOMPARE(doc->nodeName(hidden), QStringLiteral("features"));
    window.undoStack()->undo();
    QCOMPARE(doc->nodeName(hidden), QStringLiteral("hidden"));
    QCOMPARE(name->text(), QStringLiteral("hidden"));
}

void TstMainWindow::inspectorShowsErrors()
{
    MainWindow window;
    widgets::GraphDocument* doc = window.document();
    const engine::NodeId output = nodeNamed(*doc, QStringLiteral("output"));
    window.scene()->selectNodes({output});
    QVERIFY(window.inspector()->shownErrors().isEmpty());
    // Binary cross-entropy needs one output: three is a wiring error on some node.
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(3);
    QVERIFY(!doc->check().ok());
    QString allErrors;
    for (engine::NodeId id : doc->nodeIds())
        allErrors += doc->errorsFor(id);
    QVERIFY(!allErrors.isEmpty());
    for (engine::NodeId id : doc->nodeIds()) {
        if (doc->errorsFor(id).isEmpty())
            continue;
        window.scene()->selectNodes({id});
        QCOMPARE(window.inspector()->shownErrors(), doc->errorsFor(id));
    }
}

void TstMainWindow::settingsPanelEditsTrainingConfig()
{
    MainWindow window;
    widgets::GraphDocument* doc = window.document();
    window.scene()->selectNodes({});
    QCOMPARE(window.inspector()->currentNode(), engine::NodeId(-1));
    widgets::ProjectSettingsPanel* panel = window.inspector()->settingsPanel();

    panel->epochsSpin()->setValue(250);
    QCOMPARE(doc->trainingConfig().epochs, 250);
    panel->learningRateSpin()->setValue(0.05);
    QCOMPARE(doc->trainingConfig().optimizer.learningRate, 0.05);
    QCOMPARE(window.undoStack()->count(), 2);
    window.undoStack()->undo();
    QCOMPARE(panel->learningRateSpin()->value(), 0.01);
    window.undoStack()->undo();
    QCOMPARE(panel->epochsSpin()->value(), 100);
    QCOMPARE(doc->trainingConfig().epochs, 100);

    const int spiral = panel->generatorCombo()->findData(QStringLiteral("spiral"));
    QVERIFY(spiral >= 0);
    panel->generatorCombo()->setCurrentIndex(spiral);
    QCOMPARE(QString::fromStdString(doc->datasetSpec().generator), QStringLiteral("spiral"));
    window.undoStack()->undo();
    QCOMPARE(panel->generatorCombo()->currentData().toString(), QStringLiteral("xor"));
}

void TstMainWindow::settingsPanelHidesIrrelevantOptimizerFields()
{
    MainWindow window;
    widgets::ProjectSettingsPanel* panel = window.inspector()->settingsPanel();
    QComboBox* optimizer = panel->optimizerCombo();

    window.resize(1400, 900);
    window.show();
    verifyShownEditorsHaveRoom(panel);
    optimizer->setCurrentIndex(optimizer->findData(QStringLiteral("sgd")));
    verifyShownEditorsHaveRoom(panel);
    QCOMPARE(QString::fromStdString(window.document()->trainingConfig().optimizer.type),
        QStringLiteral("sgd"));
    QVERIFY(panel->isFieldShown(panel->learningRateSpin()));
    int shownSgd = 0;
    for (auto* spin : panel->findChildren<QDoubleSpinBox*>())
        shownSgd += panel->isFieldShown(spin) ? 1 : 0;

    optimizer->setCurrentIndex(optimizer->findData(QStringLiteral("adam")));
    int shownAdam = 0;
    for (auto* spin : panel->findChildren<QDoubleSpinBox*>())
        shownAdam += panel->isFieldShown(spin) ? 1 : 0;
    QCOMPARE(shownAdam, shownSgd + 2); // beta 1, beta 2
    verifyShownEditorsHaveRoom(panel);
}

void TstMainWindow::settingsPanelFileDataset()
{
    MainWindow window;
    QCOMPARE(window.openExample(QStringLiteral(":/examples/fashion_mlp.json")), QString());
    QCOMPARE(QString::fromStdString(window.document()->datasetSpec().source),
        QStringLiteral("fashion-mnist"));
    widgets::ProjectSettingsPanel* panel = window.inspector()->settingsPanel();
    // Image data shows no Generator row (a generator means nothing to it).
    QVERIFY(!panel->isFieldShown(panel->generatorCombo()));
    window.resize(1400, 900);
    window.show();
    verifyShownEditorsHaveRoom(panel);

    // The Source box brings generated data back, in one undoable step, with the Generator row.
    QComboBox* source = panel->sourceCombo();
    const int generated = source->findData(QStringLiteral("generator"));
    QVERIFY(generated >= 0);
    source->setCurrentIndex(generated);
    emit source->activated(generated); // as a click on the entry does
    QCOMPARE(QString::fromStdString(window.document()->datasetSpec().source),
        QStringLiteral("generator"));
    QVERIFY(panel->isFieldShown(panel->generatorCombo()));
    panel->generatorCombo()->setCurrentIndex(
        panel->generatorCombo()->findData(QStringLiteral("circle")));
    QCOMPARE(QString::fromStdString(window.document()->datasetSpec().generator),
        QStringLiteral("circle"));
    window.undoStack()->undo();
    window.undoStack()->undo();
    QCOMPARE(QString::fromStdString(window.document()->datasetSpec().source),
        QStringLiteral("fashion-mnist"));
    QVERIFY(!panel->isFieldShown(panel->generatorCombo()));
}

// --- files -----------------------------------------------------------------------------------

void TstMainWindow::exampleSaveReopenRoundTrip_data()
{
    QTest::addColumn<QString>("resource");
    MainWindow window; // registers the resources
    const QStringList examples = MainWindow::exampleResources();
    QVERIFY(examples.contains(QStringLiteral(":/examples/mlp_xor.json")));
    QVERIFY(examples.contains(QStringLiteral(":/examples/spiral.json")));
    for (const QString& path : examples)
        QTest::newRow(qPrintable(path)) << path;
}

void TstMainWindow::exampleSaveReopenRoundTrip()
{
    QFETCH(QString, resource);
    TestWindow window;
    QCOMPARE(window.openExample(resource), QString());
    QVERIFY(window.document()->nodeCount() > 0);
    QVERIFY(window.filePath().isEmpty());
    const nlohmann::json loaded = window.document()->toJson();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("copy.json"));
    QCOMPARE(window.saveToFile(path), QString());
    QCOMPARE(window.filePath(), path);
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("copy.json")));

    TestWindow other;
    QCOMPARE(other.openFile(path), QString());
    COMPARE_JSON(other.document()->toJson(), loaded);
    QCOMPARE(other.filePath(), path);
    QVERIFY(!other.isWindowModified());
    QCOMPARE(other.scene()->nodeItemCount(), other.document()->nodeCount());
}

void TstMainWindow::corruptFileLeavesDocumentUntouched_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{ \"format\": \"netcanvas\", \"nodes\": [") << "";
    QTest::newRow("bad units") << QByteArray(
        R"({"format":"netcanvas","version":1,"nodes":[{"id":1,"type":"Dense",)"
        R"("name":"d","attributes":{"units":-3}}],"edges":[]})")
                               << "units";
    QTest::newRow("unknown layer")
        << QByteArray(R"({"format":"netcanvas","version":1,"nodes":[{"id":1,"type":"Warp",)"
                      R"("name":"w","attributes":{}}],"edges":[]})")
        << "Warp";
}

void TstMainWindow::corruptFileLeavesDocumentUntouched()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.json"));
    writeFile(path, content);

    TestWindow window;
    const engine::NodeId hidden = nodeNamed(*window.document(), QStringLiteral("hidden"));
    window.scene()->selectNodes({hidden});
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(12);
    const nlohmann::json before = window.document()->toJson();
    const int nodeItems = window.scene()->nodeItemCount();

    const QString error = window.openFile(path);
    QVERIFY(error.contains(QStringLiteral("broken.json")));
    QVERIFY2(error.contains(expected), qPrintable(error));
    COMPARE_JSON(window.document()->toJson(), before);
    QCOMPARE(window.scene()->nodeItemCount(), nodeItems);
    QCOMPARE(window.undoStack()->count(), 1);
    QVERIFY(window.isWindowModified());
    QVERIFY(window.filePath().isEmpty());

    // Through the menu path the message reaches the user (after the unsaved-changes question).
    window.answer = QMessageBox::Discard;
    QVERIFY(QMetaObject::invokeMethod(&window, "openRecent", Q_ARG(QString, path)));
    QCOMPARE(window.questions, 1);
    QCOMPARE(window.errors, QStringList {error});
    COMPARE_JSON(window.document()->toJson(), before);
}

void TstMainWindow::modifiedMarkerFollowsUndoStack()
{
    TestWindow window;
    QVERIFY(window.windowTitle().contains(QStringLiteral("[*]")));
    QVERIFY(window.windowTitle().endsWith(QStringLiteral("— NetCanvas")));
    QVERIFY(!window.isWindowModified());

    const engine::NodeId hidden = nodeNamed(*window.document(), QStringLiteral("hidden"));
    window.scene()->selectNodes({hidden});
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(4);
    QVERIFY(window.isWindowModified());
    window.undoStack()->undo();
    QVERIFY(!window.isWindowModified());
    window.undoStack()->redo();
    QVERIFY(window.isWindowModified());

    QTemporaryDir dir;
    window.saveName = dir.filePath(QStringLiteral("net.json"));
    QVERIFY(QMetaObject::invokeMethod(&window, "save")); // untitled: goes through Save As
    QVERIFY(!window.isWindowModified());
    QCOMPARE(window.filePath(), window.saveName);
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("net.json[*]")));
    QVERIFY(QFile::exists(window.saveName));

    window.undoStack()->undo(); // back before the save point: modified again
    QVERIFY(window.isWindowModified());
}

void TstMainWindow::closeAsksAboutUnsavedChanges()
{
    TestWindow window;
    window.show();
    QVERIFY(window.close()); // clean: no question
    QCOMPARE(window.questions, 0);

    window.show();
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("hidden"))});
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(5);
    window.answer = QMessageBox::Cancel;
    QVERIFY(!window.close());
    QCOMPARE(window.questions, 1);
    QVERIFY(window.isVisible());

    window.answer = QMessageBox::Discard;
    QVERIFY(window.close());
    QCOMPARE(window.questions, 2);
}

void TstMainWindow::quittingMidTrainingAsksBeforeStopping()
{
    using State = widgets::TrainingController::State;
    MainWindow window; // the real question, answered below as a user would
    window.show();
    QCOMPARE(window.openExample(":/examples/spiral.json"), QString());
    // An unsaved edit, so that closing asks; epochs enough for the run to outlast the test.
    window.inspector()->settingsPanel()->epochsSpin()->setValue(100000);
    QVERIFY(!window.undoStack()->isClean());
    widgets::TrainingController* controller = window.trainingPanel()->controller();
    window.trainingPanel()->trainAction()->trigger();
    QCOMPARE(controller->state(), State::Running);

    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    std::optional<State> stateWhenAsked;
    QTimer answering;
    answering.setInterval(10);
    connect(&answering, &QTimer::timeout, this, [&] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* box = qobject_cast<QMessageBox*>(w);
            if (box && box->isVisible() && box->button(answer)) {
                stateWhenAsked = controller->state();
                box->button(answer)->click();
                return;
            }
        }
    });
    answering.start();

    // Cancel: the run goes on as if nothing happened.
    QVERIFY(!window.close());
    QCOMPARE(stateWhenAsked, std::optional(State::Running));
    QCOMPARE(controller->state(), State::Running);
    // Paused: it stays paused.
    controller->pause();
    QTRY_COMPARE(controller->state(), State::Paused);
    stateWhenAsked.reset();
    QVERIFY(!window.close());
    QCOMPARE(stateWhenAsked, std::optional(State::Paused));
    QCOMPARE(controller->state(), State::Paused);
    // Quitting for real stops it.
    controller->resume();
    QTRY_COMPARE(controller->state(), State::Running);
    answer = QMessageBox::Discard;
    stateWhenAsked.reset();
    QVERIFY(window.close());
    QCOMPARE(stateWhenAsked, std::optional(State::Running));
    QVERIFY(!controller->isRunning());

    // Save: the run stops before saving, so that the file gets the trained weights.
    QTemporaryDir dir;
    TestWindow saving;
    saving.show();
    QCOMPARE(saving.openExample(":/examples/spiral.json"), QString());
    saving.inspector()->settingsPanel()->epochsSpin()->setValue(100000);
    saving.saveName = dir.filePath(QStringLiteral("spiral.json"));
    saving.answer = QMessageBox::Save;
    widgets::TrainingController* running = saving.trainingPanel()->controller();
    saving.trainingPanel()->trainAction()->trigger();
    QTRY_VERIFY(running->lastProgress().step >= 1);
    QVERIFY(saving.close());
    QVERIFY(!running->isRunning());
    const engine::Project saved = engine::loadProject(saving.saveName.toStdString());
    const engine::WeightMap& trained = saving.document()->weights();
    QVERIFY(!trained.empty());
    QCOMPARE(saved.weights.size(), trained.size());
    for (const auto& [node, params] : trained)
        for (const auto& [name, value] : params)
            QVERIFY(saved.weights.at(node).at(name).isApprox(value));
}

void TstMainWindow::statusSummary()
{
    MainWindow window;
    QVERIFY2(window.statusSummary()->text().endsWith(QStringLiteral(" · ready to train")),
        qPrintable(window.statusSummary()->text()));
    QVERIFY(window.statusSummary()->text().startsWith(
        QString::number(window.document()->totalParams()) + QStringLiteral(" parameters · ")));

    const engine::NodeId output = nodeNamed(*window.document(), QStringLiteral("output"));
    const auto edges = window.document()->inEdges(output);
    QCOMPARE(edges.size(), std::size_t(1));
    // Deleting the hidden layer leaves the output unconnected: a problem.
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("hidden"))});
    window.scene()->deleteSelection();
    QVERIFY(!window.document()->check().ok());
    QVERIFY2(window.statusSummary()->text().contains(QStringLiteral("problem")),
        qPrintable(window.statusSummary()->text()));
    window.undoStack()->undo();
    QVERIFY(window.statusSummary()->text().endsWith(QStringLiteral("ready to train")));

    // What the design costs: the engine's sums, at the current batch size and optimizer.
    const auto& check = window.document()->check();
    engine::TrainingConfig config = window.document()->trainingConfig();
    double forwardFlops = 0;
    for (const auto& entry : engine::nodeCosts(check, "sgd"))
        forwardFlops += entry.second.forwardFlops;
    const auto costAt = [&](long batch, const std::string& optimizer) {
        return QString::fromStdString(engine::formatFlops(forwardFlops))
            + QStringLiteral("/sample · ")
            + QString::fromStdString(
                engine::formatBytes(engine::estimateTrainingMemory(check, batch, optimizer).bytes))
            + QStringLiteral(" to train at batch %1").arg(batch);
    };
    QVERIFY2(
        window.statusSummary()->text().contains(costAt(config.batchSize, config.optimizer.type)),
        qPrintable(window.statusSummary()->text()));
    config.batchSize = 4096;
    config.optimizer.type = "sgd";
    window.document()->setTrainingConfig(config);
    QVERIFY2(window.statusSummary()->text().contains(costAt(4096, "sgd")),
        qPrintable(window.statusSummary()->text()));
    QVERIFY(window.statusSummary()->toolTip().contains(QStringLiteral("optimizer state")));
}

void TstMainWindow::disabledTrainSaysWhy()
{
    MainWindow window;
    QAction* train = window.trainingPanel()->trainAction();
    QVERIFY(train->isEnabled());
    const QString usual = train->toolTip();
    // Deleting the hidden layer leaves the output unconnected.
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("hidden"))});
    window.scene()->deleteSelection();
    QVERIFY(!train->isEnabled());
    const engine::NodeId output = nodeNamed(*window.document(), QStringLiteral("output"));
    const QString error = window.document()->errorsFor(output).split('\n').first();
    QVERIFY(!error.isEmpty());
    QCOMPARE(train->toolTip(), QStringLiteral("The network has an error: output: %1").arg(error));
    window.undoStack()->undo();
    QVERIFY(train->isEnabled());
    QCOMPARE(train->toolTip(), usual);

    // While a run goes on, Train waits for it.
    window.inspector()->settingsPanel()->epochsSpin()->setValue(100000);
    widgets::TrainingController* controller = window.trainingPanel()->controller();
    train->trigger();
    QVERIFY(controller->isRunning());
    QVERIFY(!train->isEnabled());
    QVERIFY2(train->toolTip().startsWith(QStringLiteral("Training is running")),
        qPrintable(train->toolTip()));
    QVERIFY(controller->stop(10000));
    QVERIFY(train->isEnabled());
    QCOMPARE(train->toolTip(), QStringLiteral("Continue (F5)")); // the stopped run
}

void TstMainWindow::openingAnotherProjectTrainsItAfresh()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openExample(":/examples/spiral.json"), QString());
    widgets::TrainingController* controller = w.trainingPanel()->controller();
    QSignalSpy sessions(controller, &widgets::TrainingController::sessionStarted);
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    w.trainingPanel()->trainAction()->trigger();
    QVERIFY(controller->isRunning());
    // Opening another project mid-run stops it, and Train must then train the new network with
    // its own settings, not "Continue" the stopped spiral run.
    QCOMPARE(w.openExample(":/examples/mlp_xor.json"), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isRunning(), 5000);
    QVERIFY(!controller->canResume());
    QCOMPARE(w.trainingPanel()->learningRateEdit()->value(), 0.03);
    w.trainingPanel()->trainAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1 && !controller->isRunning(), 60000);
    QCOMPARE(sessions.size(), 2);
    const auto info = sessions.last().first().value<widgets::TrainingSessionInfo>();
    QVERIFY2(info.label.startsWith("lr 0.03,"), qPrintable(info.label));

    // New document: the same.
    w.newDocument();
    QVERIFY(!controller->canResume());
}

void TstMainWindow::recentFiles()
{
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("a.json"));
    const QString b = dir.filePath(QStringLiteral("b.json"));
    {
        MainWindow window;
        QCOMPARE(window.saveToFile(a), QString());
        QCOMPARE(window.saveToFile(b), QString());
    }
    MainWindow window;
    QCOMPARE(window.recentFiles().mid(0, 2), (QStringList {b, a}));
}

void TstMainWindow::newIsBlankAndNamedAfterItsFile()
{
    TestWindow window;
    window.show();
    // The window starts with the small start network, unnamed.
    QVERIFY(window.document()->nodeCount() > 0);
    QCOMPARE(window.document()->project().name, std::string());
    QVERIFY2(window.windowTitle().startsWith(QStringLiteral("Untitled")),
        qPrintable(window.windowTitle()));

    // File > New: blank, no name or description of any template.
    QCOMPARE(window.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    window.newDocument();
    widgets::GraphDocument* doc = window.document();
    QCOMPARE(doc->nodeCount(), 0);
    QCOMPARE(doc->project().name, std::string());
    QCOMPARE(doc->project().description, std::string());
    QVERIFY(doc->weights().empty());
    QVERIFY2(window.windowTitle().startsWith(QStringLiteral("Untitled")),
        qPrintable(window.windowTitle()));

    // Built from New and saved: named after its file.
    const engine::NodeRecord input
        = doc->makeNode(QStringLiteral("Input"), nlohmann::json::object(), {0, 0});
    doc->insertNode(input);
    const engine::NodeRecord dense = doc->makeNode(
        QStringLiteral("Dense"), {{"units", 2}, {"activation", "identity"}}, {200, 0});
    doc->insertNode(dense);
    const engine::NodeRecord loss
        = doc->makeNode(QStringLiteral("Loss"), {{"loss", "softmax_crossentropy"}}, {400, 0});
    doc->insertNode(loss);
    doc->addEdge({input.id, 0, dense.id, 0});
    doc->addEdge({dense.id, 0, loss.id, 0});
    engine::DatasetSpec data;
    data.source = "generator";
    data.generator = "circle";
    doc->setDatasetSpec(data);
    engine::TrainingConfig config = doc->trainingConfig();
    config.epochs = 2;
    doc->setTrainingConfig(config);
    QVERIFY2(doc->isReadyToTrain(), doc->check().summary().c_str());

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("circle_classifier.json"));
    QCOMPARE(window.saveToFile(file), QString());
    QCOMPARE(doc->project().name, std::string("circle_classifier"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("circle_classifier.json")));
    QFile saved(file);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray savedText = saved.readAll();
    QVERIFY(!savedText.contains("XOR"));
    QVERIFY(savedText.contains("\"name\": \"circle_classifier\""));

    // Its ONNX export says what it is, nothing of a template.
    widgets::TrainingController* controller = window.trainingPanel()->controller();
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    window.trainingPanel()->trainAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1 && !controller->isRunning(), 60000);
    const QString onnx = dir.filePath(QStringLiteral("model.onnx"));
    const QString error = window.exportActions()->exportOnnx(onnx);
    if (error.contains(QStringLiteral("no ONNX support")))
        return; // built without ONNX
    QCOMPARE(error, QString());
    QFile model(onnx);
    QVERIFY(model.open(QIODevice::ReadOnly));
    const QByteArray bytes = model.readAll();
    QVERIFY(!bytes.contains("XOR"));
    QVERIFY(bytes.contains("circle_classifier"));
}

void TstMainWindow::menus()
{
    MainWindow window;
    auto menuTitled = [&window](const QString& title) -> QMenu* {
        for (QMenu* m : window.findChildren<QMenu*>()) {
            if (m->title() == title)
                return m;
        }
        return nullptr;
    };
    QMenu* examples = menuTitled(QStringLiteral("&Examples"));
    QVERIFY(examples);
    QCOMPARE(examples->actions().size(), MainWindow::exampleResources().size());
    QVERIFY(examples->isEnabled());

    QMenu* edit = menuTitled(QStringLiteral("&Edit"));
    QVERIFY(edit);
    QAction* undo = edit->actions().at(0);
    QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    QVERIFY(!undo->isEnabled());
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("hidden"))});
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(9);
    QVERIFY(undo->isEnabled());
    // The stack names the step: "Undo <command text>".
    QVERIFY2(undo->text().size() > QStringLiteral("&Undo ").size(), qPrintable(undo->text()));
    QCOMPARE(undo->text(), QStringLiteral("&Undo ") + window.undoStack()->undoText());

    QMenu* file = menuTitled(QStringLiteral("&File"));
    QVERIFY(file);
    QStringList shortcuts;
    for (QAction* a : file->actions())
        shortcuts << a->shortcut().toString();
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::Save).toString()));
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::Open).toString()));
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::New).toString()));
}

void TstMainWindow::screenshots()
{
    const QString out = qEnvironmentVariable("NETCANVAS_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set NETCANVAS_SCREENSHOT_DIR to write PNGs of the window");
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(out + QStringLiteral("/mainwindow.png")));
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("hidden"))});
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(out + QStringLiteral("/mainwindow-dense.png")));
    // A wiring problem: the inspector and the status bar show the engine's message.
    window.scene()->selectNodes({nodeNamed(*window.document(), QStringLiteral("output"))});
    qobject_cast<QSpinBox*>(window.inspector()->editorFor("units"))->setValue(3);
    for (engine::NodeId id : window.document()->nodeIds()) {
        if (!window.document()->errorsFor(id).isEmpty())
            window.scene()->selectNodes({id});
    }
    QCoreApplication::processEvents();
    QVERIFY(window.grab().save(out + QStringLiteral("/mainwindow-error.png")));
    window.undoStack()->undo();
    for (const QString& example : MainWindow::exampleResources()) {
        QCOMPARE(window.openExample(example), QString());
        QCoreApplication::processEvents();
        window.view()->zoomToFit();
        QVERIFY(window.grab().save(out + QStringLiteral("/example-")
            + QFileInfo(example).completeBaseName() + QStringLiteral(".png")));
    }
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"

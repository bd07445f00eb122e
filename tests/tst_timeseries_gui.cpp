// The CSV import dialog's "Time series" mode on the real dialog (columns, window, horizon,
// validation, preview of the first windows, problems, the spec through the undoable
// SetDatasetCommand), and the dataset dock showing a time series split by time, sequences one
// row per window and the vocabulary of a token dataset.

#include "data/CsvImportDialog.h"
#include "data/DatasetLoader.h"
#include "data/DatasetPanel.h"
#include "data/DatasetTableModel.h"
#include "data/TimeSeriesImportPanel.h"
#include "data/VocabularyTable.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "inspector/ProjectSettingsPanel.h"
#include "project/Project.h"

#include <QComboBox>
#include <QAbstractScrollArea>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace widgets;
using nlohmann::json;

namespace {

/// "date,temp,other": temp = data row r, other = 100 + r.
QByteArray series(int rows)
{
    QByteArray s = "date,temp,other\n";
    for (int r = 0; r < rows; ++r)
        s += QByteArray("2024-01-") + QByteArray::number(r + 1) + "," + QByteArray::number(r) + ","
            + QByteArray::number(100 + r) + "\n";
    return s;
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

engine::Project smallProject()
{
    engine::Project p;
    auto node = [](engine::NodeId id, const char* type, json attrs) {
        engine::NodeRecord r;
        r.id = id;
        r.type = type;
        r.name = std::string(type) + std::to_string(id);
        r.attributes = std::move(attrs);
        return r;
    };
    p.nodes = {node(1, "Input", json::object()), node(2, "LSTM", {{"units", 4}}),
        node(3, "Dense", {{"units", 1}, {"activation", "identity"}}),
        node(4, "Loss", {{"loss", "mse"}})};
    p.edges = {{1, 0, 2, 0}, {2, 0, 3, 0}, {3, 0, 4, 0}};
    return p;
}

QPushButton* importButton(CsvImportDialog& dialog)
{
    auto* box = dialog.findChild<QDialogButtonBox*>();
    return box ? box->button(QDialogButtonBox::Ok) : nullptr;
}

} // namespace

class TestTimeSeriesGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void init() { DatasetCache::clear(); }

    void timeSeriesModeWritesTheSpecUndoably()
    {
        QTemporaryDir dir;
        writeText(dir.filePath("s.csv"), series(20));
        GraphDocument doc;
        doc.load(smallProject());
        QUndoStack stack;
        const std::string before = doc.datasetSpec().toJson().dump();

        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(dir.filePath("s.csv")).isEmpty());
        TimeSeriesImportPanel* ts = dialog.timeSeriesPanel();
        QVERIFY(!ts->isVisibleTo(&dialog));
        dialog.modeCombo()->setCurrentIndex(
            dialog.modeCombo()->findData(int(CsvImportDialog::Mode::TimeSeries)));
        QCOMPARE(dialog.mode(), CsvImportDialog::Mode::TimeSeries);
        QVERIFY(ts->isVisibleTo(&dialog));
        QVERIFY(!dialog.taskCombo()->isEnabled());

        dialog.setTargetColumns({1}); // temp
        ts->inputList()->item(1)->setCheckState(Qt::Checked); // temp
        ts->inputList()->item(2)->setCheckState(Qt::Checked); // other
        ts->windowSpin()->setValue(3);
        ts->horizonSpin()->setValue(2);
        ts->validationSpin()->setValue(0.25);
        dialog.scalingCombo()->setCurrentIndex(dialog.scalingCombo()->findData("none"));

        // Preview: one row per window, T x F input columns then the target, raw values.
        QTableWidget* p = ts->windowPreview();
        QCOMPARE(p->rowCount(), TimeSeriesImportPanel::kPreviewWindows);
        QCOMPARE(p->columnCount(), 7);
        QCOMPARE(p->horizontalHeaderItem(0)->text(), QString("temp[t-2]"));
        QCOMPARE(p->horizontalHeaderItem(5)->text(), QString("other[t]"));
        QCOMPARE(p->horizontalHeaderItem(6)->text(), QString("→ temp[t+2]"));
        QCOMPARE(p->item(0, 0)->text(), QString("0"));
        QCOMPARE(p->item(0, 1)->text(), QString("100"));
        QCOMPARE(p->item(2, 4)->text(), QString("4")); // window 3, step t, temp
        QCOMPARE(p->item(1, 6)->text(), QString("5")); // window 2's target: row 1 + 2 + 2
        QVERIFY2(ts->previewNote()->text().contains("shape {3, 2}"),
            qPrintable(ts->previewNote()->text()));

        QPushButton* ok = importButton(dialog);
        QVERIFY(ok);
        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY2(dialog.problemList()->item(0)->text().startsWith(
                     "No problems: 11 training and 1 validation windows of {3, 2}"),
            qPrintable(dialog.problemList()->item(0)->text()));
        const engine::DatasetSpec spec = dialog.spec();
        QCOMPARE(spec.source, std::string("timeseries"));
        QCOMPARE(spec.path, std::string("s.csv"));
        const json expected
            = {{"inputs", {"temp", "other"}}, {"target", "temp"}, {"window", 3}, {"horizon", 2},
                {"validation", 0.25}, {"scaling", "none"}, {"header", true}, {"delimiter", ","}};
        QCOMPARE(
            QString::fromStdString(spec.options.dump()), QString::fromStdString(expected.dump()));

        // The main window's path: one SetDatasetCommand, undoable.
        stack.push(new SetDatasetCommand(&doc, spec));
        const std::string after = doc.datasetSpec().toJson().dump();
        QCOMPARE(after, spec.toJson().dump());
        stack.undo();
        QCOMPARE(doc.datasetSpec().toJson().dump(), before);
        stack.redo();
        QCOMPARE(doc.datasetSpec().toJson().dump(), after);

        // What training reads from that spec: the same windows, split by time.
        const engine::DatasetSplits s
            = engine::loadDatasetSplits(doc.datasetSpec(), dir.path().toStdString(), 0.5, 0, 1);
        QCOMPARE(s.train.size(), 11L);
        QCOMPARE(s.validation.size(), 1L);
        QCOMPARE(double(s.validation.y(0, 0)), 19.0);
    }

    void scalingStatsComeFromTheTrainingPart()
    {
        QTemporaryDir dir;
        writeText(dir.filePath("s.csv"), series(20));
        CsvImportDialog dialog(dir.path());
        dialog.setFile(dir.filePath("s.csv"));
        dialog.setMode(CsvImportDialog::Mode::TimeSeries);
        dialog.setTargetColumns({1});
        dialog.timeSeriesPanel()->windowSpin()->setValue(2);
        dialog.timeSeriesPanel()->validationSpin()->setValue(0.2);
        dialog.scalingCombo()->setCurrentIndex(dialog.scalingCombo()->findData("standardize"));
        QVERIFY2(dialog.validate(), qPrintable(dialog.problems().join('\n')));
        const json stats = dialog.spec().options.at("scalingStats");
        // Rows 0..15 of temp: mean 7.5, repeated for both steps of the window.
        QCOMPARE(QString::fromStdString(stats.at("shift").dump()), QString("[7.5,7.5]"));
        QCOMPARE(QString::fromStdString(stats.at("method").dump()), QString("\"standardize\""));
    }

    void problemsNameTheFileRowAndColumn()
    {
        QTemporaryDir dir;
        QByteArray text = series(20);
        text.replace("2024-01-4,3,103", "2024-01-4,three,103");
        writeText(dir.filePath("bad.csv"), text);
        GraphDocument doc;
        doc.load(smallProject());
        const std::string before = doc.datasetSpec().toJson().dump();
        CsvImportDialog dialog(dir.path());
        dialog.setFile(dir.filePath("bad.csv"));
        dialog.setMode(CsvImportDialog::Mode::TimeSeries);
        dialog.setTargetColumns({1});
        dialog.timeSeriesPanel()->windowSpin()->setValue(2);
        QTest::mouseClick(importButton(dialog), Qt::LeftButton);
        QVERIFY(dialog.result() != QDialog::Accepted);
        QCOMPARE(dialog.problems(),
            QStringList {
                "bad.csv: row 5, column 2: expected a number, got \"three\" (column \"temp\")"});
        QCOMPARE(dialog.problemList()->count(), 1);
        QCOMPARE(doc.datasetSpec().toJson().dump(), before);

        // A window longer than the file: the preview says why, accept names the file.
        writeText(dir.filePath("short.csv"), series(6));
        dialog.setFile(dir.filePath("short.csv"));
        dialog.timeSeriesPanel()->windowSpin()->setValue(8);
        QCOMPARE(dialog.timeSeriesPanel()->windowPreview()->rowCount(), 0);
        QCOMPARE(dialog.timeSeriesPanel()->previewNote()->text(),
            QString("No preview: preview: the series has 6 rows, but a window of 8 steps plus a "
                    "horizon of 1 needs at least 9"));
        QVERIFY(!dialog.validate());
        QCOMPARE(dialog.problems(),
            QStringList {"short.csv: the series has 6 rows, but a window of 8 steps plus a "
                         "horizon of 1 needs at least 9"});
    }

    void panelShowsWindowsSplitByTime()
    {
        QTemporaryDir dir;
        writeText(dir.filePath("s.csv"), series(20));
        GraphDocument doc;
        engine::Project p = smallProject();
        p.dataset = engine::DatasetSpec::fromJson({{"source", "timeseries"}, {"path", "s.csv"},
            {"options", {{"target", "temp"}, {"window", 3}, {"validation", 0.25}}}});
        doc.load(p);
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.setProjectDirectory(dir.path());
        QVERIFY(shown.wait(20000));
        QVERIFY(panel.data());

        // 15 training rows -> 12 windows, 5 validation rows -> 2 windows; then the part column.
        DatasetTableModel* m = panel.tableModel();
        QCOMPARE(m->rowCount(), 14);
        QCOMPARE(m->columnCount(), 3 + 1 + 1);
        QCOMPARE(m->headerData(0, Qt::Horizontal).toString(), QString("temp[t-2]"));
        QCOMPARE(m->headerData(3, Qt::Horizontal).toString(), QString("temp[t+1] (target)"));
        QCOMPARE(m->data(m->index(11, 4)).toString(), QString("train"));
        QCOMPARE(m->data(m->index(12, 4)).toString(), QString("validation"));
        QCOMPARE(m->data(m->index(12, 0)).toString(), QString("15"));
        QCOMPARE(m->data(m->index(13, 3)).toString(), QString("19"));
        QVERIFY2(panel.splitLabel()->text().contains("Split by time"),
            qPrintable(panel.splitLabel()->text()));
        QVERIFY2(panel.splitLabel()->text().contains("train 12 · validation 2 · test 0"),
            qPrintable(panel.splitLabel()->text()));
        QVERIFY2(panel.summaryLabel()->text().contains("sequences of 3 step(s) × 1 feature(s)"),
            qPrintable(panel.summaryLabel()->text()));
        QVERIFY(!panel.tabs()->isTabVisible(panel.tabs()->indexOf(panel.vocabularyTable())));
        // The graph learns the window shape from the data.
        QCOMPARE(doc.check().shapes.at(1), (engine::Shape {3, 1}));
    }

    void validationSplitIsGreyedForTimeSeries()
    {
        // Time series split themselves by time (dataset option "validation"); the training
        // settings' random-split fractions do nothing there and say so.
        GraphDocument doc;
        engine::Project p = smallProject();
        p.dataset = engine::DatasetSpec::fromJson({{"source", "timeseries"}, {"path", "s.csv"},
            {"options", {{"target", "temp"}, {"window", 3}, {"validation", 0.25}}}});
        doc.load(p);
        QUndoStack stack;
        ProjectSettingsPanel settings(&doc, &stack);
        QDoubleSpinBox* split = settings.validationSplitSpin();
        QVERIFY(split);
        QVERIFY(!split->isEnabled());
        QVERIFY2(split->toolTip().contains("split by time") && split->toolTip().contains("25 %"),
            qPrintable(split->toolTip()));

        // Another source: the fraction applies again (through the undoable dataset command).
        engine::DatasetSpec generated;
        generated.source = "generator";
        generated.generator = "spiral";
        stack.push(new SetDatasetCommand(&doc, generated));
        QVERIFY(split->isEnabled());
        QVERIFY(!split->toolTip().contains("split by time"));
        stack.undo();
        QVERIFY(!split->isEnabled());
    }

    void vocabularyOfTokenData()
    {
        GraphDocument doc;
        engine::Project p = smallProject();
        p.dataset
            = engine::DatasetSpec::fromJson({{"source", "generator"}, {"generator", "char_text"},
                {"samples", 50}, {"seed", 2}, {"options", {{"length", 4}, {"text", "abba cab"}}}});
        doc.load(p);
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.reload();
        if (!panel.data())
            QVERIFY(shown.wait(20000));
        QVERIFY(panel.data());
        const engine::Dataset& d = panel.data()->data;
        QVERIFY(!d.vocabulary.empty());
        VocabularyTable* v = panel.vocabularyTable();
        QVERIFY(panel.tabs()->isTabVisible(panel.tabs()->indexOf(v)));
        QCOMPARE(v->rowCount(), int(d.vocabulary.size()));
        // Counts recomputed here from the matrices, token by token.
        long inputTotal = 0;
        long targetTotal = 0;
        for (int id = 0; id < v->rowCount(); ++id) {
            QCOMPARE(v->item(id, VocabularyTable::IdColumn)->text(), QString::number(id));
            QCOMPARE(v->item(id, VocabularyTable::TokenColumn)->text(),
                VocabularyTable::visibleToken(d.vocabulary[std::size_t(id)]));
            const long inInputs = (d.x.array() == engine::Scalar(id)).count();
            const long asTarget = (d.y.array() == engine::Scalar(id)).count();
            QCOMPARE(v->item(id, VocabularyTable::InputCountColumn)->text().toLong(), inInputs);
            QCOMPARE(v->item(id, VocabularyTable::TargetCountColumn)->text().toLong(), asTarget);
            inputTotal += inInputs;
            targetTotal += asTarget;
        }
        QCOMPARE(inputTotal, d.x.size());
        QCOMPARE(targetTotal, d.size());
        const auto space = std::find(d.vocabulary.begin(), d.vocabulary.end(), " ");
        QVERIFY(space != d.vocabulary.end());
        QCOMPARE(v->item(int(space - d.vocabulary.begin()), VocabularyTable::TokenColumn)->text(),
            QString("␣"));

        // The table reads each window as its text.
        DatasetTableModel* m = panel.tableModel();
        QCOMPARE(m->headerData(0, Qt::Horizontal).toString(),
            QString::fromStdString(d.featureNames.at(0)));
        QCOMPARE(m->columnCount(), 4 + 1);
        const long id0 = std::lround(double(d.x(0, 0)));
        QCOMPARE(m->data(m->index(0, 0)).toString(),
            VocabularyTable::visibleToken(d.vocabulary[std::size_t(id0)]));
        QVERIFY(m->data(m->index(0, 0), Qt::ToolTipRole)
                    .toString()
                    .startsWith(QString("token %1:").arg(id0)));
    }

    void sequenceColumnsWithoutNames()
    {
        auto parts = std::make_shared<engine::SourceData>();
        engine::Dataset& d = parts->data;
        d.inputShape = engine::Shape {2, 2};
        d.task = engine::TaskKind::Regression;
        d.x = engine::Matrix::Zero(4, 3);
        d.y = engine::Matrix::Zero(1, 3);
        DatasetTableModel m;
        m.setData(parts);
        QCOMPARE(m.columnCount(), 5);
        QCOMPARE(m.headerData(0, Qt::Horizontal).toString(), QString("x[0,0]"));
        QCOMPARE(m.headerData(1, Qt::Horizontal).toString(), QString("x[0,1]"));
        QCOMPARE(m.headerData(2, Qt::Horizontal).toString(), QString("x[1,0]"));
        d.inputShape = engine::Shape {4, 1};
        m.setData(parts);
        QCOMPARE(m.headerData(3, Qt::Horizontal).toString(), QString("x[3]"));
    }

    void previewNoteAndTargetHeaderHaveRoom()
    {
        // A long target name in the window preview's header, the note under the preview: both
        // readable, nothing drawn over the preview's rows.
        QTemporaryDir dir;
        QByteArray text = "date,daily_mean_temperature_celsius\n";
        for (int r = 0; r < 60; ++r)
            text += "2024-01-" + QByteArray::number(r + 1) + "," + QByteArray::number(r) + "\n";
        writeText(dir.filePath("t.csv"), text);
        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(dir.filePath("t.csv")).isEmpty());
        dialog.setMode(CsvImportDialog::Mode::TimeSeries);
        dialog.setTargetColumns({1});
        TimeSeriesImportPanel* ts = dialog.timeSeriesPanel();
        ts->windowSpin()->setValue(5);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCoreApplication::processEvents();

        QTableWidget* preview = ts->windowPreview();
        QLabel* note = ts->previewNote();
        QVERIFY2(note->text().startsWith("Each window"), qPrintable(note->text()));
        const QRect noteRect(note->mapTo(&dialog, QPoint(0, 0)), note->size());
        const QRect previewRect(preview->mapTo(&dialog, QPoint(0, 0)), preview->size());
        QVERIFY2(!noteRect.intersects(previewRect),
            qPrintable(QString("note %1,%2 %3x%4 over the preview ending at %5")
                           .arg(noteRect.x())
                           .arg(noteRect.y())
                           .arg(noteRect.width())
                           .arg(noteRect.height())
                           .arg(previewRect.bottom())));
        QVERIFY(note->height() >= note->heightForWidth(note->width()));
        QVERIFY(dialog.rect().contains(noteRect));
        // At least three whole windows are visible above the note.
        QVERIFY(preview->viewport()->height() >= 3 * preview->rowHeight(0));

        const int target = preview->columnCount() - 1;
        QTableWidgetItem* header = preview->horizontalHeaderItem(target);
        QVERIFY(header);
        QCOMPARE(header->text(), QString("→ daily_mean_temperature_celsius[t+1]"));
        const int needed = QFontMetrics(header->font()).horizontalAdvance(header->text());
        QVERIFY2(preview->columnWidth(target) > needed,
            qPrintable(QString("%1 px for %2").arg(preview->columnWidth(target)).arg(needed)));
        // The file preview marks the target in bold, as wide as its name too.
        QTableWidget* file = dialog.findChild<QTableWidget*>("csvPreview");
        QVERIFY(file);
        QTableWidgetItem* fileHeader = file->horizontalHeaderItem(1);
        QVERIFY(fileHeader && fileHeader->font().bold());
        QVERIFY(file->columnWidth(1)
            > QFontMetrics(fileHeader->font()).horizontalAdvance(fileHeader->text()));
        QVERIFY(dialog.grab().save(QDir::temp().filePath("tst_timeseries_gui_long_target.png")));
    }

    void timeSeriesSourceIsLabelled_data()
    {
        QTest::addColumn<int>("horizon");
        QTest::addColumn<QString>("expected");
        QTest::newRow("next step") << 1 << "Time series: s.csv, 14-step windows";
        QTest::newRow("3 ahead") << 3
                                 << "Time series: s.csv, 14-step windows, target 3 steps ahead";
    }

    void timeSeriesSourceIsLabelled()
    {
        // In words like the other sources ("CSV file: ..."), not the JSON key "timeseries".
        QFETCH(int, horizon);
        QFETCH(QString, expected);
        GraphDocument doc;
        engine::Project p = smallProject();
        p.dataset = engine::DatasetSpec::fromJson({{"source", "timeseries"}, {"path", "s.csv"},
            {"options", {{"target", "temp"}, {"window", 14}, {"horizon", horizon}}}});
        doc.load(p);
        QUndoStack stack;
        ProjectSettingsPanel settings(&doc, &stack);
        QLabel* source = nullptr;
        for (QLabel* l : settings.findChildren<QLabel*>())
            if (l->toolTip() == "s.csv")
                source = l;
        QVERIFY(source);
        QCOMPARE(source->text(), expected);
    }

    void timeSeriesDialogFitsA768PixelScreen()
    {
        // 1366 x 768 leaves about 730 pixels under the panel and title bar: every setting and
        // both previews in time-series mode fit, side by side, without overlapping.
        QTemporaryDir dir;
        writeText(dir.filePath("s.csv"), series(60));
        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(dir.filePath("s.csv")).isEmpty());
        dialog.setMode(CsvImportDialog::Mode::TimeSeries);
        dialog.setTargetColumns({1});
        QVERIFY2(dialog.minimumSizeHint().height() <= 700,
            qPrintable(QString::number(dialog.minimumSizeHint().height())));
        QVERIFY2(dialog.minimumSizeHint().width() <= 1300,
            qPrintable(QString::number(dialog.minimumSizeHint().width())));
        dialog.resize(dialog.width(), 700);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCoreApplication::processEvents();
        QVERIFY(dialog.height() <= 700);

        // Every shown leaf widget lies inside the dialog and overlaps no other.
        std::vector<std::pair<QWidget*, QRect>> leaves;
        for (QWidget* w : dialog.findChildren<QWidget*>()) {
            if (!w->isVisibleTo(&dialog) || w->isWindow()
                || !w->findChildren<QWidget*>(Qt::FindDirectChildrenOnly).isEmpty()
                || qobject_cast<QAbstractScrollArea*>(w->parentWidget())
                || qobject_cast<QAbstractScrollArea*>(
                    w->parentWidget() ? w->parentWidget()->parentWidget() : nullptr))
                continue;
            const QRect r(w->mapTo(&dialog, QPoint(0, 0)), w->size());
            QVERIFY2(dialog.rect().contains(r),
                qPrintable(QString("%1 \"%2\" outside")
                               .arg(w->metaObject()->className(), w->objectName())));
            leaves.emplace_back(w, r);
        }
        for (std::size_t i = 0; i < leaves.size(); ++i)
            for (std::size_t j = i + 1; j < leaves.size(); ++j)
                QVERIFY2(!leaves[i].second.intersects(leaves[j].second),
                    qPrintable(QString("%1 \"%2\" overlaps %3 \"%4\"")
                                   .arg(leaves[i].first->metaObject()->className(),
                                       leaves[i].first->objectName(),
                                       leaves[j].first->metaObject()->className(),
                                       leaves[j].first->objectName())));
        // Both previews show at least three rows.
        QTableWidget* file = dialog.previewTable();
        QTableWidget* windows = dialog.timeSeriesPanel()->windowPreview();
        QVERIFY(file->viewport()->height() >= 3 * file->rowHeight(0));
        QVERIFY(windows->viewport()->height() >= 3 * windows->rowHeight(0));
        QVERIFY(dialog.grab().save(QDir::temp().filePath("tst_timeseries_gui_768.png")));
    }

    void lookAtIt()
    {
        // Renders the dialog in time-series mode and the dock for a look (not asserted on
        // pixels; the files land in the build folder).
        QTemporaryDir dir;
        writeText(dir.filePath("s.csv"), series(60));
        CsvImportDialog dialog(dir.path());
        dialog.setFile(dir.filePath("s.csv"));
        dialog.setMode(CsvImportDialog::Mode::TimeSeries);
        dialog.timeSeriesPanel()->windowSpin()->setValue(5);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save("tst_timeseries_gui_dialog.png"));
    }
};

QTEST_MAIN(TestTimeSeriesGui)
#include "tst_timeseries_gui.moc"

// The Dataset dock and the data import dialogs: table model, image grid, CSV detection and
// problem listing, scaling statistics through save/load and `netcanvas-train predict`, and
// background loading that keeps the event loop running.

#include "data/BuiltInDatasets.h"
#include "data/ClassCountsView.h"
#include "data/CsvImportDialog.h"
#include "data/DatasetLoader.h"
#include "data/DatasetPanel.h"
#include "data/DatasetTableModel.h"
#include "data/IdxImportDialog.h"
#include "data/ImageGridView.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "project/Project.h"

#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

#include <cstdint>
#include <fstream>

using namespace widgets;

namespace {

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

void be32(std::ofstream& out, std::uint32_t v)
{
    const unsigned char b[4]
        = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
            static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    out.write(reinterpret_cast<const char*>(b), 4);
}

/// n images of h x w bytes: pixel (y, x) of image i is (i * 7 + y * w + x) % 256; label i % 3.
void writeIdxPair(const QString& images, const QString& labels, int n, int h, int w)
{
    std::ofstream im(QFile::encodeName(images).toStdString(), std::ios::binary);
    im.put(0).put(0).put(0x08).put(3);
    be32(im, std::uint32_t(n));
    be32(im, std::uint32_t(h));
    be32(im, std::uint32_t(w));
    std::vector<char> pixels(std::size_t(h) * std::size_t(w));
    for (int i = 0; i < n; ++i) {
        for (int p = 0; p < h * w; ++p)
            pixels[std::size_t(p)] = char((i * 7 + p) % 256);
        im.write(pixels.data(), std::streamsize(pixels.size()));
    }
    std::ofstream lb(QFile::encodeName(labels).toStdString(), std::ios::binary);
    lb.put(0).put(0).put(0x08).put(1);
    be32(lb, std::uint32_t(n));
    for (int i = 0; i < n; ++i)
        lb.put(char(i % 3));
}

engine::Project smallProject(int inputs, int classes)
{
    engine::Project p;
    auto node = [](engine::NodeId id, const char* type, nlohmann::json attrs) {
        engine::NodeRecord r;
        r.id = id;
        r.type = type;
        r.name = std::string(type) + std::to_string(id);
        r.attributes = std::move(attrs);
        return r;
    };
    p.nodes = {node(1, "Input", {{"shape", {inputs}}}),
        node(2, "Dense", {{"units", 8}, {"activation", "tanh"}}),
        node(3, "Dense", {{"units", classes}, {"activation", "identity"}}),
        node(4, "Loss", {{"loss", "softmax_crossentropy"}})};
    p.edges = {{1, 0, 2, 0}, {2, 0, 3, 0}, {3, 0, 4, 0}};
    p.training.epochs = 30;
    p.training.batchSize = 8;
    p.training.validationSplit = 0.0;
    return p;
}

} // namespace

class TestDatasetPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void init() { DatasetCache::clear(); }

    void tableModelShowsCsvWithTargetMarked()
    {
        QTemporaryDir dir;
        writeText(dir.filePath("flowers.csv"),
            "length,width,species\n1.5,0.2,setosa\n4.5,1.5,versicolor\n6.0,2.5,virginica\n"
            "1.4,0.3,setosa\n");
        GraphDocument doc;
        engine::Project p = smallProject(2, 3);
        p.dataset.source = "csv";
        p.dataset.path = "flowers.csv";
        p.dataset.options = {{"target", "species"}};
        doc.load(p);
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.setProjectDirectory(dir.path());
        QVERIFY(shown.wait(20000));

        DatasetTableModel* m = panel.tableModel();
        QCOMPARE(m->rowCount(), 4);
        QCOMPARE(m->columnCount(), 3);
        QCOMPARE(m->headerData(0, Qt::Horizontal).toString(), QString("length"));
        QCOMPARE(m->headerData(2, Qt::Horizontal).toString(), QString("species (target)"));
        QVERIFY(!m->isTargetColumn(1));
        QVERIFY(m->data(m->index(0, 2), DatasetTableModel::TargetRole).toBool());
        QCOMPARE(m->data(m->index(1, 0)).toString(), QString("4.5"));
        QCOMPARE(m->data(m->index(2, 2)).toString(), QString("virginica (2)"));
        QVERIFY(!panel.tabs()->isTabVisible(panel.tabs()->indexOf(panel.imageGrid())));
        QCOMPARE(panel.classCounts()->counts(), (std::vector<long> {2, 1, 1}));
        QVERIFY2(panel.summaryLabel()->text().contains("4 samples"),
            qPrintable(panel.summaryLabel()->text()));
    }

    void tableModelIsLazyForManyRows()
    {
        GraphDocument doc;
        engine::Project p = smallProject(2, 2);
        p.dataset.generator = "spiral";
        p.dataset.samples = 60000;
        doc.load(p);
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        QVERIFY(shown.wait(20000));
        QCOMPARE(panel.tableModel()->rowCount(), 60000);
        QCOMPARE(panel.tableModel()->columnCount(), 3);
        panel.resize(500, 600);
        panel.show();
        panel.tableView()->scrollToBottom();
        const std::vector<long> counts = panel.classCounts()->counts();
        QCOMPARE(int(counts.size()), 2);
        QCOMPARE(counts[0] + counts[1], 60000L);
        QVERIFY2(panel.splitLabel()->text().contains("train 60,000"),
            qPrintable(panel.splitLabel()->text()));
    }

    void imageGridShowsIdxSamplesWithLabels()
    {
        QTemporaryDir dir;
        writeIdxPair(dir.filePath("img.idx"), dir.filePath("lbl.idx"), 30, 6, 5);
        GraphDocument doc;
        engine::Project p = smallProject(30, 3);
        p.dataset.source = "idx";
        p.dataset.path = "img.idx";
        p.dataset.options = {{"labels", "lbl.idx"}};
        p.training.validationSplit = 0.2;
        doc.load(p);
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.setProjectDirectory(dir.path());
        QVERIFY(shown.wait(20000));

        ImageGridView* grid = panel.imageGrid();
        QVERIFY(panel.tabs()->isTabVisible(panel.tabs()->indexOf(grid)));
        QCOMPARE(panel.tabs()->currentWidget(), grid);
        QCOMPARE(grid->sampleCount(), 30L);
        const QImage img = grid->image(4);
        QCOMPARE(img.size(), QSize(5, 6));
        // Pixel (y=1, x=2) of image 4 is byte 4*7 + 1*5 + 2 = 35.
        QCOMPARE(qGray(img.pixel(2, 1)), 35);
        QCOMPARE(grid->labelText(4), QString("1")); // the IDX reader names classes by number
        QCOMPARE(panel.classCounts()->counts(), (std::vector<long> {10, 10, 10}));
        QVERIFY2(panel.splitLabel()->text().contains("train 24 · validation 6 · test 0"),
            qPrintable(panel.splitLabel()->text()));
        panel.resize(520, 640);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.grab().save(QDir::temp().filePath("data-panel-idx.png"));
    }

    void fashionClassNamesAndMissingExplanation()
    {
        engine::DatasetSpec spec;
        spec.source = "fashion-mnist";
        spec.path = "/nonexistent/fashion";
        QVERIFY(missingBuiltInDataMessage(spec).contains("was not found"));
        spec.source = "csv";
        QVERIFY(missingBuiltInDataMessage(spec).isEmpty());

        GraphDocument doc;
        engine::Project p = smallProject(784, 10);
        p.dataset.source = "fashion-mnist";
        p.dataset.path = "/nonexistent/fashion";
        doc.load(p);
        DatasetPanel panel(&doc);
        panel.reload();
        QVERIFY(panel.messageLabel()->isVisibleTo(&panel));
        QVERIFY(panel.messageLabel()->text().contains("train-images-idx3-ubyte.gz"));
        QVERIFY(!panel.data());
        QVERIFY(!panel.loader()->isLoading());
    }

    void csvDialogDetectsSemicolonWithoutHeader()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("semi.csv");
        writeText(file, "1,5;2;a\n2,5;3;b\n3,5;1;a\n4,0;0,5;b\n");
        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(file).isEmpty());
        QCOMPARE(dialog.detectedDelimiter(), ';');
        QCOMPARE(dialog.detectedHeader(), false);
        QCOMPARE(dialog.delimiter(), ';');
        QVERIFY(!dialog.hasHeader());
        QVERIFY(dialog.detectionLabel()->text().contains("semicolon"));
        QCOMPARE(dialog.columnNames(), (QStringList {"column 1", "column 2", "column 3"}));
        QCOMPARE(dialog.previewTable()->rowCount(), 4);
        QCOMPARE(dialog.previewTable()->item(3, 1)->text(), QString("0,5"));
        QCOMPARE(dialog.targetColumns(), QList<int> {2});
        QVERIFY2(dialog.validate(), qPrintable(dialog.problems().join('\n')));
        const engine::DatasetSpec spec = dialog.spec();
        QCOMPARE(QString::fromStdString(spec.path), QString("semi.csv"));
        QCOMPARE(spec.options.at("delimiter").get<std::string>(), std::string(";"));
        QCOMPARE(spec.options.at("header").get<bool>(), false);
        QCOMPARE(spec.options.at("target").get<int>(), 2);
        QCOMPARE(spec.options.at("task").get<std::string>(), std::string("classification"));

        // Overriding the detection changes the preview: with ',' the decimal commas split cells.
        dialog.delimiterCombo()->setCurrentIndex(1);
        QCOMPARE(dialog.delimiter(), ',');
        QCOMPARE(dialog.columnNames().size(), 3); // "1,5;2;a" -> "1", "5;2;a"... 3 on row 4
        dialog.headerCombo()->setCurrentIndex(1);
        QVERIFY(dialog.hasHeader());
    }

    void malformedCsvListsBadCellsAndLeavesProjectUnchanged()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("bad.csv");
        writeText(file, "a,b,label\n1,2,x\n3,oops,y\n,4,x\n5,6,y\n");
        GraphDocument doc;
        doc.load(smallProject(2, 2));
        QUndoStack stack;
        const std::string before = doc.datasetSpec().toJson().dump();
        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(file).isEmpty());
        QVERIFY(dialog.detectedHeader());
        dialog.accept();
        QVERIFY(dialog.result() != QDialog::Accepted);
        const QStringList problems = dialog.problems();
        QCOMPARE(problems.size(), 2);
        QVERIFY2(problems[0].startsWith("row 3, column 2 (b): \"oops\" is not a number"),
            qPrintable(problems[0]));
        QVERIFY2(
            problems[1].startsWith("row 4, column 1 (a): missing value"), qPrintable(problems[1]));
        QCOMPARE(dialog.problemList()->count(), 2);
        // The main window pushes a SetDatasetCommand only for an accepted dialog.
        if (dialog.result() == QDialog::Accepted)
            stack.push(new SetDatasetCommand(&doc, dialog.spec()));
        QCOMPARE(doc.datasetSpec().toJson().dump(), before);
        QCOMPARE(stack.count(), 0);
    }

    void idxDialogChecksHeaders()
    {
        QTemporaryDir dir;
        writeIdxPair(dir.filePath("a.idx"), dir.filePath("b.idx"), 4, 2, 2);
        writeIdxPair(dir.filePath("c.idx"), dir.filePath("d.idx"), 5, 2, 2);
        IdxImportDialog dialog(dir.path());
        dialog.setFiles(dir.filePath("b.idx"), dir.filePath("a.idx"));
        QVERIFY(!dialog.validate());
        QVERIFY2(
            dialog.problem().contains("expected an images file"), qPrintable(dialog.problem()));
        dialog.setFiles(dir.filePath("a.idx"), dir.filePath("d.idx"));
        QVERIFY(!dialog.validate());
        QVERIFY2(dialog.problem().contains("4 images but d.idx holds 5 labels"),
            qPrintable(dialog.problem()));
        dialog.setFiles(dir.filePath("a.idx"), dir.filePath("b.idx"));
        QVERIFY2(dialog.validate(), qPrintable(dialog.problem()));
        QCOMPARE(QString::fromStdString(dialog.spec().path), QString("a.idx"));
        QCOMPARE(dialog.spec().options.at("labels").get<std::string>(), std::string("b.idx"));
    }

    void csvHeadersShowTheWholeTargetName()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("flowers.csv");
        writeText(path,
            "sepal length in centimetres,petal width,species of the flower\n5.1,0.2,setosa\n"
            "7.0,1.4,versicolor\n6.3,2.5,virginica\n");
        CsvImportDialog dialog(dir.path());
        QCOMPARE(dialog.setFile(path), QString());
        dialog.resize(900, 600);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* preview = dialog.findChild<QTableWidget*>(QStringLiteral("csvPreview"));
        QVERIFY(preview);
        auto* targets = dialog.findChild<QListWidget*>(QStringLiteral("csvTargets"));
        QVERIFY(targets);
        QCOMPARE(targets->count(), 3);
        const auto verifyHeaders = [&](const QList<int>& targetColumns) {
            QHeaderView* header = preview->horizontalHeader();
            const int margin
                = header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
            for (int c = 0; c < preview->columnCount(); ++c) {
                QTableWidgetItem* item = preview->horizontalHeaderItem(c);
                QVERIFY(item);
                const bool target = targetColumns.contains(c);
                QCOMPARE(item->text().contains(QLatin1String("(target)")), target);
                QCOMPARE(item->font().bold(), target);
                const int text = QFontMetrics(item->font()).horizontalAdvance(item->text());
                QVERIFY2(header->sectionSize(c) >= text + 2 * margin,
                    qPrintable(QStringLiteral("column %1 \"%2\": %3 px for a %4 px text")
                                   .arg(c)
                                   .arg(item->text())
                                   .arg(header->sectionSize(c))
                                   .arg(text)));
            }
        };
        verifyHeaders({2}); // the last column is the target at first
        // As a user does: tick the first column in the list, untick the last.
        targets->item(0)->setCheckState(Qt::Checked);
        targets->item(2)->setCheckState(Qt::Unchecked);
        QCOMPARE(dialog.targetColumns(), QList<int> {0});
        verifyHeaders({0});
        const QString shots = QString::fromLocal8Bit(qgetenv("NETCANVAS_SHOTS"));
        if (!shots.isEmpty())
            QVERIFY(dialog.grab().save(shots + "/data_csv_dialog.png"));
    }

    void idxDialogSubsetAndClassNamesFlowToTheDock()
    {
        QTemporaryDir dir;
        writeIdxPair(dir.filePath("img.idx"), dir.filePath("lbl.idx"), 30, 6, 5);
        IdxImportDialog dialog(dir.path());
        dialog.setFiles(dir.filePath("img.idx"), dir.filePath("lbl.idx"));
        dialog.subsetSpin()->setValue(12);
        dialog.classNamesEdit()->setText(QStringLiteral(" cat, dog ,, bird "));
        QVERIFY2(dialog.validate(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.spec().options.value("limit", 0), 12);
        QCOMPARE(dialog.spec().classNames, (std::vector<std::string> {"cat", "dog", "bird"}));
        dialog.resize(dialog.sizeHint().expandedTo(QSize(620, 0)));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString shots = QString::fromLocal8Bit(qgetenv("NETCANVAS_SHOTS"));
        if (!shots.isEmpty())
            QVERIFY(dialog.grab().save(shots + "/data_idx_dialog.png"));

        GraphDocument doc;
        QUndoStack stack;
        doc.load(smallProject(30, 3));
        stack.push(new SetDatasetCommand(&doc, dialog.spec()));
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.setProjectDirectory(dir.path());
        QVERIFY(shown.wait(20000));
        QCOMPARE(panel.imageGrid()->sampleCount(), 12L); // the subset
        QCOMPARE(panel.imageGrid()->labelText(4), QString("dog")); // label 4 % 3 = 1
        QCOMPARE(panel.imageGrid()->labelText(5), QString("bird"));
        QCOMPARE(panel.classCounts()->counts(), (std::vector<long> {4, 4, 4}));
        QCOMPARE(panel.classCounts()->className(0), QString("cat"));
        QCOMPARE(panel.classCounts()->className(2), QString("bird"));
        panel.resize(520, 640);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        if (!shots.isEmpty())
            QVERIFY(panel.grab().save(shots + "/data_dock_idx_names.png"));
    }

    void scalingStatsRoundTripThroughSaveLoadAndPredict()
    {
        QTemporaryDir dir;
        QByteArray csv = "x1,x2,cls\n";
        for (int i = 0; i < 60; ++i) {
            const int c = i % 2;
            csv += QByteArray::number(100 + 10 * c + (i % 7)) + ","
                + QByteArray::number(0.01 * (i % 5) - 0.02 * c) + "," + QByteArray::number(c)
                + "\n";
        }
        writeText(dir.filePath("data.csv"), csv);
        CsvImportDialog dialog(dir.path());
        QVERIFY(dialog.setFile(dir.filePath("data.csv")).isEmpty());
        dialog.scalingCombo()->setCurrentIndex(1); // standardize
        QVERIFY2(dialog.validate(), qPrintable(dialog.problems().join('\n')));
        const engine::FeatureScaling stats = engine::storedScaling(dialog.spec());
        QCOMPARE(QString::fromStdString(stats.method), QString("standardize"));
        QCOMPARE(int(stats.shift.size()), 2);
        QVERIFY(std::abs(stats.shift[0] - 108.0) < 1.0); // mean of 100..116
        QVERIFY(stats.scale[0] < 0.5); // the spread of x1 is several units

        engine::Project p = smallProject(2, 2);
        p.dataset = dialog.spec();
        const std::string file = QFile::encodeName(dir.filePath("proj.json")).toStdString();
        engine::saveProject(p, file);
        const engine::Project loaded = engine::loadProject(file);
        const engine::FeatureScaling back = engine::storedScaling(loaded.dataset);
        QCOMPARE(back.shift, stats.shift);
        QCOMPARE(back.scale, stats.scale);
        // Loading applies the stored statistics: a sample comes out standardized.
        const engine::Dataset d = engine::loadDataset(loaded.dataset, dir.path().toStdString());
        QCOMPARE(d.scaling.shift, stats.shift);
        QVERIFY(std::abs(double(d.x.row(0).mean())) < 1e-4);

        // Train, then predict on raw inputs from a folder without the data file: predictions
        // must equal the network applied to the scaled inputs, so the statistics came along.
        QVERIFY(QDir(dir.path()).mkpath("model"));
        QProcess train;
        train.start(QStringLiteral(NETCANVAS_TRAIN_EXE),
            {dir.filePath("proj.json"), "--quiet", "--out", dir.filePath("model/trained.json")});
        train.waitForFinished(120000);
        QCOMPARE(train.exitCode(), 0);
        const engine::Project trained = engine::loadProject(
            QFile::encodeName(dir.filePath("model/trained.json")).toStdString());
        QCOMPARE(engine::storedScaling(trained.dataset).shift, stats.shift);
        writeText(dir.filePath("model/in.csv"), "x1,x2\n100,0.01\n116,-0.02\n");
        QProcess predict;
        predict.start(QStringLiteral(NETCANVAS_TRAIN_EXE),
            {"predict", dir.filePath("model/trained.json"), "--input",
                dir.filePath("model/in.csv")});
        predict.waitForFinished(60000);
        QCOMPARE(predict.exitCode(), 0);
        const QStringList lines
            = QString::fromUtf8(predict.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        // Class 0 has x1 ~ 100..106, class 1 ~ 110..116: raw x1 = 100 unscaled would saturate
        // the tanh units and lose this distinction.
        QVERIFY2(lines[1].endsWith(",0") && lines[2].endsWith(",1"), qPrintable(lines.join(" | ")));

        // Without the statistics and without the data, predict refuses instead of guessing.
        engine::Project stripped = trained;
        stripped.dataset.options.erase("scalingStats");
        engine::saveProject(
            stripped, QFile::encodeName(dir.filePath("model/stripped.json")).toStdString());
        QProcess refuse;
        refuse.start(QStringLiteral(NETCANVAS_TRAIN_EXE),
            {"predict", dir.filePath("model/stripped.json"), "--input",
                dir.filePath("model/in.csv")});
        refuse.waitForFinished(60000);
        QCOMPARE(refuse.exitCode(), 1);
        QVERIFY(QString::fromUtf8(refuse.readAllStandardError()).contains("scalingStats"));
    }

    void largeIdxLoadsWithoutBlockingTheEventLoop()
    {
        QTemporaryDir dir;
        writeIdxPair(dir.filePath("big-images.idx"), dir.filePath("big-labels.idx"), 60000, 28, 28);
        engine::DatasetSpec spec;
        spec.source = "idx";
        spec.path = "big-images.idx";
        spec.options = {{"labels", "big-labels.idx"}, {"scaling", "standardize"}};

        DatasetLoader loader;
        QSignalSpy loaded(&loader, &DatasetLoader::loaded);
        QSignalSpy progress(&loader, &DatasetLoader::progress);
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&ticks] { ++ticks; });
        timer.start(5);
        loader.load(spec, dir.path());
        QVERIFY(loader.isLoading());
        QVERIFY(loaded.wait(120000));
        timer.stop();
        // The GUI thread kept serving timers while 60,000 images were read and standardized.
        QVERIFY2(ticks >= 3, qPrintable(QString::number(ticks)));
        QVERIFY(progress.count() >= 2);
        QVERIFY(!loader.isLoading());
        const auto result = loaded.first().first().value<LoadedDataset>();
        QCOMPARE(result.parts->data.size(), 60000L);
        // Training asks the cache and gets the very same data, without loading again.
        QCOMPARE(DatasetCache::acquire(spec, dir.path()).get(), result.parts.get());

        // Cancel: the request ends with cancelled() and never delivers.
        engine::DatasetSpec other = spec;
        other.options["scaling"] = "minmax";
        QSignalSpy cancelled(&loader, &DatasetLoader::cancelled);
        QSignalSpy failed(&loader, &DatasetLoader::failed);
        loaded.clear();
        loader.load(other, dir.path());
        loader.cancel();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!loader.isLoading());
        // A later request still works (and the cancelled one's result, if any, is dropped).
        engine::DatasetSpec small = spec;
        small.options["limit"] = 100;
        loader.load(small, dir.path());
        QVERIFY(loaded.wait(120000));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.first().first().value<LoadedDataset>().parts->data.size(), 100L);
        QCOMPARE(failed.count(), 0);
    }

    void cancelInterruptsALargeCsvReadAndThePanelLoadsAgain()
    {
        QTemporaryDir dir;
        {
            // 200,000 rows of 10 features and a class: tens of MB, far more than one check's
            // worth of work for the reader.
            QFile f(dir.filePath("large.csv"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray text = "f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,label\n";
            for (int r = 0; r < 200000; ++r) {
                for (int c = 0; c < 10; ++c)
                    text += QByteArray::number((r * 31 + c * 17) % 1000 / 7.0, 'f', 3) + ',';
                text += QByteArray::number(r % 3) + '\n';
                if (text.size() > (1 << 20)) {
                    f.write(text);
                    text.clear();
                }
            }
            f.write(text);
        }
        writeText(dir.filePath("small.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,0\n");
        GraphDocument doc;
        engine::Project p = smallProject(10, 3);
        p.dataset.source = "csv";
        p.dataset.path = "large.csv";
        p.dataset.options = {{"target", "label"}};
        doc.load(p);
        const engine::DatasetSpec largeSpec = doc.datasetSpec();
        DatasetPanel panel(&doc);
        QSignalSpy progress(panel.loader(), &DatasetLoader::progress);
        QSignalSpy loaded(panel.loader(), &DatasetLoader::loaded);
        panel.setProjectDirectory(dir.path());
        // Cancel as soon as the file is being read, as a user clicking Cancel would.
        QTRY_VERIFY(!progress.isEmpty());
        QVERIFY(panel.cancelButton()->isVisibleTo(&panel));
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QVERIFY(!panel.loader()->isLoading());
        QVERIFY(!panel.cancelButton()->isVisibleTo(&panel));
        QVERIFY(panel.messageLabel()->text().contains("cancelled"));
        // The read itself stops (it is not left running to completion in the background): had
        // it finished, its data would be in the cache.
        QTRY_VERIFY(!panel.loader()->isWorking());
        QVERIFY(!DatasetCache::cached(largeSpec, dir.path()));
        QVERIFY(!panel.data());
        QCOMPARE(loaded.count(), 0);

        // The panel is usable again: another dataset loads and is the one shown.
        engine::Project q = smallProject(2, 2);
        q.dataset.source = "csv";
        q.dataset.path = "small.csv";
        q.dataset.options = {{"target", "label"}};
        doc.load(q);
        QTRY_VERIFY(panel.data());
        QCOMPARE(panel.data()->data.size(), 3L);
        QVERIFY(!panel.messageLabel()->isVisibleTo(&panel));
    }
};

QTEST_MAIN(TestDatasetPanel)
#include "tst_dataset_panel.moc"

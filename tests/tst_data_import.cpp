// CSV and IDX import from small files written by the tests: good files, malformed ones
// (truncated, wrong magic number, wrong sizes, non-numeric cells) with clear errors, and the
// dataset sources (csv, idx, fashion-mnist) with their options.

#include "core/Errors.h"
#include "data/CsvReader.h"
#include "data/DatasetLoading.h"
#include "data/IdxReader.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <QtTest>

#include <filesystem>
#include <fstream>

using nlohmann::json;

namespace {

using Bytes = std::vector<unsigned char>;

Bytes idxHeader(unsigned char type, const std::vector<int>& dims)
{
    Bytes b {0, 0, type, static_cast<unsigned char>(dims.size())};
    for (int d : dims)
        for (int shift : {24, 16, 8, 0})
            b.push_back(static_cast<unsigned char>((unsigned(d) >> shift) & 0xFF));
    return b;
}

/// n images of h x w bytes (pixel value (i * 7 + k) % 256) and labels i % classes.
std::pair<Bytes, Bytes> idxPair(int n, int h, int w, int classes)
{
    Bytes images = idxHeader(0x08, {n, h, w});
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < h * w; ++k)
            images.push_back(static_cast<unsigned char>((i * 7 + k) % 256));
    Bytes labels = idxHeader(0x08, {n});
    for (int i = 0; i < n; ++i)
        labels.push_back(static_cast<unsigned char>(i % classes));
    return {images, labels};
}

void writeFile(const std::filesystem::path& p, const Bytes& bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void writeText(const std::filesystem::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

void writeGzip(const std::filesystem::path& p, const Bytes& bytes)
{
    gzFile f = gzopen(p.string().c_str(), "wb");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}

/// The InputError's what() from running `fn`, or "" when nothing was thrown.
template <typename Fn> std::string errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const engine::InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestDataImport : public QObject {
    Q_OBJECT

private slots:
    void init();

    void idxPlainAndGzip_data();
    void idxPlainAndGzip();
    void idxMalformed_data();
    void idxMalformed();
    void idxCountMismatch();
    void idxSourceWithTestSplitAndScaling();
    void fashionMnistMissing();
    void fashionMnistInstalled();
    void mnistFolderWithSubset();
    void mnistWithoutFolderSaysWhereToGetIt();
    void idxClassNamesNameTheClasses();
    void classNamesRoundTripAndValidation();

    void csvClassificationWithHeader();
    void csvDelimitersAndDecimalComma();
    void csvTaskDetection();
    void csvTargetsByNameAndIndex();
    void csvQuotedCells();
    void csvMalformed_data();
    void csvMalformed();
    void csvSourceOptions();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::filesystem::path path(const char* name) const
    {
        return std::filesystem::path(m_dir->path().toStdString()) / name;
    }
};

void TestDataImport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDataImport::idxPlainAndGzip_data()
{
    QTest::addColumn<bool>("gzip");
    QTest::newRow("plain") << false;
    QTest::newRow("gzip") << true;
}

void TestDataImport::idxPlainAndGzip()
{
    QFETCH(bool, gzip);
    const auto [images, labels] = idxPair(5, 3, 2, 3);
    const auto img = path(gzip ? "img.gz" : "img");
    const auto lab = path(gzip ? "lab.gz" : "lab");
    if (gzip) {
        writeGzip(img, images);
        writeGzip(lab, labels);
        QVERIFY(std::filesystem::file_size(img) != images.size()); // really compressed
    } else {
        writeFile(img, images);
        writeFile(lab, labels);
    }
    const engine::IdxArray a = engine::readIdx(img);
    QCOMPARE(a.dims, (std::vector<int> {5, 3, 2}));
    QCOMPARE(a.count(), 30L);
    QCOMPARE(a.value(7), double((1 * 7 + 1) % 256));

    const engine::Dataset d = engine::readIdxDataset(img, lab, true);
    QCOMPARE(d.size(), 5L);
    QCOMPARE(d.inputShape, (engine::Shape {3, 2, 1}));
    QCOMPARE(d.numClasses, 3);
    QCOMPARE(d.label(4), 1);
    // Pixels divided by 255: sample 2, pixel 3 held (2 * 7 + 3) = 17.
    QVERIFY(std::abs(double(d.x(3, 2)) - 17.0 / 255.0) < 1e-6);

    const engine::Dataset flat = engine::readIdxDataset(img, lab, false, 2);
    QCOMPARE(flat.inputShape, (engine::Shape {6}));
    QCOMPARE(flat.size(), 2L);
}

void TestDataImport::idxMalformed_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<QString>("expected"); // fragments of the message, separated by '|'

    const auto bytes = [](const Bytes& b) {
        return QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()));
    };
    const Bytes good = idxPair(4, 2, 2, 2).first;
    Bytes magic = good;
    magic[0] = 0x1F;
    magic[1] = 0x8C;
    QTest::newRow("wrong magic") << bytes(magic) << false << "byte 0|not an IDX file";
    Bytes type = good;
    type[2] = 0x07;
    QTest::newRow("unknown type") << bytes(type) << false << "byte 2|unknown IDX value type";
    QTest::newRow("empty") << QByteArray() << false << "ends inside the 4-byte IDX header";
    QTest::newRow("truncated header")
        << bytes(Bytes(good.begin(), good.begin() + 9)) << false << "truncated header|16";
    QTest::newRow("truncated data") << bytes(Bytes(good.begin(), good.end() - 3)) << false
                                    << "byte 16|truncated|expected 16 bytes|4x2x2|found 13";
    Bytes extra = good;
    extra.push_back(1);
    QTest::newRow("extra bytes") << bytes(extra) << false << "found more|extra bytes";
    Bytes zero = idxHeader(0x08, {0, 2});
    QTest::newRow("zero dimension") << bytes(zero) << false << "byte 4|dimension 0 has size 0";
    QTest::newRow("truncated gzip") << bytes(good) << true << "gzip";
}

void TestDataImport::idxMalformed()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, gzip);
    QFETCH(QString, expected);
    const auto file = path("bad-images-idx3-ubyte");
    Bytes b(content.begin(), content.end());
    if (gzip) {
        // Compress a longer file, then cut the compressed stream in the middle.
        Bytes big = idxHeader(0x08, {200, 10, 10});
        for (int i = 0; i < 20000; ++i)
            big.push_back(static_cast<unsigned char>((i * 37) % 251));
        writeGzip(file, big);
        const auto size = std::filesystem::file_size(file);
        std::filesystem::resize_file(file, size / 2);
    } else {
        writeFile(file, b);
    }
    const std::string error = errorOf([&] { engine::readIdx(file); });
    QVERIFY2(!error.empty(), "no error");
    QVERIFY2(QString::fromStdString(error).startsWith(QString::fromStdString(file.string())),
        error.c_str());
    for (const QString& part : expected.split('|'))
        QVERIFY2(QString::fromStdString(error).contains(part), error.c_str());
}

void TestDataImport::idxCountMismatch()
{
    const auto [images, labels] = idxPair(5, 2, 2, 2);
    writeFile(path("img"), images);
    writeFile(path("lab"), idxPair(4, 2, 2, 2).second);
    const std::string e1 = errorOf([&] { engine::readIdxDataset(path("img"), path("lab"), true); });
    QVERIFY2(QString::fromStdString(e1).contains("4 labels")
            && QString::fromStdString(e1).contains("5 images"),
        e1.c_str());
    // Images given where labels are expected.
    writeFile(path("lab"), labels);
    const std::string e2 = errorOf([&] { engine::readIdxDataset(path("img"), path("img"), true); });
    QVERIFY2(QString::fromStdString(e2).contains("expected labels (one dimension)"), e2.c_str());
    const std::string e3 = errorOf([&] { engine::readIdx(path("nothing-here")); });
    QVERIFY2(QString::fromStdString(e3).contains("no such file"), e3.c_str());
}

void TestDataImport::idxSourceWithTestSplitAndScaling()
{
    const auto [images, labels] = idxPair(10, 2, 2, 2);
    writeFile(path("train-img"), images);
    writeFile(path("train-lab"), labels);
    const auto [testImages, testLabels] = idxPair(4, 2, 2, 3);
    writeFile(path("test-img"), testImages);
    writeFile(path("test-lab"), testLabels);
    engine::DatasetSpec spec
        = engine::DatasetSpec::fromJson({{"source", "idx"}, {"path", "train-img"},
            {"options",
                {{"labels", "train-lab"}, {"testImages", "test-img"}, {"testLabels", "test-lab"},
                    {"scaling", "minmax"}, {"imageShape", false}}}});
    const std::filesystem::path dir = m_dir->path().toStdString();
    const auto parts = engine::loadDatasetParts(spec, dir);
    QCOMPARE(parts.data.size(), 10L);
    QCOMPARE(parts.test.size(), 4L);
    QCOMPARE(parts.data.numClasses, 3); // the test split has a third class
    QCOMPARE(parts.data.inputShape, (engine::Shape {4}));
    QVERIFY(std::abs(double(parts.data.x.minCoeff())) < 1e-6);
    QVERIFY(std::abs(double(parts.data.x.maxCoeff()) - 1.0) < 1e-6);

    const auto splits = engine::loadDatasetSplits(spec, dir, 0.2, 0.5, 1);
    QCOMPARE(splits.train.size() + splits.validation.size(), 10L);
    QCOMPARE(splits.validation.size(), 2L);
    QCOMPARE(splits.test.size(), 4L); // the file's own test split, not 50% of the data

    spec.options["labels"] = "missing-labels";
    const std::string e = errorOf([&] { engine::loadDatasetParts(spec, dir); });
    QVERIFY2(QString::fromStdString(e).contains("missing-labels: no such file"), e.c_str());
    spec.options["scaling"] = "zscore";
    try {
        engine::loadDatasetParts(spec, dir);
        QFAIL("unknown scaling accepted");
    } catch (const engine::InputError& err) {
        QCOMPARE(QString::fromStdString(err.where()), QString("dataset.options.scaling"));
    }
}

void TestDataImport::fashionMnistMissing()
{
    engine::DatasetSpec spec;
    spec.source = "fashion-mnist";
    spec.path = path("no-such-folder").string();
    try {
        engine::loadDataset(spec, {}, engine::PathPolicy::unrestricted());
        QFAIL("a missing Fashion-MNIST folder accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QString("dataset.path"));
        QVERIFY2(QString(e.what()).contains(
                     "Fashion-MNIST not found in " + QString::fromStdString(spec.path)),
            e.what());
        QVERIFY2(QString(e.what()).contains("dataset-fashion-mnist"), e.what());
    }
}

void TestDataImport::fashionMnistInstalled()
{
    if (!std::filesystem::exists(engine::kFashionMnistDir))
        QSKIP("dataset-fashion-mnist is not installed");
    engine::DatasetSpec spec = engine::DatasetSpec::fromJson(
        {{"source", "fashion-mnist"}, {"options", {{"limit", 300}}}});
    const auto parts = engine::loadDatasetParts(spec, {});
    QCOMPARE(parts.data.size(), 300L);
    QCOMPARE(parts.test.size(), 300L);
    QCOMPARE(parts.data.inputShape, (engine::Shape {28, 28, 1}));
    QCOMPARE(parts.data.numClasses, 10);
    QCOMPARE(parts.data.classNames.front(), std::string("T-shirt/top"));
    QCOMPARE(parts.data.classNames.back(), std::string("Ankle boot"));
    QVERIFY(parts.data.x.minCoeff() >= 0 && parts.data.x.maxCoeff() <= 1);
    QVERIFY(parts.data.x.maxCoeff() > 0.9f);
    // The first training image of Fashion-MNIST is an ankle boot (label 9).
    QCOMPARE(parts.data.label(0), 9);
    const auto counts = parts.data.classCounts();
    QCOMPARE(long(counts.size()), 10L);
    QVERIFY(*std::min_element(counts.begin(), counts.end()) > 10);
}

void TestDataImport::mnistFolderWithSubset()
{
    // The four files under their standard names, one .gz and the others plain.
    const auto [images, labels] = idxPair(30, 28, 28, 10);
    writeGzip(path("train-images-idx3-ubyte.gz"), images);
    writeFile(path("train-labels-idx1-ubyte"), labels);
    const auto [testImages, testLabels] = idxPair(12, 28, 28, 10);
    writeFile(path("t10k-images-idx3-ubyte"), testImages);
    writeFile(path("t10k-labels-idx1-ubyte"), testLabels);
    const engine::DatasetSpec spec = engine::DatasetSpec::fromJson(
        {{"source", "mnist"}, {"path", m_dir->path().toStdString()}, {"options", {{"limit", 20}}}});
    // A folder the user chose (outside any project folder: the window's consent, --allow-path).
    const auto parts = engine::loadDatasetParts(spec, {}, {}, engine::PathPolicy::unrestricted());
    QCOMPARE(parts.data.size(), 20L); // the subset size
    QCOMPARE(parts.test.size(), 12L); // fewer test images than the subset: all of them
    QCOMPARE(parts.data.inputShape, (engine::Shape {28, 28, 1}));
    QCOMPARE(parts.data.numClasses, 10);
    QCOMPARE(parts.data.name, std::string("MNIST"));
    QCOMPARE(parts.data.classNames.front(), std::string("0"));
    QCOMPARE(parts.data.classNames.back(), std::string("9"));
    QCOMPARE(engine::sourceClassNames(spec), parts.data.classNames);

    engine::DatasetSpec fashion;
    fashion.source = "fashion-mnist";
    QCOMPARE(engine::sourceClassNames(fashion), engine::fashionMnistClassNames());
    fashion.classNames = {"a", "b"};
    QCOMPARE(engine::sourceClassNames(fashion), (std::vector<std::string> {"a", "b"}));
}

void TestDataImport::mnistWithoutFolderSaysWhereToGetIt()
{
    engine::DatasetSpec spec = engine::DatasetSpec::fromJson({{"source", "mnist"}});
    try {
        engine::loadDataset(spec, {});
        QFAIL("MNIST without a folder accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QString("dataset.path"));
        QVERIFY2(QString(e.what()).contains("train-images-idx3-ubyte.gz"), e.what());
        QVERIFY2(QString(e.what()).contains("yann.lecun.com/exdb/mnist"), e.what());
    }
    spec.path = path("empty-folder").string();
    std::filesystem::create_directory(spec.path);
    // The folder is inside the project's folder, so the path policy lets it be read.
    const std::string e = errorOf([&] { engine::loadDataset(spec, m_dir->path().toStdString()); });
    QVERIFY2(e.find("MNIST not found in " + spec.path) != std::string::npos, e.c_str());
}

void TestDataImport::idxClassNamesNameTheClasses()
{
    // Labels 0..2 only in the first 6 images; the names declare 4 classes.
    const auto [images, labels] = idxPair(12, 2, 2, 3);
    writeFile(path("img"), images);
    writeFile(path("lab"), labels);
    const std::filesystem::path dir = m_dir->path().toStdString();
    engine::DatasetSpec spec = engine::DatasetSpec::fromJson(
        {{"source", "idx"}, {"path", "img"}, {"classNames", {"cat", "dog", "bird", "fish"}},
            {"options", {{"labels", "lab"}, {"limit", 6}}}});
    const auto parts = engine::loadDatasetParts(spec, dir);
    QCOMPARE(parts.data.size(), 6L);
    QCOMPARE(parts.data.numClasses, 4);
    QCOMPARE(parts.data.classNames, (std::vector<std::string> {"cat", "dog", "bird", "fish"}));
    const auto splits = engine::loadDatasetSplits(spec, dir, 0.5, 0.0, 1);
    QCOMPARE(splits.validation.classNames.at(3), std::string("fish"));

    spec.classNames = {"cat", "dog"};
    try {
        engine::loadDatasetParts(spec, dir);
        QFAIL("two names for three classes accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QString("dataset.classNames"));
        QVERIFY2(QString(e.what()).contains("2 names for 3 classes"), e.what());
    }
}

void TestDataImport::classNamesRoundTripAndValidation()
{
    engine::DatasetSpec spec;
    spec.source = "idx";
    spec.path = "img";
    spec.options = {{"labels", "lab"}, {"limit", 500}};
    spec.classNames = {"T-shirt/top", "Trouser"};
    const json j = spec.toJson();
    QCOMPARE(j.at("classNames"), json({"T-shirt/top", "Trouser"}));
    const engine::DatasetSpec back = engine::DatasetSpec::fromJson(j);
    QCOMPARE(back.classNames, spec.classNames);
    QCOMPARE(back.options.at("limit"), json(500));
    QCOMPARE(back.toJson(), j);
    // Without names the key is left out, so existing files keep their bytes.
    QVERIFY(!engine::DatasetSpec().toJson().contains("classNames"));

    const auto whereOf = [](const json& bad) -> std::string {
        try {
            engine::DatasetSpec::fromJson(bad);
        } catch (const engine::InputError& e) {
            return e.where();
        }
        return "accepted";
    };
    QCOMPARE(whereOf({{"source", "idx"}, {"classNames", "cat"}}), std::string("classNames"));
    QCOMPARE(
        whereOf({{"source", "idx"}, {"classNames", {"cat", ""}}}), std::string("classNames[1]"));
    QCOMPARE(
        whereOf({{"source", "idx"}, {"classNames", {"cat", 3}}}), std::string("classNames[1]"));
}

void TestDataImport::csvClassificationWithHeader()
{
    writeText(path("flowers.csv"),
        "sepal length,sepal width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\r\n"
        "6.3,3.3,virginica\n4.9,3.0,setosa\n\n");
    const engine::CsvData c = engine::readCsv(path("flowers.csv"));
    QVERIFY(c.hasHeader);
    QCOMPARE(c.delimiter, ',');
    QCOMPARE(c.featureNames, (std::vector<std::string> {"sepal length", "sepal width"}));
    QCOMPARE(c.targetNames, (std::vector<std::string> {"species"}));
    const engine::Dataset& d = c.data;
    QVERIFY(d.task == engine::TaskKind::Classification);
    QCOMPARE(d.size(), 4L);
    QCOMPARE(d.inputShape, (engine::Shape {2}));
    QCOMPARE(d.numClasses, 3);
    QCOMPARE(d.classNames, (std::vector<std::string> {"setosa", "versicolor", "virginica"}));
    QCOMPARE(d.label(0), 0);
    QCOMPARE(d.label(1), 1);
    QCOMPARE(d.label(2), 2);
    QCOMPARE(d.x(1, 1), engine::Scalar(3.2));
}

void TestDataImport::csvDelimitersAndDecimalComma()
{
    const auto semi = engine::parseCsv("1,5;2;0\n2,25;3;1\n0,5;-1;1\n", "semi.csv");
    QCOMPARE(semi.delimiter, ';');
    QVERIFY(!semi.hasHeader);
    QCOMPARE(semi.data.x(0, 0), engine::Scalar(1.5));
    QCOMPARE(semi.data.x(0, 1), engine::Scalar(2.25));
    QCOMPARE(semi.featureNames.front(), std::string("column 1"));

    const auto tab = engine::parseCsv("a\tb\ty\n1\t2\t0.5\n3\t4\t1.5\n", "tab.tsv");
    QCOMPARE(tab.delimiter, '\t');
    QVERIFY(tab.hasHeader);
    QVERIFY(tab.data.task == engine::TaskKind::Regression);
    QCOMPARE(tab.data.y(0, 1), engine::Scalar(1.5));
}

void TestDataImport::csvTaskDetection()
{
    // Integer targets with few values: classes; indices 0..k-1 keep their values.
    std::string few = "x,y\n";
    for (int i = 0; i < 30; ++i)
        few += std::to_string(i) + "," + std::to_string(i % 3) + "\n";
    const auto classes = engine::parseCsv(few, "few.csv");
    QVERIFY(classes.data.task == engine::TaskKind::Classification);
    QCOMPARE(classes.data.numClasses, 3);
    QCOMPARE(classes.data.label(5), 2);

    // Many distinct integers: a count, i.e. regression.
    std::string many = "x,y\n";
    for (int i = 0; i < 30; ++i)
        many += std::to_string(i) + "," + std::to_string(i * 3) + "\n";
    QVERIFY(engine::parseCsv(many, "many.csv").data.task == engine::TaskKind::Regression);

    // Forced either way.
    engine::CsvOptions o;
    o.task = "regression";
    QVERIFY(engine::parseCsv(few, "few.csv", o).data.task == engine::TaskKind::Regression);
    o.task = "classification";
    const auto forced = engine::parseCsv("x,y\n1,10\n2,20\n3,10\n", "forced.csv", o);
    QCOMPARE(forced.data.numClasses, 2);
    QCOMPARE(forced.data.classNames, (std::vector<std::string> {"10", "20"}));
    QCOMPARE(forced.data.label(1), 1);
}

void TestDataImport::csvTargetsByNameAndIndex()
{
    const std::string text = "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n";
    engine::CsvOptions o = engine::CsvOptions::fromJson({{"target", {"b", 3}}});
    const auto two = engine::parseCsv(text, "t.csv", o);
    QVERIFY(two.data.task == engine::TaskKind::Regression);
    QCOMPARE(two.data.y.rows(), 2);
    QCOMPARE(two.data.y(1, 2), engine::Scalar(12));
    QCOMPARE(two.featureNames, (std::vector<std::string> {"a", "c"}));
    QCOMPARE(two.data.x(1, 0), engine::Scalar(3));

    o = engine::CsvOptions::fromJson({{"target", -4}, {"task", "regression"}});
    QCOMPARE(engine::parseCsv(text, "t.csv", o).targetNames, (std::vector<std::string> {"a"}));

    o = engine::CsvOptions::fromJson({{"target", "e"}});
    const std::string e = errorOf([&] { engine::parseCsv(text, "t.csv", o); });
    QVERIFY2(QString::fromStdString(e).contains("no target column \"e\"")
            && QString::fromStdString(e).contains("\"d\""),
        e.c_str());
    QVERIFY_THROWS_EXCEPTION(
        engine::InputError, engine::CsvOptions::fromJson({{"task", "cluster"}}));
    QVERIFY_THROWS_EXCEPTION(
        engine::InputError, engine::CsvOptions::fromJson({{"delimiter", "|"}}));
}

void TestDataImport::csvQuotedCells()
{
    const auto c = engine::parseCsv(
        "\"x\",\"city\"\n1,\"New York, NY\"\n2,\"say \"\"hi\"\"\"\n3,\"New York, NY\"\n", "q.csv");
    QVERIFY(c.hasHeader);
    QCOMPARE(c.data.numClasses, 2);
    QCOMPARE(c.data.classNames, (std::vector<std::string> {"New York, NY", "say \"hi\""}));
    QCOMPARE(c.data.label(2), 0);
}

void TestDataImport::csvMalformed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // fragments of the message, separated by '|'
    QTest::newRow("non-numeric cell")
        << "a,b,y\n1,2,0\n3,abc,1\n"
        << "bad.csv: row 3, column 2|expected a number, got \"abc\"|(column \"b\")";
    QTest::newRow("missing cell") << "a,b,y\n1,2,0\n3,,1\n"
                                  << "row 3, column 2|missing value";
    QTest::newRow("NA cell") << "1,2,0\n3,NA,1\n"
                             << "row 2, column 2|missing value";
    QTest::newRow("short row") << "a,b,y\n1,2,0\n3,1\n"
                               << "row 3|expected 3 cells|got 2";
    QTest::newRow("missing label") << "a,y\n1,cat\n2,\n"
                                   << "row 3, column 2|missing";
    QTest::newRow("text regression target") << "a,y\n1,2.5\n2,1.5\n3,oops\n4,0.5\n"
                                            << "row 4, column 2|got \"oops\"";
    QTest::newRow("empty file") << ""
                                << "no rows";
    QTest::newRow("header only") << "a,b,y\n"
                                 << "no data rows";
    QTest::newRow("one column") << "1\n2\n3\n"
                                << "one column";
}

void TestDataImport::csvMalformed()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    engine::CsvOptions o;
    if (QString(QTest::currentDataTag()) == "text regression target")
        o.task = "regression";
    const std::string error = errorOf([&] { engine::parseCsv(text.toStdString(), "bad.csv", o); });
    QVERIFY2(!error.empty(), "no error");
    QVERIFY2(QString::fromStdString(error).startsWith("bad.csv"), error.c_str());
    for (const QString& part : expected.split('|'))
        QVERIFY2(QString::fromStdString(error).contains(part), error.c_str());
}

void TestDataImport::csvSourceOptions()
{
    std::filesystem::create_directories(path("data"));
    writeText(path("data") / "points.csv", "u;v;label\n1;10;a\n3;30;b\n5;50;a\n7;70;b\n");
    const auto spec = engine::DatasetSpec::fromJson({{"source", "csv"}, {"path", "data/points.csv"},
        {"options", {{"target", "label"}, {"scaling", "standardize"}, {"limit", 3}}}});
    QCOMPARE(QString::fromStdString(spec.toJson()["options"].dump()),
        QString(R"({"limit":3,"scaling":"standardize","target":"label"})"));
    const auto d = engine::loadDataset(spec, m_dir->path().toStdString());
    QCOMPARE(d.size(), 3L);
    QCOMPARE(d.numClasses, 2);
    QVERIFY(std::abs(double(d.x.row(0).mean())) < 1e-6); // standardized: mean 0, variance 1
    QVERIFY(std::abs(double(d.x.row(1).array().square().mean()) - 1.0) < 1e-5);

    auto bad = spec;
    bad.path = "data/none.csv";
    const std::string e = errorOf([&] { engine::loadDataset(bad, m_dir->path().toStdString()); });
    QVERIFY2(QString::fromStdString(e).contains("none.csv: no such file"), e.c_str());
    QVERIFY_THROWS_EXCEPTION(engine::InputError,
        engine::DatasetSpec::fromJson({{"source", "excel"}, {"path", "x.xlsx"}}));
}

QTEST_APPLESS_MAIN(TestDataImport)
#include "tst_data_import.moc"

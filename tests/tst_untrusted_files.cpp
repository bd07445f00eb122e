// A project file is untrusted input: its loaders read only regular files, only where the project
// may read, quote no more than a short excerpt, refuse size bombs and stop when cancelled.

#include "core/AtomicFile.h"
#include "core/DataFile.h"
#include "core/Errors.h"
#include "core/PathPolicy.h"
#include "data/CsvReader.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "data/IdxReader.h"
#include "data/TimeSeriesCsv.h"
#include "export/Predictor.h"
#include "project/Lesson.h"
#include "project/Project.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <fstream>
#include <functional>

using namespace engine;
namespace fs = std::filesystem;

namespace {

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "<no error>";
}

void writeFile(const fs::path& file, const std::string& bytes)
{
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << bytes;
}

void writeGzip(const fs::path& file, const std::string& bytes)
{
    gzFile f = gzopen(file.string().c_str(), "wb1");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}

std::string bigEndian(std::uint32_t v)
{
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string series(int rows)
{
    std::string text = "t,value\n";
    for (int i = 0; i < rows; ++i)
        text += std::to_string(i) + "," + std::to_string(i % 7) + "\n";
    return text;
}

DatasetSpec fileSpec(const std::string& source, const std::string& path)
{
    DatasetSpec spec;
    spec.source = source;
    spec.path = path;
    if (source == "timeseries")
        spec.options = {{"window", 2}, {"validation", 0.2}};
    if (source == "idx")
        spec.options = {{"labels", "labels.idx"}};
    return spec;
}

} // namespace

class TestUntrustedFiles : public QObject {
    Q_OBJECT

private slots:
    void init();
    void onlyRegularFiles_data();
    void onlyRegularFiles();
    void projectReadsItsFolderOnly_data();
    void projectReadsItsFolderOnly();
    void allowedFolderIsRead();
    void excerptsAreShortAndEscaped();
    void nonCsvFileIsNotQuoted();
    void idxMessagesShowNoBytes();
    void idxSizeBombIsRefusedBeforeAllocating();
    void idxDecompressionStopsAtTheHeaderSize();
    void idxAllocatesOnlyWhatTheFileHolds();
    void longCsvLineIsRefused();
    void cancelInterruptsARead_data();
    void cancelInterruptsARead();
    void declinedCommitLeavesTheOldFile();
    void staleTemporariesAreCleaned();

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    fs::path m_root;
};

void TestUntrustedFiles::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_root = m_tmp->path().toStdString();
}

void TestUntrustedFiles::onlyRegularFiles_data()
{
    QTest::addColumn<QString>("loader");
    QTest::addColumn<QString>("kind");
    for (const char* loader : {"csv", "timeseries", "idx", "project", "lesson", "onnx", "predict"})
        for (const char* kind : {"fifo", "device", "folder"})
            QTest::newRow((std::string(loader) + " " + kind).c_str()) << loader << kind;
}

void TestUntrustedFiles::onlyRegularFiles()
{
    QFETCH(QString, loader);
    QFETCH(QString, kind);
    fs::path file;
    QString expected;
    if (kind == "fifo") {
        file = m_root / "pipe";
        QCOMPARE(::mkfifo(file.c_str(), 0600), 0);
        expected = "is a named pipe (FIFO), not a regular file";
    } else if (kind == "device") {
        file = "/dev/null"; // reads as empty, like /dev/zero reads forever: neither is a file
        expected = "is a character device, not a regular file";
    } else {
        file = m_root / "folder";
        fs::create_directories(file);
        expected = "is a folder, not a regular file";
    }
    // Nothing may block on the pipe: each reader refuses it before opening it.
    const std::string e = errorOf([&] {
        if (loader == "csv")
            readCsv(file);
        else if (loader == "timeseries")
            readTimeSeries(file, {});
        else if (loader == "idx")
            readIdx(file);
        else if (loader == "project")
            loadProject(file);
        else if (loader == "lesson")
            loadLesson(file);
        else if (loader == "onnx")
            readFileBytes(file); // what ONNX-for-predict reads the model with
        else
            readPredictionCsv(file, 2);
    });
    QVERIFY2(QString::fromStdString(e).startsWith(QString::fromStdString(file.string()) + ": "),
        e.c_str());
    QVERIFY2(QString::fromStdString(e).contains(expected), e.c_str());
}

void TestUntrustedFiles::projectReadsItsFolderOnly_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("path"); // relative to the project folder; OUT = the outside folder
    QTest::newRow("csv ../") << "csv"
                             << "../outside/data.csv";
    QTest::newRow("csv absolute") << "csv"
                                  << "OUT/data.csv";
    QTest::newRow("csv symlink") << "csv"
                                 << "link/data.csv";
    QTest::newRow("timeseries ../") << "timeseries"
                                    << "sub/../../outside/data.csv";
    QTest::newRow("idx ../") << "idx"
                             << "../outside/images.idx";
    QTest::newRow("fashion-mnist folder") << "fashion-mnist"
                                          << "../outside";
}

void TestUntrustedFiles::projectReadsItsFolderOnly()
{
    QFETCH(QString, source);
    QFETCH(QString, path);
    const fs::path project = m_root / "project";
    const fs::path outside = m_root / "outside";
    fs::create_directories(project / "sub");
    writeFile(outside / "data.csv", series(40));
    writeFile(outside / "images.idx", "not read");
    fs::create_directory_symlink(outside, project / "link");
    std::string p = path.toStdString();
    if (p.starts_with("OUT"))
        p = outside.string() + p.substr(3);

    const DatasetSpec spec = fileSpec(source.toStdString(), p);
    try {
        loadDatasetParts(spec, project);
        QFAIL("expected PathNotAllowed");
    } catch (const PathNotAllowed& e) {
        QCOMPARE(e.where(), std::string("dataset.path"));
        QVERIFY2(
            fs::equivalent(e.path().parent_path(), outside) || fs::equivalent(e.path(), outside),
            e.what());
        QVERIFY2(std::string(e.what()).find("--allow-path") != std::string::npos, e.what());
    }
}

void TestUntrustedFiles::allowedFolderIsRead()
{
    const fs::path project = m_root / "project";
    const fs::path outside = m_root / "outside";
    fs::create_directories(project / "data");
    writeFile(outside / "data.csv", series(40));
    writeFile(project / "data" / "data.csv", series(40));

    // Inside the project's folder: read without asking.
    const auto inside = loadDatasetParts(fileSpec("timeseries", "data/data.csv"), project);
    QVERIFY(inside.data.size() > 0);

    // Outside: read once the user allowed the folder (the CLI's --allow-path).
    PathPolicy policy;
    policy.allow(outside);
    const auto allowed
        = loadDatasetParts(fileSpec("timeseries", "../outside/data.csv"), project, {}, policy);
    QCOMPARE(allowed.data.size(), inside.data.size());

    // Allowing a sibling whose name starts the same allows nothing else.
    PathPolicy sibling;
    sibling.allow(m_root / "out");
    QVERIFY(!sibling.permits(outside / "data.csv", project));
    QVERIFY(PathPolicy::unrestricted().permits(outside / "data.csv", project));
    QVERIFY(PathPolicy().permits(fs::path(kSystemDatasetDir) / "fashion-mnist" / "x.gz", project));
}

void TestUntrustedFiles::excerptsAreShortAndEscaped()
{
    // A real CSV file: its bad cell is quoted, cut short, non-ASCII bytes escaped.
    writeFile(m_root / "bad.csv", "a,b\n1,2\n\xC3\xA9" + std::string(100, 'A') + ",3\n");
    const std::string f = errorOf([&] { readCsv(m_root / "bad.csv"); });
    QVERIFY2(f.find("bad.csv: row 3, column 1: expected a number, got \"\\xC3\\xA9AAA")
            != std::string::npos,
        f.c_str());
    QVERIFY2(f.find(std::string(40, 'A')) == std::string::npos, f.c_str());
    // Control bytes (a terminal escape) never reach the message raw.
    const std::string cell = std::string("\x01\x1b[31m") + std::string(100, 'A');
    const std::string e = errorOf([&] { parseCsv("a,b\n1,2\n" + cell + ",3\n", "mem.csv"); });
    QVERIFY2(e.find("row 3, column 1") != std::string::npos, e.c_str());
    QVERIFY2(e.find("\\x01\\x1B[31m") != std::string::npos, e.c_str());
    QVERIFY2(e.find('\x1b') == std::string::npos, e.c_str());
    QVERIFY2(e.find(std::string(40, 'A')) == std::string::npos, e.c_str());
    QCOMPARE(quoteExcerpt("ab\"c\n"), std::string("\"ab\\\"c\\x0A\""));
    QCOMPARE(quoteExcerpt(std::string(50, 'x')), "\"" + std::string(40, 'x') + "...\"");
}

void TestUntrustedFiles::nonCsvFileIsNotQuoted()
{
    // A secret of the shadow-file kind, read as a time series: the error names the place only.
    writeFile(m_root / "shadow", "root:*:20228:0:99999:7:::\nuser:x:1:2\n");
    const std::string e = errorOf([&] {
        TimeSeriesOptions o;
        o.window = 1;
        readTimeSeries(m_root / "shadow", o);
    });
    QVERIFY2(
        e.find("row 1") != std::string::npos || e.find("rows") != std::string::npos, e.c_str());
    QVERIFY2(e.find("root") == std::string::npos, e.c_str());
    QVERIFY2(e.find("20228") == std::string::npos, e.c_str());

    const std::string c = errorOf([&] { readCsv(m_root / "shadow"); });
    QVERIFY2(c.find("root") == std::string::npos, c.c_str());
}

void TestUntrustedFiles::idxMessagesShowNoBytes()
{
    writeFile(m_root / "text.idx", std::string("\0\0root:secret", 13));
    writeFile(m_root / "notidx", "root:*:20228");
    for (const char* name : {"text.idx", "notidx"}) {
        const std::string e = errorOf([&] { readIdx(m_root / name); });
        QVERIFY2(e.find("root") == std::string::npos, e.c_str());
        QVERIFY2(e.find("0x72") == std::string::npos, e.c_str()); // 'r'
        QVERIFY2(e.find("0x6F") == std::string::npos, e.c_str()); // 'o'
    }
}

void TestUntrustedFiles::idxSizeBombIsRefusedBeforeAllocating()
{
    // The header promises one 32768 x 32768 image (1 GiB); the data is a few bytes.
    const std::string header
        = std::string("\0\0\x08\x03", 4) + bigEndian(1) + bigEndian(32768) + bigEndian(32768);
    writeGzip(m_root / "bomb.idx.gz", header + std::string(4096, '\0'));
    const std::string e = errorOf([&] { readIdx(m_root / "bomb.idx.gz"); });
    QVERIFY2(e.find("1x32768x32768") != std::string::npos, e.c_str());
    QVERIFY2(e.find("a dataset may hold") != std::string::npos, e.c_str());
}

void TestUntrustedFiles::idxDecompressionStopsAtTheHeaderSize()
{
    // 10 values promised, 8 MiB of data follow: reported without decompressing them all.
    const std::string header = std::string("\0\0\x08\x01", 4) + bigEndian(10);
    writeGzip(m_root / "long.idx.gz", header + std::string(8 << 20, '\0'));
    const std::string e = errorOf([&] { readIdx(m_root / "long.idx.gz"); });
    QVERIFY2(e.find("byte 8: expected 10 bytes of data for 10 values, found more (extra bytes")
            != std::string::npos,
        e.c_str());
}

void TestUntrustedFiles::idxAllocatesOnlyWhatTheFileHolds()
{
    // Found by fuzz_idx: a 76-byte file whose header promises 150994944 x 3 doubles (3.6 GB,
    // within the dataset bound and the free memory) had them all allocated before reading.
    const std::string header
        = std::string("\0\0\x0e\x02", 4) + bigEndian(0x09000000) + bigEndian(3);
    writeFile(m_root / "promise.idx", header + std::string(64, '\0'));
    // Read in a child limited to 2 GiB of address space, where allocating the promise fails.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        const rlimit limit {rlim_t(2) << 30, rlim_t(2) << 30};
        ::setrlimit(RLIMIT_AS, &limit);
        const std::string e = errorOf([&] { readIdx(m_root / "promise.idx"); });
        ::_exit(e.find("truncated: expected 3623878656 bytes") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
}

void TestUntrustedFiles::longCsvLineIsRefused()
{
    writeFile(m_root / "long.csv", "a,b\n1,2\n" + std::string(kMaxCsvLineBytes + 10, '7') + ",1\n");
    const std::string e = errorOf([&] { readCsv(m_root / "long.csv"); });
    QVERIFY2(e.find("long.csv: line 3: the line is longer than 1024 KiB") != std::string::npos,
        e.c_str());
    const std::string t = errorOf([&] { readTimeSeries(m_root / "long.csv", {}); });
    QVERIFY2(t.find("long.csv: line 3: the line is longer") != std::string::npos, t.c_str());
}

void TestUntrustedFiles::cancelInterruptsARead_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("csv") << "csv";
    QTest::newRow("timeseries") << "timeseries";
    QTest::newRow("idx") << "idx";
}

void TestUntrustedFiles::cancelInterruptsARead()
{
    // A file of several MiB whose last row is bad: a read that ran to the end would report the
    // bad row; a read that notices the cancel flag stops before it.
    QFETCH(QString, source);
    std::string path = "big.csv";
    if (source == "idx") {
        path = "images.idx";
        const int n = 8000;
        std::string images = std::string("\0\0\x08\x03", 4) + bigEndian(n) + bigEndian(28)
            + bigEndian(28) + std::string(std::size_t(n) * 784, '\x10');
        writeFile(m_root / path, images);
        writeFile(m_root / "labels.idx",
            std::string("\0\0\x08\x01", 4) + bigEndian(n)
                + std::string(std::size_t(n) - 1, '\0')); // one label short: an error once read
    } else {
        std::string text = "a,b\n";
        while (text.size() < (6u << 20))
            text += "1.25,0\n2.5,1\n";
        writeFile(m_root / path, text + "x,bad\n");
    }
    std::atomic<bool> cancel {false};
    LoadMonitor monitor;
    monitor.cancel = &cancel;
    monitor.progress = [&](double, const std::string& stage) {
        if (stage.starts_with("reading"))
            cancel = true; // the user presses Cancel as the read starts
    };
    const std::string e
        = errorOf([&] { loadDatasetParts(fileSpec(source.toStdString(), path), m_root, monitor); });
    QCOMPARE(QString::fromStdString(e), QString("loading cancelled"));
}

void TestUntrustedFiles::declinedCommitLeavesTheOldFile()
{
    // Ctrl+C while --out is written: the commit check before the rename says no.
    const fs::path file = m_root / "model.json";
    writeFile(file, "old");
    QVERIFY(!writeFileAtomically(file, "new", [] { return false; }));
    std::ifstream in(file);
    std::string text;
    in >> text;
    QCOMPARE(text, std::string("old"));
    QCOMPARE(std::distance(fs::directory_iterator(m_root), fs::directory_iterator()), 1L);
    QVERIFY(writeFileAtomically(file, "new", [] { return true; }));

    // saveProject() asks the same question.
    Project p;
    QVERIFY(!saveProject(p, m_root / "p.json", [] { return false; }));
    QVERIFY(!fs::exists(m_root / "p.json"));
}

void TestUntrustedFiles::staleTemporariesAreCleaned()
{
    // A write killed half-way left a hidden temporary behind; the next write of the same target
    // removes it (and leaves other files' and fresh ones alone: another writer may own them).
    const fs::path stale = m_root / ".model.json.tmp-123-0";
    const fs::path fresh = m_root / ".model.json.tmp-456-0";
    const fs::path other = m_root / ".other.json.tmp-123-0";
    for (const auto& f : {stale, fresh, other})
        writeFile(f, "half");
    const auto hourAgo = fs::file_time_type::clock::now() - std::chrono::hours(1);
    fs::last_write_time(stale, hourAgo);
    fs::last_write_time(other, hourAgo);
    writeFileAtomically(m_root / "model.json", "{}");
    QVERIFY(!fs::exists(stale));
    QVERIFY(fs::exists(fresh));
    QVERIFY(fs::exists(other));
    saveProject(Project {}, m_root / "other.json");
    QVERIFY(!fs::exists(other));
}

QTEST_APPLESS_MAIN(TestUntrustedFiles)
#include "tst_untrusted_files.moc"

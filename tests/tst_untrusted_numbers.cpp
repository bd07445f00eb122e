// Numbers from untrusted files (issue 20): CSV and time-series cells beyond float's range, and
// prediction inputs that are not finite, are refused with their file, row and column instead of
// turning into inf inside training or a "-nan" prediction.

#include "CsvReader.h"
#include "Errors.h"
#include "Predictor.h"
#include "TimeSeriesCsv.h"

#include <QtTest>

#include <functional>
#include <string>

using namespace engine;

namespace {

/// what() of the InputError `f` throws, or "" when it throws none.
std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestUntrustedNumbers : public QObject {
    Q_OBJECT

private slots:
    void csvCellBeyondFloat_data();
    void csvCellBeyondFloat();
    void timeSeriesCellBeyondFloat();
    void predictionInputNotFinite_data();
    void predictionInputNotFinite();
};

void TestUntrustedNumbers::csvCellBeyondFloat_data()
{
    QTest::addColumn<QString>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("feature 1e39") << "a,b,y\n1,2,0\n3,1e39,1\n"
                                  << "data.csv: row 3, column 2";
    QTest::newRow("feature -1e39") << "a,b,y\n1,2,0\n-1e39,1,1\n"
                                   << "data.csv: row 3, column 1";
    QTest::newRow("feature 1e999") << "a,b,y\n1,2,0.5\n3,1e999,1.5\n"
                                   << "data.csv: row 3, column 2";
    QTest::newRow("regression target 1e39") << "a,b,y\n1,2,0.5\n3,4,1e39\n5,6,0.25\n"
                                            << "data.csv: row 3, column 3";
    QTest::newRow("feature inf") << "a,b,y\n1,2,0\n3,inf,1\n"
                                 << "data.csv: row 3, column 2";
}

void TestUntrustedNumbers::csvCellBeyondFloat()
{
    QFETCH(QString, csv);
    QFETCH(QString, where);
    const std::string e = errorOf([&] { parseCsv(csv.toStdString(), "data.csv"); });
    QVERIFY2(QString::fromStdString(e).startsWith(where + ": "), e.c_str());
}

void TestUntrustedNumbers::timeSeriesCellBeyondFloat()
{
    std::string text = "t,v\n";
    for (int r = 0; r < 30; ++r)
        text
            += std::to_string(r) + "," + (r == 17 ? std::string("4e38") : std::to_string(r)) + "\n";
    TimeSeriesOptions o;
    o.window = 3;
    const std::string e = errorOf([&] { parseTimeSeries(text, "s.csv", o); });
    QVERIFY2(QString::fromStdString(e).startsWith("s.csv: row 19, column 2: "), e.c_str());
}

void TestUntrustedNumbers::predictionInputNotFinite_data()
{
    QTest::addColumn<QString>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("nan") << "a,b\n1,2\nnan,1\n"
                         << "x.csv: row 3, column 1";
    QTest::newRow("inf") << "a,b\n1,2\n1,inf\n"
                         << "x.csv: row 3, column 2";
    QTest::newRow("-inf") << "a,b\n1,-inf\n"
                          << "x.csv: row 2, column 2";
    QTest::newRow("1e39") << "a,b\n1,2\n1,1e39\n"
                          << "x.csv: row 3, column 2";
    QTest::newRow("1e999") << "a,b\n1,2\n1e999,1\n"
                           << "x.csv: row 3, column 1";
    // A first row of such values is data, not a header to skip.
    QTest::newRow("first row nan") << "nan,1\n1,2\n"
                                   << "x.csv: row 1, column 1";
    QTest::newRow("first row 1e999") << "1e999,1\n1,2\n"
                                     << "x.csv: row 1, column 1";
}

void TestUntrustedNumbers::predictionInputNotFinite()
{
    QFETCH(QString, csv);
    QFETCH(QString, where);
    const std::string e = errorOf([&] { parsePredictionCsv(csv.toStdString(), 2, "x.csv"); });
    QVERIFY2(QString::fromStdString(e).startsWith(where + ": "), e.c_str());
}

QTEST_APPLESS_MAIN(TestUntrustedNumbers)
#include "tst_untrusted_numbers.moc"

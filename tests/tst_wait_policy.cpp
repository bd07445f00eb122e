// The executables' OpenMP wait policy (core/WaitPolicy.h, issue 21): a bounded spin count unless
// the user chose a policy, applied by restarting before libgomp reads its environment.
#include "core/WaitPolicy.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <map>
#include <string>

using namespace engine;

class TestWaitPolicy : public QObject {
    Q_OBJECT

private slots:
    void decision_data();
    void decision();
    void netcanvasTrainRunsWithTheBoundedSpinCount();
    void aUserChoiceIsKept();
};

void TestWaitPolicy::decision_data()
{
    QTest::addColumn<QString>("variable"); // set in the environment, "" for none
    QTest::addColumn<bool>("restarts");
    QTest::newRow("nothing set") << "" << true;
    QTest::newRow("OMP_WAIT_POLICY") << "OMP_WAIT_POLICY" << false;
    QTest::newRow("GOMP_SPINCOUNT") << "GOMP_SPINCOUNT" << false;
    QTest::newRow("already restarted") << kWaitPolicyMarker << false;
    QTest::newRow("unrelated") << "OMP_NUM_THREADS" << true;
}

void TestWaitPolicy::decision()
{
    QFETCH(QString, variable);
    QFETCH(bool, restarts);
    const std::string name = variable.toStdString();
    const auto set
        = waitPolicyToSet([&](const char* v) -> const char* { return name == v ? "1" : nullptr; });
    QCOMPARE(set.has_value(), restarts);
    if (set) {
        QCOMPARE(set->first, std::string("GOMP_SPINCOUNT"));
        QCOMPARE(set->second, std::string(kBoundedSpinCount));
    }
}

namespace {

/// netcanvas-train --version's output with OMP_DISPLAY_ENV=verbose (libgomp prints its settings,
/// GOMP_SPINCOUNT among them, at start-up) in an environment without any wait policy plus `extra`.
QString displayedOpenMpEnvironment(const std::map<QString, QString>& extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* v : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", kWaitPolicyMarker})
        env.remove(QString::fromLatin1(v));
    env.insert("OMP_DISPLAY_ENV", "verbose");
    for (const auto& [name, value] : extra)
        env.insert(name, value);
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(NETCANVAS_TRAIN_EXE), {"--version"});
    if (!p.waitForFinished(60000))
        return QStringLiteral("(netcanvas-train did not finish)");
    return QString::fromLocal8Bit(p.readAll());
}

} // namespace

void TestWaitPolicy::netcanvasTrainRunsWithTheBoundedSpinCount()
{
    const QString shown = displayedOpenMpEnvironment({});
    QVERIFY2(shown.contains(QStringLiteral("GOMP_SPINCOUNT = '1000'")), qPrintable(shown));
}

void TestWaitPolicy::aUserChoiceIsKept()
{
    const QString shown = displayedOpenMpEnvironment({{"GOMP_SPINCOUNT", "123456"}});
    QVERIFY2(shown.contains(QStringLiteral("GOMP_SPINCOUNT = '123456'")), qPrintable(shown));
    QVERIFY2(!shown.contains(QStringLiteral("GOMP_SPINCOUNT = '1000'")), qPrintable(shown));
}

QTEST_APPLESS_MAIN(TestWaitPolicy)
#include "tst_wait_policy.moc"

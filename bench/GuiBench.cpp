// netcanvas-gui-bench: training throughput with the GUI and every live view on, against the
// same project trained headless, and the UI thread's responsiveness meanwhile.
//
//   netcanvas-gui-bench PROJECT.json [--seconds N] [--cli PATH/netcanvas-train]
//   netcanvas-gui-bench PROJECT.json --screenshot DIR   (PNGs of the window and every view)
//
// Throughput is wall-clock samples/s over the same number of epochs (validation included) for
// 1. the engine alone in this process (what netcanvas-train runs), 2. netcanvas-train itself
// when --cli is given, and 3. the main window with all live views visible at once. The UI
// latency is the lateness of a 5 ms precise QTimer on the GUI thread while training.
#include "DatasetSpec.h"
#include "DecisionBoundaryView.h"
#include "LossPlot.h"
#include "MainWindow.h"
#include "Project.h"
#include "Trainer.h"
#include "TrainingController.h"
#include "TrainingPanel.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGridLayout>
#include <QProcess>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

struct Options {
    QString project;
    double seconds = 10;
    QString cli;
    QString screenshotDir;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::size_t(std::clamp(p * double(v.size() - 1), 0.0, double(v.size() - 1)))];
}

/// Wall-clock seconds of Trainer::run() over `epochs` epochs (validation included), engine
/// only, as netcanvas-train runs them.
double headlessSeconds(const engine::Project& project, const QString& dir, int epochs)
{
    engine::Project p = project;
    p.training.epochs = epochs;
    engine::DatasetSplits splits
        = engine::splitDataset(engine::loadDataset(p.dataset, dir.toStdString()),
            p.training.validationSplit, p.training.testSplit, p.training.seed);
    engine::Graph graph = p.buildGraph();
    engine::Trainer trainer(graph, std::move(splits), p.training);
    engine::TrainerControl control;
    QElapsedTimer t; // the run only: loading and splitting the data are not training
    t.start();
    trainer.run({}, &control);
    return double(t.nsecsElapsed()) / 1e9;
}

long trainSamples(const engine::Project& p, const QString& dir)
{
    const engine::Dataset all = engine::loadDataset(p.dataset, dir.toStdString());
    return engine::splitDataset(
        all, p.training.validationSplit, p.training.testSplit, p.training.seed)
        .train.size();
}

/// Every tab of the training panel in one extra window, so all views render at once.
QWidget* allViewsWindow(widgets::TrainingPanel* panel)
{
    auto* window = new QWidget;
    window->setWindowTitle(QStringLiteral("All live views"));
    auto* grid = new QGridLayout(window);
    QTabWidget* tabs = panel->tabs();
    int i = 0;
    while (tabs->count() > 0) {
        QWidget* page = tabs->widget(0);
        tabs->removeTab(0);
        grid->addWidget(page, i / 3, i % 3);
        ++i;
    }
    window->resize(1500, 700);
    return window;
}

int screenshots(MainWindow& window, const Options& o)
{
    QDir().mkpath(o.screenshotDir);
    widgets::TrainingPanel* panel = window.trainingPanel();
    QSignalSpy finished(panel->controller(), &widgets::TrainingController::finished);
    QSignalSpy snapshots(panel->controller(), &widgets::TrainingController::snapshotReady);
    panel->train();
    if (!finished.wait(600000)) {
        std::fprintf(stderr, "netcanvas-gui-bench: training did not finish\n");
        return 1;
    }
    QApplication::processEvents();
    const QString base = QFileInfo(o.project).completeBaseName();
    window.grab().save(o.screenshotDir + '/' + base + "_window.png");
    panel->resize(1300, 420);
    for (int i = 0; i < panel->tabs()->count(); ++i) {
        panel->tabs()->setCurrentIndex(i);
        QApplication::processEvents();
        for (QCustomPlot* p : panel->findChildren<QCustomPlot*>())
            p->replot();
        const QString name = panel->tabs()->tabText(i).toLower().replace(' ', '_');
        panel->grab().save(QStringLiteral("%1/%2_panel_%3.png").arg(o.screenshotDir, base, name));
    }
    std::printf("%d snapshots; screenshots written to %s\n", int(snapshots.size()),
        qPrintable(o.screenshotDir));
    for (const auto& a : snapshots) {
        const auto s = a.at(0).value<widgets::TrainingSnapshot>();
        if (qEnvironmentVariableIsSet("NETCANVAS_BENCH_DEBUG"))
            std::printf("  step %ld x %.2f norms %zu trigger %d\n", s.step, s.progressX,
                s.gradientNorms.size(), int(s.trigger));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    Options o;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--seconds" && i + 1 < args.size())
            o.seconds = args[++i].toDouble();
        else if (args[i] == "--cli" && i + 1 < args.size())
            o.cli = args[++i];
        else if (args[i] == "--screenshot" && i + 1 < args.size())
            o.screenshotDir = args[++i];
        else if (!args[i].startsWith('-') && o.project.isEmpty())
            o.project = args[i];
        else {
            std::fprintf(stderr,
                "usage: netcanvas-gui-bench PROJECT.json [--seconds N] [--cli "
                "NETCANVAS_TRAIN] | --screenshot DIR\n");
            return 1;
        }
    }
    if (o.project.isEmpty()) {
        std::fprintf(stderr, "netcanvas-gui-bench: no project given\n");
        return 1;
    }

    MainWindow window;
    window.resize(1600, 1000);
    if (const QString error = window.openFile(o.project); !error.isEmpty()) {
        std::fprintf(stderr, "netcanvas-gui-bench: %s\n", qPrintable(error));
        return 1;
    }
    window.show();
    if (!o.screenshotDir.isEmpty())
        return screenshots(window, o);

    const engine::Project project = window.document()->project();
    const QString dir = QFileInfo(o.project).absolutePath();
    const long samples = trainSamples(project, dir);

    // Calibrate: epochs that take about --seconds headless (doubling until a run is long
    // enough that set-up costs do not distort the estimate).
    int probe = 1;
    double probeSeconds = headlessSeconds(project, dir, probe);
    while (probeSeconds < std::min(1.0, o.seconds / 4)) {
        probe *= 2;
        probeSeconds = headlessSeconds(project, dir, probe);
    }
    const int epochs = std::max(1, int(std::lround(o.seconds * probe / probeSeconds)));
    const double headless = headlessSeconds(project, dir, epochs);
    const double headlessRate = double(samples) * epochs / headless;

    double cliRate = 0; // netcanvas-train's own figure (mini-batch time only)
    if (!o.cli.isEmpty()) {
        QProcess cli;
        cli.start(o.cli,
            {o.project, QStringLiteral("--epochs"), QString::number(epochs),
                QStringLiteral("--quiet")});
        cli.waitForFinished(-1);
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        const int at = out.indexOf(QStringLiteral("samples_per_s="));
        if (at >= 0)
            cliRate = out.mid(at + 14).section(QLatin1Char(' '), 0, 0).trimmed().toDouble();
    }

    // GUI run: every view visible, a 5 ms timer measuring the event loop's lateness.
    widgets::TrainingPanel* panel = window.trainingPanel();
    QWidget* views = allViewsWindow(panel);
    if (qEnvironmentVariableIsSet("NETCANVAS_BENCH_HIDDEN"))
        window.hide(); // worker overhead alone, nothing rendered
    else
        views->show();
    engine::Project p = project;
    p.training.epochs = epochs;
    std::vector<double> lateness;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (sinceTick.isValid())
            lateness.push_back(std::max(0.0, double(sinceTick.nsecsElapsed()) / 1e6 - 5.0));
        sinceTick.restart();
    });
    int snapshots = 0;
    QObject::connect(panel->controller(), &widgets::TrainingController::snapshotReady,
        [&snapshots] { ++snapshots; });
    QSignalSpy finished(panel->controller(), &widgets::TrainingController::finished);
    ticker.start();
    QElapsedTimer t;
    t.start();
    panel->controller()->train(p, dir);
    finished.wait(int(std::max(60.0, o.seconds * 20) * 1000));
    // The worker's own clock of the run (started when run() begins, so data loading is out),
    // taken from the last snapshot; as the headless figure it includes validation.
    const double gui = panel->controller()->lastProgress().elapsedSeconds > 0
        ? panel->controller()->lastProgress().elapsedSeconds
        : double(t.nsecsElapsed()) / 1e9;
    const double trainerRate = panel->controller()->lastOutcome().result.samplesPerSecond;
    ticker.stop();
    const double guiRate = double(samples) * epochs / gui;

    std::printf("project=%s epochs=%d train_samples=%ld threads=%s\n",
        qPrintable(QFileInfo(o.project).fileName()), epochs, samples,
        qgetenv("OMP_NUM_THREADS").isEmpty() ? "default" : qgetenv("OMP_NUM_THREADS").constData());
    std::printf("headless samples/s=%.0f (%.2f s)\n", headlessRate, headless);
    if (cliRate > 0)
        std::printf("cli samples/s=%.0f (its final line: mini-batch time only)\n", cliRate);
    std::printf("gui samples/s=%.0f (%.2f s, %d snapshots = %.1f/s)\n", guiRate, gui, snapshots,
        snapshots / gui);
    std::printf("gui trainer samples/s=%.0f (mini-batch time only, comparable to the cli's)\n",
        trainerRate);
    std::printf("ratio gui/headless=%.3f\n", guiRate / headlessRate);
    if (cliRate > 0)
        std::printf("ratio gui/cli (mini-batch time)=%.3f\n", trainerRate / cliRate);
    std::printf("ui event-loop lateness ms: median=%.2f p99=%.2f max=%.2f (n=%zu, 5 ms timer)\n",
        percentile(lateness, 0.5), percentile(lateness, 0.99), percentile(lateness, 1.0),
        lateness.size());
    delete views;
    return 0;
}

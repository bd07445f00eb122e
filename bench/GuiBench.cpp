// netcanvas-gui-bench: training throughput with the GUI and every live view on, against the
// same project trained headless, and the UI thread's responsiveness meanwhile.
//
//   netcanvas-gui-bench PROJECT.json [--seconds N] [--repeat N] [--replot-budget F]
//                       [--cli PATH/netcanvas-train]
//   netcanvas-gui-bench PROJECT.json --screenshot DIR   (PNGs of the window and every view)
//   netcanvas-gui-bench --canvas200 [--direction leftToRight|topToBottom] [--frames N]
//
// --canvas200: pan and zoom frame times of the canvas with a 200-layer residual network
// (tests/ResidualChain.h) auto-laid-out in each direction (both unless --direction). A frame is
// one synchronous repaint of the canvas viewport (QWidget::repaint(): scene drawing and the
// flush to the screen) after a scroll by 1/20 of the view (pan) or a zoom step of 1.15x between
// 25 % and 150 % (zoom), also the minimap's repaint. One `bench=canvas ...` line per direction
// and motion with frame_ms_median and frame_ms_p99.
//
// Throughput is wall-clock samples/s over the same number of epochs (validation included) for
// 1. the engine alone in this process (what netcanvas-train runs), run before and after the GUI
// run so that a change in machine load shows up in both, 2. netcanvas-train itself when --cli is
// given, and 3. the main window with all live views visible at once. The UI thread's frame time
// is the interval between two ticks of a 5 ms precise QTimer (how long input would wait: nominal
// 5 ms, longer when a repaint or a snapshot's handling holds the thread), sampled in 400 ms
// windows covering --probe-duty (0.25) of the run; --probe-ms 0 turns it off. ui_cpu_ms_per_s is
// the GUI thread's CPU time per wall second of the run (getrusage(RUSAGE_THREAD)), the part of
// the cost that does not depend on other load; ui_wakeups/s its voluntary context switches.
// paint_ms is the time one window repaint takes. Each repeat prints one `bench=gui ...` key=value
// line; with
// --repeat N > 1 a `summary=median` line follows.
//
// --replot-budget 1 turns the live plots' pacing (widgets/plots/ReplotPacer) off, for comparison.
// Environment: NETCANVAS_BENCH_HIDDEN=1 trains with the window hidden (worker cost alone);
// NETCANVAS_GUI_TRAIN_THREADS=n sets the worker's thread count.
#include "../tests/ResidualChain.h"
#include "MainWindow.h"
#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "data/DatasetLoader.h"
#include "data/DatasetLoading.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/LossPlot.h"
#include "plots/ReplotPacer.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/Trainer.h"
#include "training/TrainingController.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGridLayout>
#include <QPointer>
#include <QProcess>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <sys/resource.h>
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
/// only, as netcanvas-train runs them, on a copy of the already split data.
double headlessSeconds(
    const engine::Project& project, const engine::DatasetSplits& data, int epochs)
{
    engine::Project p = project;
    p.training.epochs = epochs;
    engine::Graph graph = p.buildGraph();
    engine::Trainer trainer(graph, data, p.training);
    engine::TrainerControl control;
    QElapsedTimer t; // the run only: loading and splitting the data are not training
    t.start();
    trainer.run({}, &control);
    return double(t.nsecsElapsed()) / 1e9;
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
        page->show(); // the tab widget hid every page but the current one, explicitly
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

/// Times every event the GUI thread delivers to a window (its repaint) and counts paint events
/// per live view, so the bench can tell that each view really redrew.
class TimingApplication : public QApplication {
public:
    using QApplication::QApplication;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (!m_recording || event->type() != QEvent::UpdateRequest || !receiver->isWidgetType())
            return QApplication::notify(receiver, event);
        QElapsedTimer t;
        t.start();
        const bool result = QApplication::notify(receiver, event);
        paintMs.push_back(double(t.nsecsElapsed()) / 1e6);
        return result;
    }

    /// A Paint event reaching `view` or any widget inside it counts for the view.
    void watch(const QString& name, QWidget* view) { m_views.emplace_back(name, view); }
    void setRecording(bool on)
    {
        m_recording = on;
        if (on) {
            paintMs.clear();
            for (auto& v : m_views)
                v.paints = 0;
            installEventFilter(this);
        } else {
            removeEventFilter(this);
        }
    }
    QString paintCounts(int* updated) const
    {
        QStringList parts;
        *updated = 0;
        for (const auto& v : m_views) {
            parts << QStringLiteral("%1:%2").arg(v.name).arg(v.paints);
            *updated += v.paints > 1 ? 1 : 0;
        }
        return parts.join(',');
    }
    int viewCount() const { return int(m_views.size()); }

    std::vector<double> paintMs;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && watched->isWidgetType()) {
            for (auto& v : m_views) {
                if (v.widget
                    && (v.widget == watched
                        || v.widget->isAncestorOf(static_cast<QWidget*>(watched)))) {
                    ++v.paints;
                    break;
                }
            }
        }
        return QApplication::eventFilter(watched, event);
    }

private:
    struct View {
        View(QString n, QWidget* w)
            : name(std::move(n))
            , widget(w)
        { }
        QString name;
        QPointer<QWidget> widget;
        int paints = 0;
    };
    std::vector<View> m_views;
    bool m_recording = false;
};

double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// CPU time and context switches of the calling thread (getrusage(RUSAGE_THREAD)).
struct ThreadUsage {
    double cpuSeconds = 0;
    long voluntarySwitches = 0; ///< the thread blocked: one per event-loop wake-up, roughly
    long involuntarySwitches = 0; ///< the thread was pre-empted
};

ThreadUsage threadUsage()
{
    rusage u {};
    getrusage(RUSAGE_THREAD, &u);
    auto sec = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return {sec(u.ru_utime) + sec(u.ru_stime), u.ru_nvcsw, u.ru_nivcsw};
}

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double loadAverage()
{
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

double median(std::vector<double> v)
{
    return percentile(std::move(v), 0.5);
}

/// Milliseconds of one synchronous repaint of the canvas (and of the minimap over it).
double frameMs(widgets::CanvasView* view)
{
    QElapsedTimer t;
    t.start();
    view->viewport()->repaint();
    for (QWidget* child : view->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (child->isVisible() && child != view->viewport())
            child->repaint();
    return double(t.nsecsElapsed()) / 1e6;
}

/// --canvas200: see the top of this file.
int canvasBench(const QString& directionArg, int frames)
{
    using widgets::LayoutDirection;
    std::vector<std::pair<QString, LayoutDirection>> directions;
    if (directionArg.isEmpty() || directionArg == "leftToRight")
        directions.emplace_back(QStringLiteral("leftToRight"), LayoutDirection::LeftToRight);
    if (directionArg.isEmpty() || directionArg == "topToBottom")
        directions.emplace_back(QStringLiteral("topToBottom"), LayoutDirection::TopToBottom);
    if (directions.empty()) {
        std::fprintf(stderr, "netcanvas-gui-bench: --direction leftToRight or topToBottom\n");
        return 1;
    }
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    widgets::CanvasView* view = window.view();
    widgets::CanvasScene* scene = view->canvasScene();
    std::printf("# platform=%s frames=%d view=%dx%d\n", qPrintable(QGuiApplication::platformName()),
        frames, view->viewport()->width(), view->viewport()->height());
    for (const auto& [name, direction] : directions) {
        window.document()->load(testgraphs::residualChain(200));
        scene->setLayoutDirection(direction);
        scene->autoLayout();
        QApplication::processEvents();
        const QRectF nodes = scene->nodesBoundingRect();
        // Pan at 100 % over the network: scroll bars stepping along the flow, bouncing at the
        // ends, as a drag would move the view.
        view->resetZoom();
        view->centerOn(nodes.topLeft() + QPointF(400, 300));
        QApplication::processEvents();
        frameMs(view); // caches filled once
        QScrollBar* bar = direction == LayoutDirection::TopToBottom ? view->verticalScrollBar()
                                                                    : view->horizontalScrollBar();
        const int step = std::max(1,
            (direction == LayoutDirection::TopToBottom ? view->viewport()->height()
                                                       : view->viewport()->width())
                / 20);
        QScrollBar* across = direction == LayoutDirection::TopToBottom ? view->horizontalScrollBar()
                                                                       : view->verticalScrollBar();
        std::vector<double> pan;
        int sign = 1;
        for (int i = 0; i < frames; ++i) {
            if (bar->value() + sign * step > bar->maximum() || bar->value() + sign * step < 0) {
                sign = -sign;
                across->setValue(across->value() + across->pageStep() / 2); // next band
            }
            bar->setValue(bar->value() + sign * step);
            pan.push_back(frameMs(view));
        }
        // Zoom in and out around the middle of the view between 25 % and 150 %.
        view->zoomToFit();
        QApplication::processEvents();
        std::vector<double> zoom;
        double factor = 1.15;
        const QPoint middle = view->viewport()->rect().center();
        for (int i = 0; i < frames; ++i) {
            if ((factor > 1 && view->zoom() * factor > 1.5)
                || (factor < 1 && view->zoom() * factor < 0.25))
                factor = 1 / factor;
            view->zoomBy(factor, middle);
            zoom.push_back(frameMs(view));
        }
        for (const auto& [motion, times] : {std::pair {"pan", pan}, std::pair {"zoom", zoom}})
            std::printf("bench=canvas nodes=200 direction=%s motion=%s frames=%zu "
                        "frame_ms_median=%.2f frame_ms_p99=%.2f frame_ms_max=%.2f "
                        "scene=%.0fx%.0f\n",
                qPrintable(name), motion, times.size(), median(times), percentile(times, 0.99),
                percentile(times, 1.0), nodes.width(), nodes.height());
        std::fflush(stdout);
    }
    return 0;
}

struct RunResult {
    double headlessRate = 0;
    double guiRate = 0;
    double ratio = 0;
    double frameMedian = 0, frameP99 = 0, frameMax = 0;
    double paintMedian = 0, paintP99 = 0;
    double guiThreadCpuPercent = 0; ///< GUI thread CPU time / wall time of the GUI run
    double uiCpuMsPerSecond = 0; ///< the same in ms per wall second
    double uiWakeupsPerSecond = 0; ///< the GUI thread's voluntary context switches per second
    double cpuRatio = 0; ///< headless process CPU per sample / GUI run's process CPU per sample
    double snapshotsPerSecond = 0;
};

} // namespace

int main(int argc, char** argv)
{
    TimingApplication app(argc, argv);
    Options o;
    int repeats = 1;
    bool canvas200 = false;
    QString direction;
    int frames = 300;
    int probeMs = 5;
    double probeDuty = 0.25;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--seconds" && i + 1 < args.size())
            o.seconds = args[++i].toDouble();
        else if (args[i] == "--repeat" && i + 1 < args.size())
            repeats = std::max(1, args[++i].toInt());
        else if (args[i] == "--replot-budget" && i + 1 < args.size())
            widgets::ReplotPacer::setBudget(args[++i].toDouble());
        else if (args[i] == "--probe-ms" && i + 1 < args.size())
            probeMs = std::max(0, args[++i].toInt());
        else if (args[i] == "--probe-duty" && i + 1 < args.size())
            probeDuty = std::clamp(args[++i].toDouble(), 0.05, 1.0);
        else if (args[i] == "--cli" && i + 1 < args.size())
            o.cli = args[++i];
        else if (args[i] == "--canvas200")
            canvas200 = true;
        else if (args[i] == "--direction" && i + 1 < args.size())
            direction = args[++i];
        else if (args[i] == "--frames" && i + 1 < args.size())
            frames = std::max(10, args[++i].toInt());
        else if (args[i] == "--screenshot" && i + 1 < args.size())
            o.screenshotDir = args[++i];
        else if (!args[i].startsWith('-') && o.project.isEmpty())
            o.project = args[i];
        else {
            std::fprintf(stderr,
                "usage: netcanvas-gui-bench PROJECT.json [--seconds N] [--repeat N] "
                "[--replot-budget F] [--probe-ms N] [--probe-duty F] [--cli "
                "NETCANVAS_TRAIN] | --screenshot DIR | --canvas200 [--direction "
                "leftToRight|topToBottom] [--frames N]\n");
            return 1;
        }
    }
    if (canvas200)
        return canvasBench(direction, frames);
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
    const QString name = QFileInfo(o.project).completeBaseName();
    // Loaded once through the GUI's cache, off this thread as its contract asks: the GUI runs
    // then start without loading (which would otherwise count in their CPU time).
    auto loading = std::async(
        std::launch::async, [&] { return widgets::DatasetCache::acquire(project.dataset, dir); });
    while (loading.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready)
        QApplication::processEvents();
    const widgets::SharedSourceData parts = loading.get();
    const engine::DatasetSplits splits = engine::splitSourceData(*parts,
        project.training.validationSplit, project.training.testSplit, project.training.seed);
    const long samples = splits.train.size();

    // Calibrate: epochs that take about --seconds headless (doubling until a run is long
    // enough that set-up costs do not distort the estimate).
    int probe = 1;
    double probeSeconds = headlessSeconds(project, splits, probe);
    while (probeSeconds < std::min(1.0, o.seconds / 4)) {
        probe *= 2;
        probeSeconds = headlessSeconds(project, splits, probe);
    }
    const int epochs = std::max(1, int(std::lround(o.seconds * probe / probeSeconds)));

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

    widgets::TrainingPanel* panel = window.trainingPanel();
    app.watch(QStringLiteral("loss"), panel->lossPlot());
    app.watch(QStringLiteral("canvas"), window.view());
    QWidget* views = allViewsWindow(panel);
    const bool hidden = qEnvironmentVariableIsSet("NETCANVAS_BENCH_HIDDEN");
    if (hidden)
        window.hide(); // worker overhead alone, nothing rendered
    else
        views->show();
    for (QWidget* page : views->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (auto* w = qobject_cast<QWidget*>(page); w && !w->objectName().startsWith("qt_"))
            app.watch(QString::fromLatin1(w->metaObject()->className())
                          .section(QStringLiteral("::"), -1)
                          .toLower(),
                w);

    const QByteArray threads = qgetenv("NETCANVAS_GUI_TRAIN_THREADS");
    std::printf("# project=%s epochs=%d train_samples=%ld gui_train_threads=%s hidden=%d "
                "views=%d replot_budget=%g probe_ms=%d probe_duty=%g\n",
        qPrintable(QFileInfo(o.project).fileName()), epochs, samples,
        threads.isEmpty() ? "default" : threads.constData(), int(hidden), app.viewCount(),
        widgets::ReplotPacer::budget(), probeMs, probeDuty);
    if (cliRate > 0)
        std::printf("# cli samples/s=%.0f (its final line: mini-batch time only)\n", cliRate);
    std::fflush(stdout);

    engine::Project p = project;
    p.training.epochs = epochs;
    std::vector<RunResult> results;
    for (int rep = 1; rep <= repeats; ++rep) {
        // Headless before and after the GUI run: the mean cancels a slow drift in load.
        const double cpu0 = processCpuSeconds();
        const double before = headlessSeconds(project, splits, epochs);
        const double after = headlessSeconds(project, splits, epochs);
        const double headlessCpu = processCpuSeconds() - cpu0;
        const double headless = 0.5 * (before + after);

        std::vector<double> frames;
        QElapsedTimer sinceTick;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(probeMs);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            if (sinceTick.isValid())
                frames.push_back(double(sinceTick.nsecsElapsed()) / 1e6);
            sinceTick.restart();
        });
        // The heartbeat wakes the GUI thread 200 times a second, and each wake-up pre-empts a
        // training thread: on the Fashion-MNIST MLP it was about 40 % of the GUI thread's CPU
        // time during training. So it beats only in windows that take --probe-duty of the run
        // (a sample of the run's time, spread over all of it, so that a slow frame anywhere is
        // as likely to be caught as before) and sleeps in between.
        QTimer duty;
        duty.setSingleShot(true);
        QObject::connect(&duty, &QTimer::timeout, [&] {
            constexpr double kWindowMs = 400;
            if (ticker.isActive()) {
                ticker.stop();
                duty.start(int(kWindowMs * (1 - probeDuty) / probeDuty));
            } else {
                sinceTick.invalidate(); // the pause between windows is no frame
                ticker.start();
                duty.start(int(kWindowMs));
            }
        });
        int snapshots = 0;
        auto counter = QObject::connect(panel->controller(),
            &widgets::TrainingController::snapshotReady, [&snapshots] { ++snapshots; });
        QSignalSpy finished(panel->controller(), &widgets::TrainingController::finished);
        // A completed run is not resumable: train() starts a fresh session each repeat.
        app.setRecording(true);
        if (probeMs > 0) {
            ticker.start();
            if (probeDuty < 1)
                duty.start(400);
        }
        const ThreadUsage ui0 = threadUsage();
        const double guiCpu0 = threadCpuSeconds();
        const double procCpu0 = processCpuSeconds();
        QElapsedTimer t;
        t.start();
        panel->controller()->train(p, dir);
        finished.wait(int(std::max(60.0, o.seconds * 20) * 1000));
        const double wall = double(t.nsecsElapsed()) / 1e9;
        const double guiCpu = threadCpuSeconds() - guiCpu0;
        const double procCpu = processCpuSeconds() - procCpu0;
        const ThreadUsage ui1 = threadUsage();
        ticker.stop();
        duty.stop();
        app.setRecording(false);
        QObject::disconnect(counter);
        // The worker's own clock of the run (started when run() begins, so data loading is
        // out), taken from the last snapshot; as the headless figure it includes validation.
        const double gui = panel->controller()->lastProgress().elapsedSeconds > 0
            ? panel->controller()->lastProgress().elapsedSeconds
            : wall;

        RunResult r;
        r.headlessRate = double(samples) * epochs / headless;
        r.guiRate = double(samples) * epochs / gui;
        r.ratio = r.guiRate / r.headlessRate;
        r.frameMedian = median(frames);
        r.frameP99 = percentile(frames, 0.99);
        r.frameMax = percentile(frames, 1.0);
        r.paintMedian = median(app.paintMs);
        r.paintP99 = percentile(app.paintMs, 0.99);
        r.guiThreadCpuPercent = 100.0 * guiCpu / wall;
        r.uiCpuMsPerSecond = 1000.0 * (ui1.cpuSeconds - ui0.cpuSeconds) / wall;
        r.uiWakeupsPerSecond = double(ui1.voluntarySwitches - ui0.voluntarySwitches) / wall;
        r.cpuRatio = procCpu > 0 ? (headlessCpu / 2) / procCpu : 0;
        r.snapshotsPerSecond = snapshots / gui;
        results.push_back(r);
        int updated = 0;
        const QString paints = app.paintCounts(&updated);
        std::printf("bench=gui project=%s run=%d headless_samples/s=%.0f gui_samples/s=%.0f "
                    "ratio=%.3f frame_ms_median=%.2f frame_ms_p99=%.2f frame_ms_max=%.1f "
                    "paint_ms_median=%.2f paint_ms_p99=%.2f gui_thread_cpu%%=%.1f "
                    "ui_cpu_ms_per_s=%.1f ui_wakeups/s=%.0f "
                    "cpu_ratio=%.3f snapshots/s=%.1f views_updated=%d/%d paints=%s "
                    "load1=%.1f\n",
            qPrintable(name), rep, r.headlessRate, r.guiRate, r.ratio, r.frameMedian, r.frameP99,
            r.frameMax, r.paintMedian, r.paintP99, r.guiThreadCpuPercent, r.uiCpuMsPerSecond,
            r.uiWakeupsPerSecond, r.cpuRatio, r.snapshotsPerSecond, updated, app.viewCount(),
            qPrintable(paints), loadAverage());
        std::fflush(stdout);
    }
    if (repeats > 1) {
        auto med = [&](double RunResult::*field) {
            std::vector<double> v;
            for (const RunResult& r : results)
                v.push_back(r.*field);
            return median(v);
        };
        std::printf("bench=gui project=%s summary=median runs=%d headless_samples/s=%.0f "
                    "gui_samples/s=%.0f ratio=%.3f frame_ms_median=%.2f frame_ms_p99=%.2f "
                    "paint_ms_p99=%.2f gui_thread_cpu%%=%.1f ui_cpu_ms_per_s=%.1f "
                    "ui_wakeups/s=%.0f cpu_ratio=%.3f snapshots/s=%.1f "
                    "load1=%.1f\n",
            qPrintable(name), repeats, med(&RunResult::headlessRate), med(&RunResult::guiRate),
            med(&RunResult::ratio), med(&RunResult::frameMedian), med(&RunResult::frameP99),
            med(&RunResult::paintP99), med(&RunResult::guiThreadCpuPercent),
            med(&RunResult::uiCpuMsPerSecond), med(&RunResult::uiWakeupsPerSecond),
            med(&RunResult::cpuRatio), med(&RunResult::snapshotsPerSecond), loadAverage());
    }
    delete views;
    return 0;
}

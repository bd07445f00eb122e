#include "MainWindow.h"
#include "core/WaitPolicy.h"
#include "plots/TrainingPanel.h"

#include "teaching/PresentationMode.h"
#include "training/TrainingController.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTimer>

namespace {

/// Raises the dock whose title or object name is `name` (case-insensitive); false if none.
bool raiseDock(MainWindow& window, const QString& name)
{
    for (QDockWidget* dock : window.findChildren<QDockWidget*>()) {
        const QString title = dock->windowTitle().remove(QLatin1Char('&'));
        if (title.compare(name, Qt::CaseInsensitive) == 0
            || dock->objectName().compare(name, Qt::CaseInsensitive) == 0) {
            dock->show();
            dock->raise();
            return true;
        }
    }
    return false;
}

/// Selects the training view tab labelled `name` (case-insensitive); false if none.
bool selectTrainingTab(MainWindow& window, const QString& name)
{
    QTabWidget* tabs = window.trainingPanel()->tabs();
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i).remove(QLatin1Char('&')).compare(name, Qt::CaseInsensitive) == 0) {
            tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    engine::restartWithBoundedSpinning(argv); // before any OpenMP work: see WaitPolicy.h
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("NetCanvas"));
    QApplication::setApplicationName(QStringLiteral("NetCanvas"));
    QApplication::setApplicationVersion(QStringLiteral(NETCANVAS_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("NetCanvas"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Visual neural-network designer"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"),
        QApplication::translate("main", "Project file to open."), QStringLiteral("[file.json]"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QApplication::translate("main",
            "Save a picture of the window (1400x900) to <png> and quit "
            "(for documentation; works with QT_QPA_PLATFORM=offscreen)."),
        QStringLiteral("png"));
    parser.addOption(screenshotOption);
    const QCommandLineOption trainOption(QStringLiteral("train"),
        QApplication::translate("main", "Start training the opened project or lesson at once."));
    parser.addOption(trainOption);
    const QCommandLineOption sizeOption(QStringLiteral("size"),
        QApplication::translate("main", "Window size for --screenshot, e.g. 1280x800."),
        QStringLiteral("WxH"), QStringLiteral("1400x900"));
    parser.addOption(sizeOption);
    const QCommandLineOption dockOption(QStringLiteral("dock"),
        QApplication::translate(
            "main", "Show and raise a dock before --screenshot (its title, e.g. Lesson, Dataset)."),
        QStringLiteral("name"));
    parser.addOption(dockOption);
    const QCommandLineOption tabOption(QStringLiteral("tab"),
        QApplication::translate(
            "main", "Select a training view before --screenshot (its tab label, e.g. Weights)."),
        QStringLiteral("name"));
    parser.addOption(tabOption);
    const QCommandLineOption epochsOption(QStringLiteral("shot-epochs"),
        QApplication::translate("main",
            "With --train and --screenshot: stop after N epochs and take the picture then."),
        QStringLiteral("N"));
    parser.addOption(epochsOption);
    const QCommandLineOption presentationOption(QStringLiteral("presentation"),
        QApplication::translate("main", "Start in presentation mode (large fonts and lines)."));
    parser.addOption(presentationOption);
    parser.process(app);

    const bool screenshot = parser.isSet(screenshotOption);
    QSize shotSize(1400, 900);
    if (screenshot) {
        const auto m
            = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(parser.value(sizeOption));
        if (!m.hasMatch() || m.captured(1).toInt() < 200 || m.captured(2).toInt() < 200) {
            qWarning("--size: expected WxH of at least 200x200, e.g. 1280x800, got \"%s\"",
                qPrintable(parser.value(sizeOption)));
            return 1;
        }
        shotSize = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    }
    const int shotEpochs = parser.isSet(epochsOption) ? parser.value(epochsOption).toInt() : 0;
    if (parser.isSet(epochsOption) && shotEpochs <= 0) {
        qWarning("--shot-epochs: expected a positive number of epochs, got \"%s\"",
            qPrintable(parser.value(epochsOption)));
        return 1;
    }

    MainWindow window;
    if (screenshot)
        window.resize(shotSize);
    window.show();
    // After a crash, the autosaved project comes first (not while taking documentation shots,
    // which must never wait for an answer).
    const bool restored = !screenshot && window.offerRecovery();
    if (parser.positionalArguments().isEmpty() && !restored)
        window.showWelcomePage();
    if (!parser.positionalArguments().isEmpty() && !restored) {
        const QString path = parser.positionalArguments().constFirst();
        const QString error = window.openFile(path);
        if (error.isEmpty() && parser.isSet(trainOption)) {
            // After show() and the first layout, like a click on Train.
            QTimer::singleShot(0, &window, [&window] { window.trainingPanel()->train(); });
        }
        if (!error.isEmpty()) {
            // After show(), so the box is centred on the window; the default network stays.
            QTimer::singleShot(0, &window, [&window, error] {
                QMessageBox::warning(
                    &window, QApplication::translate("main", "Cannot open project"), error);
            });
        }
    }
    if (parser.isSet(presentationOption))
        window.presentationMode()->setActive(true);
    if (screenshot) {
        if (parser.isSet(dockOption) && !raiseDock(window, parser.value(dockOption)))
            qWarning("--dock: no dock named \"%s\"", qPrintable(parser.value(dockOption)));
        if (parser.isSet(tabOption) && !selectTrainingTab(window, parser.value(tabOption)))
            qWarning("--tab: no training view named \"%s\"", qPrintable(parser.value(tabOption)));
        const QString png = parser.value(screenshotOption);
        auto shoot = [&window, png] {
            const bool ok = window.grab().save(png);
            if (!ok)
                qWarning("cannot write %s", qPrintable(png));
            QApplication::exit(ok ? 0 : 1);
        };
        widgets::TrainingController* controller = window.trainingPanel()->controller();
        if (shotEpochs > 0 && parser.isSet(trainOption)) {
            // The run is given N epochs rather than stopped when a snapshot reports epoch N: a
            // small network trains hundreds of epochs between two snapshots, so a stop from the
            // GUI thread came too late (XOR showed epoch 150/150 for --shot-epochs 20).
            engine::TrainingConfig config = window.document()->project().training;
            config.epochs = shotEpochs;
            window.document()->setTrainingConfig(config);
            // After the final snapshot has been drawn (plots replot on the next turn).
            QObject::connect(controller, &widgets::TrainingController::finished, &window,
                [shoot] { QTimer::singleShot(300, shoot); });
        } else {
            // Two turns of the event loop: layout, then the deferred zoom-to-fit.
            QTimer::singleShot(50, &window, shoot);
        }
    }
    return app.exec();
}

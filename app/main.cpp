#include "MainWindow.h"
#include "TrainingPanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

int main(int argc, char** argv)
{
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
    parser.process(app);

    MainWindow window;
    if (parser.isSet(screenshotOption))
        window.resize(1400, 900);
    window.show();
    if (parser.positionalArguments().isEmpty())
        window.showWelcomePage();
    if (!parser.positionalArguments().isEmpty()) {
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
    if (parser.isSet(screenshotOption)) {
        // Two turns of the event loop: layout, then the deferred zoom-to-fit.
        QTimer::singleShot(50, &window, [&window, &parser, &screenshotOption] {
            const QString png = parser.value(screenshotOption);
            const bool ok = window.grab().save(png);
            if (!ok)
                qWarning("cannot write %s", qPrintable(png));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}

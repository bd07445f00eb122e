#pragma once

#include "common/FileChoosers.h"
#include "export/DiagramExport.h"

#include <QImage>
#include <QObject>
#include <QPointer>
#include <QRectF>
#include <QString>

#include <vector>

class QAction;
class QMenu;
class QWidget;

namespace engine {
struct TrainedModel;
}

namespace widgets {

class CanvasScene;
class GraphDocument;
class PredictDialog;
class TrainingPanel;

/// File > Export and Predict from CSV: the trained network (ONNX, PyTorch script, PyTorch
/// training project folder, trained project JSON, weights as CSV or .npy files), the diagram (SVG,
/// PNG), the live plots (PNG, PDF, CSV, also from each plot's right-click menu) and the Predict
/// dialog.
///
/// Two layers, as in MainWindow: exportOnnx() & co. do the work for a given file and return ""
/// or the message naming the file and the reason, without dialogs; the actions ask for the file
/// through FileChoosers (replaceable by tests), report errors through it and emit
/// statusMessage() on success. Every file is written atomically (QSaveFile).
///
/// The trained weights are the document's: TrainingController writes them back when a run
/// stops, so the model exports are disabled while training runs (their tooltip says why), as
/// well as when the network does not validate or has no weights yet.
///
/// Nothing is owned but the actions, the menu (parented to `window`) and the dialog; the
/// document, scene and panel must outlive this object.
class ExportActions : public QObject {
    Q_OBJECT
public:
    ExportActions(
        GraphDocument* document, CanvasScene* scene, TrainingPanel* training, QWidget* window);
    ~ExportActions() override;

    void setChoosers(FileChoosers choosers);
    const FileChoosers& choosers() const { return m_choosers; }
    /// The open project's file ("" when untitled): folder for relative dataset paths and the
    /// dialogs' starting place, base of the suggested names.
    void setProjectFile(const QString& path);

    /// The File > Export submenu (tooltips visible, so disabled entries say why).
    QMenu* exportMenu() const { return m_menu; }
    QAction* onnxAction() const { return m_onnx; }
    QAction* pytorchAction() const { return m_pytorch; }
    /// "PyTorch Training Project…": a folder that trains the project under PyTorch (torchrun).
    QAction* pytorchTrainingAction() const { return m_pytorchTraining; }
    QAction* trainedProjectAction() const { return m_trainedJson; }
    QAction* weightsCsvAction() const { return m_weightsCsv; }
    QAction* weightsNpyAction() const { return m_weightsNpy; }
    QAction* diagramSvgAction() const { return m_svg; }
    QAction* diagramPngAction() const { return m_png; }
    QAction* currentPlotAction() const { return m_currentPlot; }
    /// "Pictures in Dark Theme" (checkable, off by default, remembered): diagram and plot
    /// pictures in the dark theme instead of light.
    QAction* darkPicturesAction() const { return m_darkPictures; }
    /// "Predict from CSV…": opens the PredictDialog (non-modal, reused).
    QAction* predictAction() const { return m_predict; }
    /// The dialog the predict action opened last (null before).
    PredictDialog* predictDialog() const;

    // --- the work, without dialogs ------------------------------------------------------------
    QString exportOnnx(const QString& file);
    QString exportPyTorch(const QString& file);
    /// engine::exportPyTorchTraining() into `dir`: written whole or not at all. Needs no trained
    /// weights (the export then starts from NetCanvas's initialization for the seed).
    QString exportPyTorchTraining(const QString& dir);
    /// The project with its current trained weights, as File > Save would write it.
    QString exportTrainedProject(const QString& file);
    QString exportWeightsCsv(const QString& file);
    /// One "<layer>.<param>.npy" per parameter and a README.txt in `dir` (created if needed).
    QString exportWeightsNpy(const QString& dir);
    /// Diagram and plot pictures in the dark theme (darkPicturesAction()); light otherwise.
    bool darkPictures() const;
    QString exportDiagramSvg(const QString& file);
    QString exportDiagramPng(const QString& file);
    /// A plot's picture or data by the suffix (.png, .pdf, .csv).
    QString exportPlot(QWidget* view, const QString& file);

    /// The open project compiled with its trained weights (shapes from the document, else from
    /// its dataset or Input node). Throws engine::InputError.
    engine::TrainedModel trainedModel() const;
    /// Why the trained-model exports are disabled ("" when they are not).
    QString modelProblem() const;
    /// Why the network cannot be exported at all, trained or not ("" when it can).
    QString networkProblem() const;

    // --- plots --------------------------------------------------------------------------------
    /// Gives `view` (see plotexport::isExportable) a right-click menu with Save Image as PNG /
    /// PDF and Save Data as CSV, and lets it become the current plot when clicked. `baseName`
    /// ("loss") suggests the file names.
    void registerPlot(QWidget* view, const QString& baseName);
    /// The plot clicked last, else the training panel's visible tab when it is a plot, else the
    /// loss plot.
    QWidget* currentPlot() const;
    /// The context menu registerPlot() shows (the caller owns it).
    QMenu* createPlotMenu(QWidget* view, QWidget* parent);

public slots:
    /// Re-evaluates which actions make sense (after edits, training state changes).
    void updateActions();
    void showPredictDialog();

signals:
    /// A success message for the status bar.
    void statusMessage(const QString& text, int timeoutMs);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct PlotEntry {
        QPointer<QWidget> view;
        QString baseName;
    };
    void createActions();
    QString suggestion(const QString& baseName, const QString& suffix) const;
    QString projectDir() const;
    QString projectTitle() const;
    /// Runs an interactive export: asks for the file, does `work`, reports the result.
    void runExport(const QString& title, const QString& what, const QString& file,
        const std::function<QString(const QString&)>& work);
    void exportPlotInteractively(QWidget* view, const QString& suffix);
    diagramexport::Theme diagramTheme() const;
    const PlotEntry* entryFor(const QWidget* view) const;

    QPointer<GraphDocument> m_doc;
    QPointer<CanvasScene> m_scene;
    QPointer<TrainingPanel> m_training;
    QPointer<QWidget> m_window;
    FileChoosers m_choosers;
    QString m_projectFile;
    std::vector<PlotEntry> m_plots;
    QPointer<QWidget> m_lastPlot;
    QPointer<PredictDialog> m_predictDialog;

    QMenu* m_menu = nullptr;
    QAction* m_onnx = nullptr;
    QAction* m_pytorch = nullptr;
    QAction* m_pytorchTraining = nullptr;
    QAction* m_trainedJson = nullptr;
    QAction* m_weightsCsv = nullptr;
    QAction* m_weightsNpy = nullptr;
    QAction* m_svg = nullptr;
    QAction* m_png = nullptr;
    QAction* m_currentPlot = nullptr;
    QAction* m_predict = nullptr;
    QAction* m_darkPictures = nullptr;
};

} // namespace widgets

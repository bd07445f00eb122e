#pragma once

#include "common/FileChoosers.h"
#include "core/Types.h"

#include <QDialog>
#include <QString>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTableWidget;

namespace engine {
struct Predictions;
struct TrainedModel;
} // namespace engine

namespace widgets {

/// Predictions of a trained network for the samples of a CSV file (engine/export/Predictor.h, the same
/// code as `netcanvas-train predict`): choose the model (the open project, or a trained project
/// .json or an ONNX file NetCanvas exported), choose the input CSV, see the first rows with
/// their predictions, save all predictions as CSV.
///
/// Problems (an untrained model, a malformed CSV) are shown in the dialog with the engine's
/// message, which names the file and the row and column. The setters work without dialogs, so
/// tests drive them directly; the Browse and Save buttons ask through FileChoosers.
class PredictDialog : public QDialog {
    Q_OBJECT
public:
    /// Builds the open project's model; throws engine::InputError.
    using ModelFactory = std::function<engine::TrainedModel()>;

    explicit PredictDialog(FileChoosers choosers, QWidget* parent = nullptr);
    ~PredictDialog() override;

    static constexpr int kPreviewRows = 100;

    /// Offers the open project as the model: `factory` builds it, `label` names it ("XOR"),
    /// `problem` says why it cannot be used ("" when it can).
    void setOpenProject(ModelFactory factory, const QString& label, const QString& problem);
    /// Selects the open project (when usable) and predicts again. Returns false on error.
    bool useOpenProject();
    /// Selects a model file (.json or .onnx) and predicts again. Returns false on error.
    bool setModelFile(const QString& path);
    /// Reads `path` and predicts. Returns false on error (see message()).
    bool setInputFile(const QString& path);
    /// Writes every prediction (predictionsCsv) atomically; returns "" or the error.
    QString savePredictions(const QString& path);

    /// The error or the summary shown under the table.
    QString message() const;
    bool hasError() const { return m_error; }
    /// Null until a CSV was predicted.
    const engine::Predictions* predictions() const { return m_predictions.get(); }
    QTableWidget* preview() const { return m_table; }
    QPushButton* saveButton() const { return m_save; }
    QLineEdit* inputEdit() const { return m_inputEdit; }

    /// A prediction as the preview shows it: 3 significant digits, scientific below 1e-4
    /// ("0.982", "0.0173", "2.46e-05"), so small probabilities stay readable.
    static QString previewText(double value);

private:
    void browseModel();
    void browseInput();
    void saveInteractively();
    bool loadModel();
    bool run();
    void showMessage(const QString& text, bool error);
    void fillPreview(const QStringList& inputNames, const engine::Matrix& x);

    FileChoosers m_choosers;
    ModelFactory m_openProject;
    QString m_openProblem;
    std::unique_ptr<engine::TrainedModel> m_model;
    std::unique_ptr<engine::Predictions> m_predictions;
    QString m_inputPath;
    bool m_error = false;

    QRadioButton* m_useOpen = nullptr;
    QRadioButton* m_useFile = nullptr;
    QLineEdit* m_modelPath = nullptr;
    QPushButton* m_modelBrowse = nullptr;
    QLabel* m_modelInfo = nullptr;
    QLineEdit* m_inputEdit = nullptr;
    QLabel* m_inputHint = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_save = nullptr;
};

} // namespace widgets

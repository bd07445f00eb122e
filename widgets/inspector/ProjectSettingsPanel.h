#pragma once

#include "common/FileChoosers.h"

#include <QString>
#include <QWidget>

#include <functional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QUndoStack;

namespace engine {
struct DatasetSpec;
struct TrainingConfig;
} // namespace engine

namespace widgets {

class GraphDocument;

/// The project's dataset, loss (read-only, it belongs to the Loss node), optimizer, schedule
/// and training hyper-parameters: what the inspector shows when nothing is selected.
///
/// Every edit pushes a SetDatasetCommand or SetTrainingConfigCommand on `stack`, keyed by the
/// field so that typing in one box is one undo step. The editors follow the document
/// (settingsChanged, reset, validationChanged) with signals blocked, so a refresh never pushes.
/// The document and the stack must outlive the panel.
class ProjectSettingsPanel : public QWidget {
    Q_OBJECT
public:
    ProjectSettingsPanel(GraphDocument* document, QUndoStack* stack, QWidget* parent = nullptr);

    /// Re-reads every editor from the document.
    void refresh();

    /// The folder chooser asked when MNIST is picked (tests inject one); defaults to QFileDialog.
    void setFileChoosers(FileChoosers choosers) { m_choosers = std::move(choosers); }

    // Editors, for tests and for the main window's focus handling.
    /// Generated data, Fashion-MNIST, MNIST (asks for its folder), and the current file source.
    QComboBox* sourceCombo() const { return m_source; }
    QLabel* sourceLabel() const { return m_sourceLabel; }
    /// Options "limit" of image sources: 0 ("all") or the first N images of each part.
    QSpinBox* subsetSpin() const { return m_subset; }
    /// "classNames" of image sources, comma-separated; the placeholder shows the source's own.
    QLineEdit* classNamesEdit() const { return m_classNames; }
    QLabel* datasetHint() const { return m_datasetHint; }
    QComboBox* generatorCombo() const { return m_generator; }
    QComboBox* optimizerCombo() const { return m_optimizer; }
    QDoubleSpinBox* learningRateSpin() const { return m_learningRate; }
    QSpinBox* batchSizeSpin() const { return m_batchSize; }
    QSpinBox* epochsSpin() const { return m_epochs; }
    QDoubleSpinBox* validationSplitSpin() const { return m_validationSplit; }
    /// True when the row holding `field` is shown (irrelevant optimizer settings are hidden).
    bool isFieldShown(QWidget* field) const;

private:
    using DatasetEdit = std::function<void(engine::DatasetSpec&)>;
    using TrainingEdit = std::function<void(engine::TrainingConfig&)>;
    void editDataset(const QString& key, const DatasetEdit& edit);
    void editTraining(const QString& key, const TrainingEdit& edit);
    void pickSource(const QString& source);
    void updateVisibility();
    void updateHints();

    QSpinBox* intField(QFormLayout* form, const QString& label, int min, int max,
        const QString& key, std::function<int(const engine::TrainingConfig&)> get,
        std::function<void(engine::TrainingConfig&, int)> set, const QString& tooltip = {});
    QDoubleSpinBox* realField(QFormLayout* form, const QString& label, double min, double max,
        int decimals, double step, const QString& key,
        std::function<double(const engine::TrainingConfig&)> get,
        std::function<void(engine::TrainingConfig&, double)> set, const QString& tooltip = {});

    GraphDocument* m_doc;
    QUndoStack* m_stack;
    std::vector<std::function<void()>> m_refreshers; ///< document -> editor, signals blocked

    FileChoosers m_choosers;
    QFormLayout* m_datasetForm = nullptr;
    QComboBox* m_source = nullptr;
    QLabel* m_sourceLabel = nullptr; ///< file sources only
    QSpinBox* m_subset = nullptr; ///< image sources only
    QLineEdit* m_classNames = nullptr; ///< image sources only
    QComboBox* m_generator = nullptr;
    QSpinBox* m_samples = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_dataSeed = nullptr;
    QLabel* m_datasetHint = nullptr;
    QLabel* m_lossLabel = nullptr;

    QFormLayout* m_optimizerForm = nullptr;
    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QDoubleSpinBox* m_momentum = nullptr;
    QDoubleSpinBox* m_rho = nullptr;
    QDoubleSpinBox* m_beta1 = nullptr;
    QDoubleSpinBox* m_beta2 = nullptr;
    QDoubleSpinBox* m_weightDecay = nullptr;

    QFormLayout* m_scheduleForm = nullptr;
    QComboBox* m_schedule = nullptr;
    QSpinBox* m_stepEpochs = nullptr;
    QDoubleSpinBox* m_gamma = nullptr;
    QDoubleSpinBox* m_minLearningRate = nullptr;

    QFormLayout* m_trainingForm = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QSpinBox* m_epochs = nullptr;
    QDoubleSpinBox* m_validationSplit = nullptr; ///< disabled for time series (split by time)
    QDoubleSpinBox* m_testSplit = nullptr;
    QSpinBox* m_patience = nullptr;
    QDoubleSpinBox* m_minDelta = nullptr;
    QCheckBox* m_restoreBest = nullptr;
};

} // namespace widgets

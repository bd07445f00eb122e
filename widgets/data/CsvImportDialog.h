#pragma once

#include "data/CsvReader.h"
#include "data/DatasetSpec.h"

#include <QDialog>
#include <QString>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;

namespace widgets {

class TimeSeriesImportPanel;

/// File ▸ Import Dataset ▸ CSV…: previews a CSV file, shows the delimiter and header the engine
/// detected (each can be overridden), and asks for the target column(s), the task and input
/// scaling. Class labels are always stored as class indices: the network's output layer decides
/// whether training compares them one-hot (one output per class) or as 0/1 (one output), and
/// the dialog says which outputs the data needs.
///
/// accept() validates the whole file with the chosen settings: every missing or invalid cell is
/// listed with its row and column (problems()) and the dialog stays open, so the project is
/// unchanged. On success spec() is the project's new dataset spec, with the scaling statistics
/// computed from the data (so `netcanvas-train predict` scales new inputs the same way).
class CsvImportDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kPreviewRows = 20;
    static constexpr int kMaxProblems = 200;

    /// `projectDir`: the project file's folder (paths inside it are stored relative), or "".
    explicit CsvImportDialog(const QString& projectDir, QWidget* parent = nullptr);

    /// Reads the file's first lines for the preview and the detection. Returns "" or an error
    /// (unreadable file), which is also shown.
    QString setFile(const QString& path);
    QString file() const { return m_file; }

    char detectedDelimiter() const { return m_detectedDelimiter; }
    bool detectedHeader() const { return m_detectedHeader; }
    /// The settings in effect (detected unless overridden).
    char delimiter() const;
    bool hasHeader() const;
    QStringList columnNames() const { return m_columns; }
    /// Checked target columns, by index.
    QList<int> targetColumns() const;
    void setTargetColumns(const QList<int>& columns);

    /// Checks every cell of the file with the current settings; fills the problem list.
    /// True when the file imports cleanly (then spec() is ready).
    bool validate();
    /// Human-readable problems of the last validate(): "row 3, column 2 (width): ...".
    QStringList problems() const { return m_problems; }
    /// The spec of the last successful validate().
    const engine::DatasetSpec& spec() const { return m_spec; }

    /// Table: one sample per row (source "csv"). TimeSeries: windows of consecutive rows ->
    /// the target H rows later, split by time (source "timeseries", TimeSeriesImportPanel).
    enum class Mode { Table, TimeSeries };
    Mode mode() const;
    void setMode(Mode mode);
    QComboBox* modeCombo() const { return m_mode; }
    TimeSeriesImportPanel* timeSeriesPanel() const { return m_series; }

    // Editors, for tests.
    QComboBox* delimiterCombo() const { return m_delimiter; }
    QComboBox* headerCombo() const { return m_header; }
    QComboBox* taskCombo() const { return m_task; }
    QComboBox* scalingCombo() const { return m_scaling; }
    QListWidget* targetList() const { return m_targets; }
    QTableWidget* previewTable() const { return m_preview; }
    QListWidget* problemList() const { return m_problemList; }
    QLabel* detectionLabel() const { return m_detection; }

public slots:
    void accept() override;

private:
    void browse();
    void detect();
    void refreshPreview();
    void refreshTargets();
    /// Bold "name (target)" headers on the target columns, columns as wide as their headers.
    void markTargetsInPreview();
    void updateTaskHint();
    std::vector<QStringList> splitLines(int maxRows) const;
    engine::CsvOptions csvOptions() const;

    QString m_projectDir;
    QString m_file;
    QString m_head; ///< the first lines of the file (for preview and detection)
    char m_detectedDelimiter = ',';
    bool m_detectedHeader = false;
    QStringList m_columns;
    QStringList m_problems;
    engine::DatasetSpec m_spec;
    QComboBox* m_mode = nullptr;
    TimeSeriesImportPanel* m_series = nullptr;
    QWidget* m_seriesBox = nullptr;
    void updateMode();
    bool validateTimeSeries();

    QLineEdit* m_path;
    QLabel* m_detection;
    QComboBox* m_delimiter;
    QComboBox* m_header;
    QTableWidget* m_preview;
    QListWidget* m_targets;
    QComboBox* m_task;
    QComboBox* m_scaling;
    QLabel* m_taskHint;
    QListWidget* m_problemList;
};

} // namespace widgets

#pragma once

#include "data/DatasetSpec.h"
#include "data/TimeSeriesCsv.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

class QBoxLayout;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QSpinBox;
class QTableWidget;

namespace widgets {

/// The "Time series" mode of the CSV import dialog: which columns are inputs (the targets are
/// the dialog's), the window length T, the horizon H and the validation fraction (the last part
/// of the series), with a preview of the first windows {T, F} -> target as the engine cuts them
/// from the file's first lines.
///
/// The dialog owns the file: it calls setSource() after detecting delimiter and header and
/// setTargets() when its target list changes; both refresh the preview.
class TimeSeriesImportPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kPreviewWindows = 8;
    static constexpr int kMinColumnWidth = 72; ///< preview columns, in pixels

    explicit TimeSeriesImportPanel(QWidget* parent = nullptr);

    /// The file's column names, its first lines, and the delimiter and header in effect.
    void setSource(const QStringList& columns, const QString& head, char delimiter, bool header);
    void setTargets(const QList<int>& targets);
    /// Checked input columns by index; none checked means "the targets".
    QList<int> inputColumns() const;
    void setInputColumns(const QList<int>& columns);

    /// Moves the window preview with its note to the end of `preview` (stretch 1), e.g. a
    /// column of a dialog beside the panel's settings. The panel keeps filling it; the caller
    /// shows and hides previewPart() from then on.
    void placePreview(QBoxLayout* preview);
    QWidget* previewPart() const { return m_previewPart; }

    /// The engine options for the current settings (scaling "none": the dialog adds its own).
    engine::TimeSeriesOptions options() const;
    /// Reads the whole file as training will. On success returns "" and fills `spec` (source
    /// "timeseries", `path` as given, options with the scaling statistics of the training part)
    /// and `summary` ("1,155 training windows ..."); else the engine's message, which names the
    /// file, row and column.
    QString validate(const QString& file, const std::string& specPath, const std::string& scaling,
        engine::DatasetSpec& spec, QString& summary) const;

    // Editors, for tests.
    QListWidget* inputList() const { return m_inputs; }
    QSpinBox* windowSpin() const { return m_window; }
    QSpinBox* horizonSpin() const { return m_horizon; }
    QDoubleSpinBox* validationSpin() const { return m_validation; }
    QTableWidget* windowPreview() const { return m_preview; }
    /// Says why there is no preview, or how many windows the whole file gives.
    QLabel* previewNote() const { return m_note; }

signals:
    void settingsChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refreshPreview();
    void setNote(const QString& text);
    void fitNote();
    std::vector<std::string> columnKeys(const QList<int>& columns) const;

    QStringList m_columns;
    QString m_head;
    char m_delimiter = ',';
    bool m_header = false;
    QList<int> m_targets;

    QWidget* m_previewPart;
    QListWidget* m_inputs;
    QSpinBox* m_window;
    QSpinBox* m_horizon;
    QDoubleSpinBox* m_validation;
    QTableWidget* m_preview;
    QLabel* m_note;
};

} // namespace widgets

#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QWidget>

#include <optional>

class QCustomPlot;

namespace widgets {

/// Counts of (actual, predicted) classes on the validation set, shaded by the share of each
/// actual class, with the accuracy in the title. Painted by hand: a table of numbers reads
/// better than a colour map here.
class ConfusionMatrixView : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// actual,predicted,actual_name,predicted_name,count rows, one per cell. The picture is
    /// the whole view (painted by hand).
    QString csvText() const override;
    QCustomPlot* picturePlot() const override;
    const std::optional<ConfusionMatrix>& matrix() const { return m_matrix; }
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<ConfusionMatrix> m_matrix;
    bool m_classification = true;
};

} // namespace widgets

#pragma once

#include "training/TrainingView.h"

#include <QWidget>

#include <optional>

class QCustomPlot;
class QLabel;

namespace widgets {

class AutoencoderRunner;
struct AutoencoderResult;

/// "Latent space": the 2-D codes of validation samples in an autoencoder whose bottleneck (the
/// narrowest Dense layer, engine::autoencoderBottleneck) has exactly 2 units, as a scatter plot
/// coloured by class with a legend of class names, live from the snapshots' weights. The network
/// runs on an AutoencoderRunner; nothing is computed while the view is hidden.
class LatentSpaceView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    static constexpr long kMaxPoints = 2000; ///< samples plotted (the first of the set)
    /// Room left on each side of the codes' extent, as a fraction of that extent.
    static constexpr double kRangeMargin = 0.06;

    explicit LatentSpaceView(QWidget* parent = nullptr);
    ~LatentSpaceView() override;

    /// The 2-unit bottleneck of `project`'s network, checked with `context` (or the Input
    /// node's own shape when absent); nullopt when there is none.
    static std::optional<engine::NodeId> twoUnitBottleneck(
        const engine::Project& project, const std::optional<engine::GraphContext>& context);
    /// An autoencoder session whose network has a 2-unit bottleneck.
    static bool appliesTo(const TrainingSessionInfo& info);

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// Samples plotted by the last result (0 before one).
    long pointCount() const { return m_codes.cols(); }
    /// The last codes, 2 x pointCount().
    const engine::Matrix& codes() const { return m_codes; }
    /// Class of plotted sample i (-1 when unlabelled).
    int pointClass(long i) const;
    /// Name of the bottleneck layer ("" when the view does not apply).
    QString bottleneckName() const { return m_bottleneckName; }
    /// Legend entries, one per class present in the plotted samples.
    QStringList legendNames() const;
    QCustomPlot* plot() const { return m_plot; }
    QString message() const;

signals:
    void codesUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onResult(const AutoencoderResult& result);
    void request();
    void setMessage(const QString& text);
    /// What the view says before any session of the open project.
    static QString idleMessage();

    QLabel* m_message = nullptr;
    QCustomPlot* m_plot = nullptr;
    AutoencoderRunner* m_runner = nullptr;
    std::shared_ptr<const engine::Matrix> m_inputs;
    std::vector<int> m_labels;
    QStringList m_classNames;
    QString m_bottleneckName;
    engine::Matrix m_codes;
    bool m_dirty = false;
};

} // namespace widgets

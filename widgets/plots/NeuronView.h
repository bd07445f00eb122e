#pragma once

#include "training/TrainingView.h"

#include <QWidget>

namespace widgets {

/// Playground-style thumbnails: what each neuron of a small layer computes over the input plane
/// (blue negative, white zero, red positive, scaled per neuron), one row per layer.
class NeuronView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    explicit NeuronView(QWidget* parent = nullptr);

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;
    int layerCount() const { return int(m_layers.size()); }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<NeuronImages> m_layers;
    bool m_twoD = false;
    /// Thumbnail side that fits the widest layer into `width` (between kMinThumb and kMaxThumb).
    int thumbFor(int width) const;
    static constexpr int kMinThumb = 16;
    static constexpr int kMaxThumb = 64;
    static constexpr int kGap = 6;
    static constexpr int kLabelWidth = 124;
};

} // namespace widgets

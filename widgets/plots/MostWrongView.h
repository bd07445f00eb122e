#pragma once

#include "training/TrainingView.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

namespace widgets {

/// A gallery of the validation images an image classifier gets most wrong (the snapshot's
/// MostWrong, lowest probability of the true class first), each captioned with its true class,
/// the predicted class and that prediction's probability. The images are the session's samples.
/// Painted by hand; its height follows its width (heightForWidth), for a scroll area.
class MostWrongView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    static constexpr int kThumbnail = 56; ///< image side on screen, in pixels
    static constexpr int kMaxCellWidth = 240;

    explicit MostWrongView(QWidget* parent = nullptr);

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    const std::optional<MostWrong>& mostWrong() const { return m_mostWrong; }
    /// Gallery cells shown (entries whose image the session has).
    int cellCount() const { return int(m_cells.size()); }
    /// "true: Ankle boot / predicted: Sneaker (p=0.93)" for cell i.
    QString caption(int i) const;
    /// Where cell i (image and caption) is painted at the current width.
    QRect cellRect(int i) const;
    /// The line above the cells ("" when nothing is shown).
    QString title() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Cell {
        MostWrong::Entry entry;
        QImage image;
        QString trueLine, predictedLine;
    };
    void rebuildCells();
    QSize cellSize() const;
    int columnsFor(int width) const;

    std::shared_ptr<const engine::Matrix> m_samples;
    engine::Shape m_inputShape;
    QString m_setName;
    bool m_applies = false; ///< the session classifies images
    std::optional<MostWrong> m_mostWrong;
    std::vector<Cell> m_cells;
    int m_textWidth = 0; ///< widest caption line
};

} // namespace widgets

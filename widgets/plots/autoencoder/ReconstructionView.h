#pragma once

#include "training/TrainingView.h"

#include <QImage>
#include <QWidget>

#include <array>
#include <vector>

class QLabel;
class QSpinBox;

namespace widgets {

class AutoencoderRunner;
struct AutoencoderResult;
class ReconstructionStrip;

/// "Reconstructions": a row of validation images (for a denoising autoencoder, the noisy input
/// above the clean image) above what the network makes of them, live from the training
/// snapshots' weights, with the mean squared error of the shown images.
///
/// Applies to autoencoder sessions (TrainingSessionInfo::cleanSamples set, prediction the size of
/// the input) with image-like inputs (H x W x C with C 1 or 3, or a square number of values).
/// The network runs on an AutoencoderRunner; nothing is computed while the view is hidden.
class ReconstructionView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    static constexpr int kShown = 8; ///< images per row

    explicit ReconstructionView(QWidget* parent = nullptr);
    ~ReconstructionView() override;

    /// True when the session is an autoencoder on images.
    static bool appliesTo(const TrainingSessionInfo& info);
    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// Index of the first shown sample in the session's sample set.
    void setFirstSample(int index);
    int firstSample() const;
    QSpinBox* firstSampleBox() const { return m_first; }
    /// Samples shown (0 when the view does not apply).
    int shownCount() const;
    /// Rows drawn: "Noisy input" (denoising only), "Original", "Reconstruction".
    QStringList rowTitles() const;
    bool isDenoising() const { return m_denoising; }
    /// The images of row `row` (see rowTitles), at the data's resolution; reconstructions are
    /// empty until the first result.
    const std::vector<QImage>& rowImages(int row) const;
    /// Mean squared error per value between the shown reconstructions and the clean images
    /// (NaN before the first result).
    double shownMse() const { return m_mse; }
    /// The reconstruction of shown image i as the network output it (outputs x 1).
    engine::Matrix reconstruction(int i) const;
    /// Why nothing is shown ("" when images are shown).
    QString message() const;
    ReconstructionStrip* strip() const { return m_strip; }

signals:
    /// New reconstructions are shown.
    void reconstructionsUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void selectSamples();
    void onResult(const AutoencoderResult& result);
    void request();
    void setMessage(const QString& text);
    /// What the view says before any session of the open project.
    static QString idleMessage();
    QImage toImage(const engine::Matrix& column) const;

    QSpinBox* m_first = nullptr;
    QLabel* m_caption = nullptr;
    QLabel* m_message = nullptr;
    ReconstructionStrip* m_strip = nullptr;
    AutoencoderRunner* m_runner = nullptr;

    std::shared_ptr<const engine::Matrix> m_samples;
    std::shared_ptr<const engine::Matrix> m_clean;
    std::shared_ptr<const engine::Project> m_architecture;
    engine::GraphContext m_context;
    std::vector<int> m_labels;
    QStringList m_classNames;
    std::array<int, 3> m_geometry {0, 0, 0}; ///< width, height, channels
    float m_lo = 0, m_hi = 1; ///< value range drawn black..white (the clean data's)
    bool m_denoising = false;
    bool m_dirty = false;
    engine::Matrix m_shownClean; ///< clean images of the shown samples, features x kShown
    std::shared_ptr<const engine::Matrix> m_shownInputs; ///< what the network is given
    engine::Matrix m_reconstruction;
    double m_mse = 0;
    std::vector<std::vector<QImage>> m_rows;
    QStringList m_rowTitles;
    QStringList m_captions; ///< per shown image (class name or index)
};

/// Paints a ReconstructionView's rows: a title column, then the images scaled by whole pixels.
class ReconstructionStrip : public QWidget {
    Q_OBJECT
public:
    explicit ReconstructionStrip(QWidget* parent = nullptr);
    void setRows(const QStringList* titles, const std::vector<std::vector<QImage>>* rows,
        const QStringList* captions);
    /// Where image `column` of row `row` is drawn (invalid when there is none).
    QRect imageRect(int row, int column) const;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int titleWidth() const;
    int side(int width) const; ///< drawn image side for a strip `width` wide

    const QStringList* m_titles = nullptr;
    const std::vector<std::vector<QImage>>* m_rows = nullptr;
    const QStringList* m_captions = nullptr;
    static constexpr int kGap = 6;
    static constexpr int kMargin = 6;
};

} // namespace widgets

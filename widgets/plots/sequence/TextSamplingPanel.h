#pragma once

#include "training/TrainingView.h"

#include <QHash>
#include <QWidget>

#include <atomic>
#include <memory>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace widgets {

class SequenceModelRunner;

/// "Sample text" (datasets with a vocabulary, e.g. char_text): generates N tokens from a seed
/// string with the current weights. Each step feeds the last T tokens (the seed's first token
/// repeated in front while there are fewer) as the network's input, takes the logits of the
/// next token (the last step's block when the network outputs every step), divides them by the
/// temperature, and samples from their softmax; temperature 0 picks the most likely token.
///
/// Inputs are encoded as the dataset does: one token id per step ({T} or {T, 1}, for an
/// Embedding) or one-hot ({T, V}), then scaled like the training inputs. Generation runs on a
/// background thread (SequenceModelRunner) and streams its text into the panel; Generate again
/// or Stop cancels it, so the UI never waits.
class TextSamplingPanel : public QWidget, public TrainingView {
    Q_OBJECT
public:
    explicit TextSamplingPanel(QWidget* parent = nullptr);
    ~TextSamplingPanel() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;
    /// The session's dataset has a vocabulary (the tab applies).
    bool applies() const { return m_applies; }

    void setSeedText(const QString& text);
    void setLength(int tokens);
    void setTemperature(double t);
    double temperature() const;
    /// Random seed of the sampler (each Generate with the same seed and weights repeats).
    void setRandomSeed(std::uint64_t seed) { m_randomSeed = seed; }

    /// Starts generating; false with message() set when the seed cannot be encoded or there
    /// are no weights yet.
    bool generate();
    void stopGenerating();
    bool isGenerating() const { return m_generating; }
    /// The generated text so far (without the seed).
    QString generatedText() const { return m_generated; }
    QString message() const;

    QLineEdit* seedEdit() const { return m_seed; }
    QSlider* temperatureSlider() const { return m_tempSlider; }
    QDoubleSpinBox* temperatureBox() const { return m_tempBox; }
    QPushButton* generateButton() const { return m_generate; }
    QPlainTextEdit* output() const { return m_output; }

signals:
    /// Generation ended (all tokens, stopped, or failed).
    void generationFinished();

private:
    void setMessage(const QString& text, bool error = false);
    void appendTokens(int run, const QString& text);
    void updateButtons();

    QLineEdit* m_seed = nullptr;
    QSpinBox* m_length = nullptr;
    QSlider* m_tempSlider = nullptr;
    QDoubleSpinBox* m_tempBox = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_stop = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QLabel* m_message = nullptr;
    SequenceModelRunner* m_runner = nullptr;

    bool m_applies = false;
    QStringList m_vocabulary;
    QHash<QString, int> m_tokenIds;
    engine::Shape m_inputShape;
    engine::FeatureScaling m_scaling;
    std::uint64_t m_randomSeed = 1;
    int m_run = 0; ///< increments per Generate; output of older runs is dropped
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_generating = false;
    QString m_generated;
};

} // namespace widgets

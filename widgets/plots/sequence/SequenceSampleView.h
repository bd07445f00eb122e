#pragma once

#include "training/TrainingView.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QHBoxLayout;
class QLabel;
class QSpinBox;

namespace widgets {

class SequenceModelRunner;

/// What the views that run one validation sequence through the network have in common
/// (ForecastPlot, HiddenStateView): a sample box above a plot, an info label at the right, a
/// message line for "not applicable" and errors, and a private copy of the network on a
/// background thread (SequenceModelRunner) fed with the newest snapshot's weights.
///
/// Nothing is computed while the view is hidden: request() marks the view dirty and a later
/// showEvent() catches up. Subclasses build the job in submitRequest(), called only when the
/// view is visible, applies, has weights and the sample index is valid.
class SequenceSampleView : public QWidget, public TrainingView {
    Q_OBJECT
public:
    ~SequenceSampleView() override;

    /// Feeds the runner with every snapshot that carries weights, and asks for a new result.
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;
    /// The session suits this view (its tab applies).
    bool applies() const { return m_applies; }

    void setSample(int index);
    int sampleCount() const;
    QSpinBox* sampleBox() const { return m_sampleBox; }
    QCustomPlot* plot() const { return m_plot; }
    /// The sample of the result shown, -1 before one.
    int resultSample() const { return m_resultSample; }
    /// The message line's text ("" when hidden).
    QString message() const;

protected:
    /// `sampleLabel` names the sample box ("&Window:"); `sampleToolTip` has %1 for the set's
    /// name and %2 for its size; `notApplicable` is the message while the session does not suit.
    SequenceSampleView(const QString& sampleLabel, const QString& sampleToolTip,
        const QString& notApplicable, QWidget* parent);

    /// Adds a control to the top row, after the sample box.
    void addControl(QWidget* control);
    /// Starts the runner's session and sets up the sample box for info.samples when `applies`,
    /// showing `waiting` until the first result; otherwise clears them and shows the
    /// not-applicable message. Call first from the subclass's startSession().
    void beginSession(const TrainingSessionInfo& info, bool applies, const QString& waiting);

    /// Asks for a result for the current sample now, or when the view is next shown.
    void request();
    /// Submits the job for sample `index` of samples() to runner().
    virtual void submitRequest(int index) = 0;

    void setMessage(const QString& text);
    void setInfo(const QString& text);
    void setResultSample(int index) { m_resultSample = index; }
    const std::shared_ptr<const engine::Matrix>& samples() const { return m_samples; }
    SequenceModelRunner* runner() const { return m_runner; }

    void showEvent(QShowEvent* event) override;

private:
    QSpinBox* m_sampleBox = nullptr;
    QHBoxLayout* m_top = nullptr;
    int m_controls = 0;
    QLabel* m_info = nullptr;
    QLabel* m_message = nullptr;
    QCustomPlot* m_plot = nullptr;
    SequenceModelRunner* m_runner = nullptr;
    QString m_sampleToolTip;
    QString m_notApplicable;

    std::shared_ptr<const engine::Matrix> m_samples;
    bool m_applies = false;
    bool m_dirty = false;
    int m_resultSample = -1;
};

} // namespace widgets

#include "plots/sequence/SequenceSampleView.h"

#include "plots/PlotTheme.h"
#include "plots/sequence/SequenceModelRunner.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace widgets {

SequenceSampleView::SequenceSampleView(const QString& sampleLabel, const QString& sampleToolTip,
    const QString& notApplicable, QWidget* parent)
    : QWidget(parent)
    , m_runner(new SequenceModelRunner(this))
    , m_sampleToolTip(sampleToolTip)
    , m_notApplicable(notApplicable)
{
    m_sampleBox = new QSpinBox(this);
    m_sampleBox->setRange(0, 0);
    m_sampleBox->setEnabled(false);
    auto* label = new QLabel(sampleLabel, this);
    label->setBuddy(m_sampleBox);
    m_info = new QLabel(this);
    m_top = new QHBoxLayout;
    m_top->addWidget(label);
    m_top->addWidget(m_sampleBox);
    m_top->addStretch(1);
    m_top->addWidget(m_info);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    // A short dock squeezes the plot, never the wrapped message (it would lose lines).
    m_message->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    m_plot = new QCustomPlot(this);
    PlotTheme::follow(m_plot);
    m_plot->setMinimumSize(240, 160);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_top);
    layout->addWidget(m_message);
    layout->addWidget(m_plot, 1);
    setMessage(m_notApplicable);

    connect(m_sampleBox, &QSpinBox::valueChanged, this, [this] { request(); });
}

SequenceSampleView::~SequenceSampleView() = default;

void SequenceSampleView::addControl(QWidget* control)
{
    m_top->insertWidget(2 + m_controls++, control);
}

int SequenceSampleView::sampleCount() const
{
    return m_samples ? int(m_samples->cols()) : 0;
}

void SequenceSampleView::setSample(int index)
{
    m_sampleBox->setValue(index);
}

void SequenceSampleView::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString SequenceSampleView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void SequenceSampleView::setInfo(const QString& text)
{
    m_info->setText(text);
}

void SequenceSampleView::beginSession(
    const TrainingSessionInfo& info, bool applies, const QString& waiting)
{
    m_resultSample = -1;
    m_applies = applies && info.samples && info.samples->cols() > 0;
    m_runner->startSession(info);
    if (!m_applies) {
        m_samples.reset();
        m_sampleBox->setEnabled(false);
        setMessage(m_notApplicable);
        return;
    }
    m_samples = info.samples;
    {
        QSignalBlocker block(m_sampleBox);
        m_sampleBox->setRange(0, sampleCount() - 1);
        m_sampleBox->setEnabled(true);
    }
    m_sampleBox->setToolTip(m_sampleToolTip.arg(info.sampleSetName).arg(info.sampleSetSize));
    setMessage(waiting);
}

void SequenceSampleView::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void SequenceSampleView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || !m_applies)
        return;
    m_runner->setWeights(s.weights);
    request();
}

void SequenceSampleView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        request();
    m_plot->replot();
}

void SequenceSampleView::request()
{
    m_dirty = true;
    const int i = m_sampleBox->value();
    if (!isVisible() || !m_applies || !m_runner->isReady() || i < 0 || i >= sampleCount())
        return;
    m_dirty = false;
    submitRequest(i);
}

} // namespace widgets

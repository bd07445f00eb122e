#include "training/TrainingProgressWidget.h"

#include "common/FontSizing.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <cmath>

namespace widgets {

namespace {
constexpr int kTextIntervalMs = 250;

/// Word-wrapped, wraps only where its layout gives it less than one line's width: a wrapped
/// QLabel's own size hint asks for a narrower, squarer block, two lines even where one fits.
class WrapWhenNarrowLabel : public QLabel {
public:
    using QLabel::QLabel;

    QSize sizeHint() const override
    {
        const int margins
            = 2 * (margin() + frameWidth()) + contentsMargins().left() + contentsMargins().right();
        const int oneLine = fontMetrics().horizontalAdvance(text()) + margins;
        return QSize(oneLine, heightForWidth(oneLine));
    }
};

} // namespace

QString formatDuration(double seconds)
{
    if (!(seconds >= 0))
        return QStringLiteral("–");
    const long s = std::lround(seconds);
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

TrainingProgressWidget::TrainingProgressWidget(TrainingController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_bar(new QProgressBar(this))
    , m_label(new WrapWhenNarrowLabel(this))
{
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_bar->setTextVisible(false);
    // A slim bar beside the text, in proportion to the font (presentation mode enlarges it).
    followFont(m_bar, [this] {
        m_bar->setMaximumWidth(charsWidth(m_bar, 22));
        m_bar->setMaximumHeight(m_bar->fontMetrics().height() * 4 / 5);
    });
    m_bar->setToolTip(tr("Progress over all epochs of the run"));
    showIdleText();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_label, 1);
    connect(
        controller, &TrainingController::snapshotReady, this, &TrainingProgressWidget::onSnapshot);
    connect(controller, &TrainingController::stateChanged, this, &TrainingProgressWidget::onState);
    connect(controller, &TrainingController::progressCleared, this,
        &TrainingProgressWidget::showIdleText);
    connect(controller, &TrainingController::longRunWarning, this, [this](const QString& text) {
        m_warning = tr("Warning: %1").arg(text);
        m_label->setText(m_label->text() + QStringLiteral(" · ") + m_warning);
    });
}

void TrainingProgressWidget::showIdleText()
{
    // A project opened with stored weights is trained: say how, with a full bar.
    const QString stored = m_controller->idleSummary();
    m_bar->setValue(stored.isEmpty() ? 0 : m_bar->maximum());
    m_label->setText(stored.isEmpty() ? tr("Not trained") : stored);
    m_sinceText.invalidate();
    m_warning.clear();
}

void TrainingProgressWidget::setTextWraps(bool wraps)
{
    m_label->setWordWrap(wraps);
}

QString TrainingProgressWidget::text() const
{
    return m_label->text();
}

int TrainingProgressWidget::value() const
{
    return m_bar->value();
}

void TrainingProgressWidget::onSnapshot(const TrainingSnapshot& s)
{
    const double fraction = s.totalEpochs > 0 ? s.progressX / s.totalEpochs : 0.0;
    m_bar->setValue(int(std::lround(1000 * std::clamp(fraction, 0.0, 1.0))));
    // A new text lays out the whole window again (the label's size follows its text), and
    // numbers changing faster than a few times a second cannot be read anyway.
    if (s.trigger == SnapshotTrigger::Progress && m_sinceText.isValid()
        && m_sinceText.elapsed() < kTextIntervalMs)
        return;
    m_sinceText.start();
    QString text = tr("Epoch %1/%2")
                       .arg(std::min(s.epoch + 1, std::max(1, s.totalEpochs)))
                       .arg(s.totalEpochs);
    if (s.batchesPerEpoch > 0)
        text += tr(", batch %1/%2").arg(s.batch).arg(s.batchesPerEpoch);
    if (s.samplesPerSecond > 0)
        text += tr(" · %1 samples/s").arg(s.samplesPerSecond, 0, 'f', 0);
    if (s.finished) {
        text = tr("Epoch %1/%2 · %3").arg(s.epoch).arg(s.totalEpochs).arg(s.message);
        m_warning.clear(); // the run it was about is over
    } else if (s.etaSeconds >= 0 && m_controller->state() == TrainingController::State::Running) {
        text += tr(" · ETA %1").arg(formatDuration(s.etaSeconds));
    }
    if (!m_warning.isEmpty())
        text += QStringLiteral(" · ") + m_warning;
    m_label->setText(text);
}

void TrainingProgressWidget::onState(TrainingController::State state)
{
    if (state != TrainingController::State::Paused)
        return;
    const QString warning = m_warning.isEmpty() ? QString() : QStringLiteral(" · ") + m_warning;
    QString text = m_label->text();
    if (!warning.isEmpty() && text.endsWith(warning))
        text.chop(warning.size());
    m_label->setText(text.section(QStringLiteral(" · ETA"), 0, 0) + tr(" · paused") + warning);
}

} // namespace widgets

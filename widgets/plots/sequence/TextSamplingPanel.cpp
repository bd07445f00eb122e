#include "plots/sequence/TextSamplingPanel.h"

#include "graph/Graph.h"
#include "plots/sequence/SequenceModelRunner.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace widgets {

namespace {

/// Streamed to the GUI thread every this many tokens.
constexpr int kFlushTokens = 16;

} // namespace

TextSamplingPanel::TextSamplingPanel(QWidget* parent)
    : QWidget(parent)
    , m_runner(new SequenceModelRunner(this))
{
    m_seed = new QLineEdit(this);
    m_seed->setPlaceholderText(tr("text the network continues"));
    m_seed->setText(QStringLiteral("the "));
    m_length = new QSpinBox(this);
    m_length->setRange(1, 5000);
    m_length->setValue(200);
    m_length->setSuffix(tr(" characters"));
    m_tempSlider = new QSlider(Qt::Horizontal, this);
    m_tempSlider->setRange(0, 200);
    m_tempSlider->setValue(80);
    m_tempSlider->setToolTip(tr("Low: likely, repetitive text; high: surprising, noisy text"));
    m_tempBox = new QDoubleSpinBox(this);
    m_tempBox->setRange(0.0, 2.0);
    m_tempBox->setSingleStep(0.05);
    m_tempBox->setDecimals(2);
    m_tempBox->setValue(0.8);
    m_tempBox->setToolTip(tr("Temperature: logits are divided by it; 0 always picks the most "
                             "likely character"));
    connect(m_tempSlider, &QSlider::valueChanged, this, [this](int v) {
        const QSignalBlocker block(m_tempBox);
        m_tempBox->setValue(v / 100.0);
    });
    connect(m_tempBox, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        const QSignalBlocker block(m_tempSlider);
        m_tempSlider->setValue(int(std::lround(v * 100)));
    });
    m_generate = new QPushButton(tr("&Generate"), this);
    m_stop = new QPushButton(tr("Sto&p"), this);
    connect(m_generate, &QPushButton::clicked, this, [this] { generate(); });
    connect(m_seed, &QLineEdit::returnPressed, this, [this] { generate(); });
    connect(m_stop, &QPushButton::clicked, this, &TextSamplingPanel::stopGenerating);

    auto* form = new QFormLayout;
    form->addRow(tr("&Seed:"), m_seed);
    auto* tempRow = new QHBoxLayout;
    tempRow->addWidget(m_tempSlider, 1);
    tempRow->addWidget(m_tempBox);
    form->addRow(tr("&Temperature:"), tempRow);
    form->addRow(tr("&Length:"), m_length);
    // The buttons get a row of their own: this page's minimum width also holds the other
    // training views' tabs (a tab stack is as wide as its widest page), so keep it narrow.
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_generate);
    buttons->addWidget(m_stop);

    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addWidget(m_output, 1);
    setMessage(tr("Text sampling needs a dataset with a vocabulary (e.g. char_text)."));
    updateButtons();
}

TextSamplingPanel::~TextSamplingPanel()
{
    if (m_cancel)
        *m_cancel = true;
}

void TextSamplingPanel::setMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    m_message->setStyleSheet(
        error ? QStringLiteral("color: #b2182b; font-weight: bold;") : QString());
}

QString TextSamplingPanel::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void TextSamplingPanel::updateButtons()
{
    m_generate->setEnabled(m_applies);
    m_stop->setEnabled(m_generating);
}

void TextSamplingPanel::startSession(const TrainingSessionInfo& info)
{
    stopGenerating();
    m_vocabulary = info.vocabulary;
    m_tokenIds.clear();
    for (int i = 0; i < m_vocabulary.size(); ++i)
        m_tokenIds.insert(m_vocabulary[i], i);
    m_inputShape = info.context.inputShape;
    m_scaling = info.scaling;
    const int features = m_inputShape.stepFeatures();
    m_applies = info.sequence && !m_vocabulary.isEmpty() && info.architecture
        && m_inputShape.rank() >= 1 && m_inputShape.rank() <= 2
        && (features == 1 || features == m_vocabulary.size());
    m_runner->startSession(info);
    if (m_applies)
        setMessage(tr("Train or step the network once, then Generate: %1 characters in the "
                      "vocabulary, windows of %2.")
                       .arg(m_vocabulary.size())
                       .arg(m_inputShape.steps()));
    else if (!m_vocabulary.isEmpty())
        setMessage(tr("Text sampling needs inputs of one token id or one one-hot vector per "
                      "step; this network's input is %1.")
                       .arg(QString::fromStdString(m_inputShape.toString())));
    else
        setMessage(tr("Text sampling needs a dataset with a vocabulary (e.g. char_text)."));
    updateButtons();
}

void TextSamplingPanel::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void TextSamplingPanel::addSnapshot(const TrainingSnapshot& s)
{
    if (s.weights && m_applies)
        m_runner->setWeights(s.weights);
}

void TextSamplingPanel::setSeedText(const QString& text)
{
    m_seed->setText(text);
}

void TextSamplingPanel::setLength(int tokens)
{
    m_length->setValue(tokens);
}

void TextSamplingPanel::setTemperature(double t)
{
    m_tempBox->setValue(t);
}

double TextSamplingPanel::temperature() const
{
    return m_tempBox->value();
}

void TextSamplingPanel::stopGenerating()
{
    if (m_cancel)
        *m_cancel = true;
    m_cancel.reset();
    ++m_run;
    if (m_generating) {
        m_generating = false;
        updateButtons();
        emit generationFinished();
    }
}

bool TextSamplingPanel::generate()
{
    stopGenerating();
    if (!m_applies)
        return false;
    if (!m_runner->isReady()) {
        setMessage(tr("No weights yet: train or step the network once."), true);
        return false;
    }
    // Tokens are single characters or longer strings: match the longest token at each place.
    const QString seed = m_seed->text();
    if (seed.isEmpty()) {
        setMessage(tr("Seed: type at least one character."), true);
        return false;
    }
    int longest = 1;
    for (const QString& t : std::as_const(m_vocabulary))
        longest = std::max(longest, int(t.size()));
    std::vector<int> tokens;
    for (int pos = 0; pos < seed.size();) {
        int found = -1, len = 0;
        for (int n = std::min<int>(longest, int(seed.size()) - pos); n >= 1 && found < 0; --n) {
            const auto it = m_tokenIds.constFind(seed.mid(pos, n));
            if (it != m_tokenIds.cend()) {
                found = *it;
                len = n;
            }
        }
        if (found < 0) {
            setMessage(tr("Seed: '%1' at position %2 is not in the vocabulary (%3 characters; "
                          "char_text is lower case).")
                           .arg(seed.mid(pos, 1))
                           .arg(pos + 1)
                           .arg(m_vocabulary.size()),
                true);
            return false;
        }
        tokens.push_back(found);
        pos += len;
    }

    const int run = ++m_run;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_generating = true;
    m_generated.clear();
    m_output->setPlainText(seed);
    setMessage({});
    updateButtons();

    const int steps = m_inputShape.steps();
    const int features = m_inputShape.stepFeatures();
    const int vocab = int(m_vocabulary.size());
    const int count = m_length->value();
    const double temp = m_tempBox->value();
    QPointer<TextSamplingPanel> self(this);
    m_runner->submit(
        [self, run, cancel = m_cancel, tokens, steps, features, vocab, count, temp,
            scaling = m_scaling, vocabulary = m_vocabulary,
            rngSeed = m_randomSeed](engine::Graph& g) mutable {
            std::mt19937_64 rng(rngSeed);
            engine::Matrix input(long(steps) * features, 1);
            std::vector<double> p(static_cast<std::size_t>(vocab));
            QString chunk;
            for (int n = 0; n < count && !*cancel; ++n) {
                input.setZero();
                const long have = long(tokens.size());
                for (int s = 0; s < steps; ++s) {
                    const long k = have - steps + s;
                    const int id = tokens[std::size_t(std::max(0L, k))];
                    if (features == 1)
                        input(s, 0) = engine::Scalar(id);
                    else
                        input(long(s) * features + id, 0) = 1;
                }
                if (!scaling.isIdentity())
                    scaling.apply(input);
                const engine::Matrix& out = SequenceModelRunner::forward(g, input);
                if (out.rows() < vocab)
                    throw std::runtime_error("the network outputs " + std::to_string(out.rows())
                        + " values per sample, fewer than the " + std::to_string(vocab)
                        + " characters of the vocabulary");
                // The last `vocab` rows: the whole output, or the last step's block.
                const long base = out.rows() - vocab;
                int next = 0;
                if (temp <= 1e-6) {
                    out.col(0).segment(base, vocab).maxCoeff(&next);
                } else {
                    const double top = double(out.col(0).segment(base, vocab).maxCoeff());
                    for (int v = 0; v < vocab; ++v)
                        p[std::size_t(v)] = std::exp((double(out(base + v, 0)) - top) / temp);
                    std::discrete_distribution<int> pick(p.begin(), p.end());
                    next = pick(rng);
                }
                tokens.push_back(next);
                chunk += vocabulary[next];
                if (chunk.size() >= kFlushTokens || n + 1 == count) {
                    QMetaObject::invokeMethod(self.data(), [self, run, chunk] {
                        if (self)
                            self->appendTokens(run, chunk);
                    });
                    chunk.clear();
                }
            }
        },
        [this, run](const QString& error) {
            if (run != m_run)
                return;
            if (!error.isEmpty())
                setMessage(tr("Cannot generate: %1").arg(error), true);
            else
                setMessage(tr("%1 characters at temperature %2.")
                               .arg(m_generated.size())
                               .arg(m_tempBox->value(), 0, 'g', 3));
            m_generating = false;
            m_cancel.reset();
            updateButtons();
            emit generationFinished();
        });
    return true;
}

void TextSamplingPanel::appendTokens(int run, const QString& text)
{
    if (run != m_run)
        return;
    m_generated += text;
    m_output->moveCursor(QTextCursor::End);
    m_output->insertPlainText(text);
}

} // namespace widgets

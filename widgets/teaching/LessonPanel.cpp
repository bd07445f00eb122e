#include "teaching/LessonPanel.h"

#include "common/FontSizing.h"
#include "common/WrappingScrollArea.h"
#include "inspector/Inspector.h"
#include "inspector/ProjectSettingsPanel.h"
#include "plots/TrainingPanel.h"
#include "training/TrainingController.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace widgets {

namespace {

const QChar kTick(0x2713); // ✓
const QChar kCross(0x2717); // ✗
const QChar kPending(0x25CB); // ○

QLabel* wrapped(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

/// The settings panel's form label for a locked training/dataset path.
QString labelForPath(const std::string& path)
{
    static const std::map<std::string, QString> labels {
        {"dataset.generator", QStringLiteral("Generator:")},
        {"dataset.samples", QStringLiteral("Samples:")},
        {"dataset.noise", QStringLiteral("Noise:")},
        {"dataset.seed", QStringLiteral("Data seed:")},
        {"training.optimizer.type", QStringLiteral("Type:")},
        {"training.optimizer.learningRate", QStringLiteral("Learning rate:")},
        {"training.optimizer.momentum", QStringLiteral("Momentum:")},
        {"training.optimizer.l1", QStringLiteral("L1:")},
        {"training.optimizer.l2", QStringLiteral("L2:")},
        {"training.batchSize", QStringLiteral("Batch size:")},
        {"training.epochs", QStringLiteral("Epochs:")},
        {"training.validationSplit", QStringLiteral("Validation split:")},
        {"training.testSplit", QStringLiteral("Test split:")},
        {"training.seed", QStringLiteral("Seed:")},
    };
    auto it = labels.find(path);
    return it == labels.end() ? QString() : it->second;
}

/// The field next to the label `text` in any form layout under `root`.
QWidget* fieldByLabel(QWidget* root, const QString& text)
{
    for (QFormLayout* form : root->findChildren<QFormLayout*>()) {
        for (int row = 0; row < form->rowCount(); ++row) {
            auto* labelItem = form->itemAt(row, QFormLayout::LabelRole);
            auto* fieldItem = form->itemAt(row, QFormLayout::FieldRole);
            auto* label = labelItem ? qobject_cast<QLabel*>(labelItem->widget()) : nullptr;
            if (label && fieldItem && fieldItem->widget() && label->text() == text)
                return fieldItem->widget();
        }
    }
    return nullptr;
}

} // namespace

LessonPanel::LessonPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("LessonPanel"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new WrappingScrollArea(this);
    outer->addWidget(scroll);
    m_content = new QWidget;
    m_layout = new QVBoxLayout(m_content);
    m_layout->setContentsMargins(10, 8, 10, 8);
    m_layout->setSpacing(6);
    setMinimumWidth(260);
    scroll->setContent(m_content);
    rebuild();
}

void LessonPanel::setTrainingController(TrainingController* controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (!controller)
        return;
    connect(controller, &TrainingController::sessionStarted, this, &LessonPanel::onSession);
    connect(controller, &TrainingController::snapshotReady, this, &LessonPanel::onSnapshot);
}

void LessonPanel::setInspector(Inspector* inspector)
{
    m_inspector = inspector;
    applyLocks();
}

void LessonPanel::setTrainingPanel(TrainingPanel* panel)
{
    m_trainingPanel = panel;
    applyLocks();
}

void LessonPanel::setLesson(const engine::LessonFile& file, const QString& baseDir)
{
    m_file = file;
    m_baseDir = baseDir;
    m_hasLesson = true;
    m_current.clear();
    m_runVariant.clear();
    m_metrics.clear();
    rebuild();
    applyLocks();
}

void LessonPanel::clear()
{
    m_file = {};
    m_hasLesson = false;
    m_current.clear();
    m_metrics.clear();
    unlockAll();
    rebuild();
}

void LessonPanel::setCurrentVariant(const QString& id)
{
    m_current = id;
    if (m_currentLabel)
        m_currentLabel->setText(tr("Open now: %1").arg(variantTitle(id)));
    updateVariantButtons();
    applyLocks();
}

QString LessonPanel::variantTitle(const QString& id) const
{
    if (id.isEmpty())
        return QString::fromStdString(
            m_file.project.name.empty() ? m_file.lesson.title : m_file.project.name);
    const engine::LessonVariant* v = m_file.lesson.findVariant(id.toStdString());
    return v ? QString::fromStdString(v->title) : id;
}

bool LessonPanel::loadVariant(const QString& id, engine::Project& out, QString& error) const
{
    if (id.isEmpty()) {
        out = m_file.project;
        return true;
    }
    const engine::LessonVariant* v = m_file.lesson.findVariant(id.toStdString());
    if (!v) {
        error = tr("The lesson has no variant \"%1\".").arg(id);
        return false;
    }
    const QString path = QDir(m_baseDir).filePath(QString::fromStdString(v->project));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = tr("%1: cannot read the variant's project: %2").arg(path, f.errorString());
        return false;
    }
    try {
        out = engine::Project::fromJson(nlohmann::json::parse(f.readAll().toStdString()));
    } catch (const std::exception& e) {
        error = QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

bool LessonPanel::checkPassed(int index) const
{
    return index >= 0 && index < int(m_checkRows.size()) && m_checkRows[index].passed;
}

QPushButton* LessonPanel::variantButton(const QString& id) const
{
    auto it = m_variantButtons.find(id);
    return it == m_variantButtons.end() ? nullptr : it->second;
}

const engine::LessonMetrics* LessonPanel::metricsFor(const QString& id) const
{
    auto it = m_metrics.find(id);
    return it == m_metrics.end() ? nullptr : &it->second;
}

void LessonPanel::rebuild()
{
    // Widgets are rebuilt as a whole: a lesson changes only when another one is opened.
    // deleteLater: rebuild() may run inside a slot of one of these widgets. Until then the old
    // widgets must not be found by name.
    while (QLayoutItem* item = m_layout->takeAt(0))
        delete item;
    for (QWidget* w : m_content->findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
        w->setObjectName(QString());
        w->hide();
        w->deleteLater();
    }
    m_checkRows.clear();
    m_prompts.clear();
    m_variantButtons.clear();
    m_currentLabel = nullptr;

    if (!m_hasLesson) {
        auto* hint = wrapped(tr("No lesson is open.\n\nChoose one from the Lessons menu or the "
                                "welcome page: each lesson opens a network, explains the idea "
                                "and ticks its checks while you train."),
            m_content);
        hint->setEnabled(false);
        m_layout->addWidget(hint);
        m_layout->addStretch(1);
        return;
    }
    const engine::Lesson& l = m_file.lesson;
    auto* title = new QLabel(QString::fromStdString(l.title), m_content);
    title->setObjectName(QStringLiteral("LessonTitle"));
    title->setWordWrap(true);
    setFontRelativeToParent(title, 1.35, true);
    m_layout->addWidget(title);

    for (const std::string& p : l.paragraphs) {
        // No contents margins: they break a word-wrapped label's height-for-width.
        m_layout->addWidget(wrapped(QString::fromStdString(p), m_content));
    }

    if (!l.steps.empty()) {
        m_layout->addWidget(heading(tr("Steps"), m_content));
        for (std::size_t i = 0; i < l.steps.size(); ++i) {
            auto* row = new QHBoxLayout;
            auto* num = new QLabel(QStringLiteral("%1.").arg(i + 1), m_content);
            num->setAlignment(Qt::AlignTop | Qt::AlignRight);
            num->setMinimumWidth(num->fontMetrics().horizontalAdvance(QStringLiteral("10.")));
            row->addWidget(num);
            row->addWidget(wrapped(QString::fromStdString(l.steps[i]), m_content), 1);
            m_layout->addLayout(row);
        }
    }

    m_layout->addWidget(heading(tr("Networks to train"), m_content));
    m_currentLabel = new QLabel(m_content);
    m_currentLabel->setWordWrap(true);
    m_layout->addWidget(m_currentLabel);
    std::vector<QString> ids {QString()};
    for (const auto& v : l.variants)
        ids.push_back(QString::fromStdString(v.id));
    for (const QString& id : ids) {
        auto* b = new QPushButton(variantTitle(id), m_content);
        b->setObjectName(QStringLiteral("LessonVariant_%1").arg(id.isEmpty() ? "main" : id));
        b->setCheckable(true);
        b->setStyleSheet(QStringLiteral("text-align: left; padding: 4px 8px;"));
        setFontRelativeToParent(b, 1.0);
        connect(b, &QPushButton::clicked, this, [this, id] {
            updateVariantButtons(); // keep the checked state until the window confirms
            emit variantRequested(id);
        });
        m_variantButtons[id] = b;
        m_layout->addWidget(b);
    }

    if (!l.checks.empty()) {
        m_layout->addWidget(heading(tr("Checks"), m_content));
        auto* grid = new QVBoxLayout;
        grid->setSpacing(4);
        for (std::size_t i = 0; i < l.checks.size(); ++i) {
            CheckRow row;
            auto* line = new QHBoxLayout;
            row.status = new QLabel(m_content);
            row.status->setObjectName(QStringLiteral("LessonCheckStatus_%1").arg(i));
            row.status->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
            setFontRelativeToParent(row.status, 1.2, true);
            row.status->setMinimumWidth(row.status->fontMetrics().horizontalAdvance(kTick) + 6);
            QString text = QString::fromStdString(engine::describeCheck(l.checks[i]));
            if (!text.isEmpty())
                text[0] = text[0].toUpper();
            row.text = wrapped(text, m_content);
            row.text->setObjectName(QStringLiteral("LessonCheckText_%1").arg(i));
            row.value = new QLabel(m_content);
            row.value->setObjectName(QStringLiteral("LessonCheckValue_%1").arg(i));
            row.value->setAlignment(Qt::AlignTop | Qt::AlignRight);
            row.value->setEnabled(false);
            line->addWidget(row.status);
            line->addWidget(row.text, 1);
            line->addWidget(row.value);
            grid->addLayout(line);
            m_checkRows.push_back(row);
        }
        m_layout->addLayout(grid);
    }

    if (!l.prompts.empty()) {
        m_layout->addWidget(heading(tr("Predict, then run"), m_content));
        for (std::size_t i = 0; i < l.prompts.size(); ++i) {
            const engine::LessonPrompt& p = l.prompts[i];
            QString q = QString::fromStdString(p.question);
            if (!p.variant.empty())
                q += QStringLiteral(" (%1)").arg(variantTitle(QString::fromStdString(p.variant)));
            m_layout->addWidget(wrapped(q, m_content));
            PromptRow row;
            row.edit = new QLineEdit(m_content);
            row.edit->setObjectName(QStringLiteral("LessonPrompt_%1").arg(i));
            row.edit->setPlaceholderText(tr("Your guess, before you train"));
            row.answer = wrapped(QString(), m_content);
            row.answer->setObjectName(QStringLiteral("LessonAnswer_%1").arg(i));
            row.answer->setVisible(false);
            row.answer->setStyleSheet(QStringLiteral(
                "QLabel { background: palette(alternate-base); border-left: 3px solid "
                "#3b82c4; padding: 4px 6px; }"));
            m_layout->addWidget(row.edit);
            m_layout->addWidget(row.answer);
            m_prompts.push_back(row);
        }
    }

    if (!l.locked.empty()) {
        m_layout->addWidget(heading(tr("Locked by the lesson"), m_content));
        for (std::size_t i = 0; i < l.locked.size(); ++i) {
            const engine::LockedSetting& lock = l.locked[i];
            QString text
                = QString::fromStdString(engine::describeSetting(m_file.project, lock.path));
            if (!text.isEmpty())
                text[0] = text[0].toUpper();
            if (!lock.reason.empty())
                text += QStringLiteral(": ") + QString::fromStdString(lock.reason);
            QLabel* label = wrapped(text, m_content);
            label->setObjectName(QStringLiteral("LessonLock_%1").arg(i));
            label->setToolTip(QString::fromStdString(lock.path));
            label->setEnabled(false);
            m_layout->addWidget(label);
        }
    }
    m_layout->addStretch(1);
    setCurrentVariant(m_current);
    updateChecks();
    updatePrompts();
}

void LessonPanel::updateVariantButtons()
{
    for (auto& [id, b] : m_variantButtons) {
        b->setChecked(id == m_current);
        const engine::LessonMetrics* m = metricsFor(id);
        b->setToolTip(m && m->finished ? tr("Trained; open it again to retrain")
                                       : tr("Open this network on the canvas"));
    }
}

void LessonPanel::onSession(const TrainingSessionInfo&)
{
    if (!m_hasLesson)
        return;
    m_runVariant = m_current;
    m_metrics[m_runVariant] = {};
    for (PromptRow& p : m_prompts)
        p.edit->setReadOnly(true);
    updateChecks();
    updatePrompts();
}

void LessonPanel::onSnapshot(const TrainingSnapshot& s)
{
    if (!m_hasLesson)
        return;
    engine::LessonMetrics& m = m_metrics[m_runVariant];
    if (s.trigger == SnapshotTrigger::Reset)
        m = {};
    for (const EpochPoint& e : s.epochs) {
        engine::LessonEpoch le;
        le.trainLoss = e.trainLoss;
        le.trainAccuracy = e.trainAccuracy;
        le.validationLoss = e.validationLoss;
        le.validationAccuracy = e.validationAccuracy;
        m.epochs.push_back(le);
    }
    if (!s.gradientNorms.empty()) {
        m.gradientNorms.clear();
        for (const GradientNorm& g : s.gradientNorms)
            m.gradientNorms.push_back(g.norm);
    }
    if (s.finished) {
        m.finished = true;
        m.diverged = s.stopReason == engine::StopReason::Diverged;
        m.earlyStopped = s.stopReason == engine::StopReason::EarlyStop;
        for (PromptRow& p : m_prompts)
            p.edit->setReadOnly(false);
    }
    updateChecks();
    if (s.finished) {
        updatePrompts();
        updateVariantButtons();
    }
}

void LessonPanel::updateChecks()
{
    const auto& checks = m_file.lesson.checks;
    for (std::size_t i = 0; i < m_checkRows.size() && i < checks.size(); ++i) {
        CheckRow& row = m_checkRows[i];
        const engine::LessonMetrics* m = metricsFor(QString::fromStdString(checks[i].variant));
        const engine::CheckResult r
            = m ? engine::evaluateCheck(checks[i], *m) : engine::CheckResult {};
        const bool failed = m && m->finished && !r.passed;
        row.status->setText(QString(r.passed ? kTick : failed ? kCross : kPending));
        row.status->setStyleSheet(r.passed ? QStringLiteral("color: #2e9a40;")
                : failed                   ? QStringLiteral("color: #c43b3b;")
                                           : QStringLiteral("color: palette(mid);"));
        row.status->setToolTip(r.passed ? tr("Reached")
                : failed                ? tr("Not reached in the last run")
                                        : tr("Not reached yet: train this network"));
        row.value->setText(r.value
                ? QString::fromStdString(engine::describeMetricValue(checks[i].metric, *r.value))
                : QString());
        if (row.passed != r.passed) {
            row.passed = r.passed;
            emit checkChanged(int(i), r.passed);
        }
    }
}

void LessonPanel::updatePrompts()
{
    const auto& prompts = m_file.lesson.prompts;
    for (std::size_t i = 0; i < m_prompts.size() && i < prompts.size(); ++i) {
        const engine::LessonMetrics* m = metricsFor(QString::fromStdString(prompts[i].variant));
        PromptRow& row = m_prompts[i];
        const bool show = m && m->finished;
        if (show) {
            const QString guess = row.edit->text().trimmed();
            row.answer->setText(tr("Your guess: %1\nAnswer: %2")
                                    .arg(guess.isEmpty() ? tr("(none)") : guess,
                                        QString::fromStdString(prompts[i].answer)));
        }
        row.answer->setVisible(show);
    }
}

void LessonPanel::lockWidget(QWidget* w, const engine::LockedSetting& lock)
{
    if (!w)
        return;
    m_locked.emplace_back(w, w->toolTip());
    w->setEnabled(false);
    w->setToolTip(
        tr("Locked by the lesson%1")
            .arg(lock.reason.empty() ? QString()
                                     : QStringLiteral(": ") + QString::fromStdString(lock.reason)));
}

void LessonPanel::unlockAll()
{
    // Newest first: an editor locked twice gets its own tooltip back, not the lock's.
    for (auto it = m_locked.rbegin(); it != m_locked.rend(); ++it) {
        if (it->first) {
            it->first->setEnabled(true);
            it->first->setToolTip(it->second);
        }
    }
    m_locked.clear();
}

void LessonPanel::applyLocks()
{
    unlockAll();
    if (!m_hasLesson)
        return;
    for (const engine::LockedSetting& lock : m_file.lesson.locked) {
        // The training panel changes these mid-run: a lock that left them open would not hold.
        if (m_trainingPanel) {
            if (lock.path == "training.optimizer.learningRate")
                lockWidget(m_trainingPanel->learningRateEdit(), lock);
            else if (lock.path == "training.optimizer.l2")
                lockWidget(m_trainingPanel->l2Edit(), lock);
            else if (lock.path == "training.batchSize")
                lockWidget(m_trainingPanel->batchSizeEdit(), lock);
        }
        if (!m_inspector)
            continue;
        const QString label = labelForPath(lock.path);
        if (!label.isEmpty()) {
            lockWidget(fieldByLabel(m_inspector->settingsPanel(), label), lock);
            continue;
        }
        // nodes[i].attributes.key: the editor exists only while the inspector shows node i.
        const std::string prefix = "nodes[";
        const auto close = lock.path.find("].attributes.");
        if (lock.path.rfind(prefix, 0) != 0 || close == std::string::npos)
            continue;
        const std::size_t index = std::stoul(lock.path.substr(prefix.size(), close));
        const std::string key = lock.path.substr(close + std::string("].attributes.").size());
        if (index < m_file.project.nodes.size()
            && m_inspector->currentNode() == m_file.project.nodes[index].id)
            lockWidget(m_inspector->editorFor(key), lock);
    }
}

} // namespace widgets

#include "teaching/SaveLessonDialog.h"

#include "core/Errors.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace widgets {

namespace {

QPlainTextEdit* textBox(const QString& placeholder, int lines)
{
    auto* e = new QPlainTextEdit;
    e->setPlaceholderText(placeholder);
    e->setTabChangesFocus(true);
    e->setMinimumHeight(e->fontMetrics().lineSpacing() * lines + 12);
    return e;
}

QStringList nonEmptyLines(const QString& text)
{
    QStringList out;
    for (const QString& l : text.split(QLatin1Char('\n')))
        out << l.trimmed();
    return out;
}

/// "a | b" -> (a, b); b empty when there is no bar.
std::pair<QString, QString> splitBar(const QString& line)
{
    const int bar = line.indexOf(QLatin1Char('|'));
    if (bar < 0)
        return {line.trimmed(), QString()};
    return {line.left(bar).trimmed(), line.mid(bar + 1).trimmed()};
}

} // namespace

SaveLessonDialog::SaveLessonDialog(
    const engine::Project& project, const engine::Lesson& initial, QWidget* parent)
    : QDialog(parent)
    , m_project(project)
{
    setWindowTitle(tr("Save as Lesson"));
    setObjectName(QStringLiteral("SaveLessonDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("A lesson is this project plus the text and checks the student "
                                "sees in the Lesson panel."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_title = new QLineEdit(
        QString::fromStdString(initial.title.empty() ? project.name : initial.title));
    m_paragraphs = textBox(tr("Explain the idea in a few short paragraphs; separate them with "
                              "an empty line."),
        5);
    m_steps = textBox(tr("One step per line, e.g. \"Press Train and watch the boundary.\""), 4);
    m_checks = textBox(tr("One per line: metric op value | label\n"
                          "validation.accuracy >= 0.95 | Accuracy reaches 95%\n"
                          "gradientRatio < 0.01\ndiverged == true"),
        4);
    m_prompts = textBox(tr("Optional, one per line: question | answer"), 2);
    m_locked = textBox(tr("Optional, one per line: path | reason, e.g.\n"
                          "training.optimizer.learningRate | The lesson compares at one rate"),
        2);
    form->addRow(tr("Title:"), m_title);
    form->addRow(tr("Paragraphs:"), m_paragraphs);
    form->addRow(tr("Steps:"), m_steps);
    form->addRow(tr("Checks:"), m_checks);
    form->addRow(tr("Predict, then run:"), m_prompts);
    form->addRow(tr("Locked settings:"), m_locked);
    layout->addLayout(form);
    auto* metrics = new QLabel(tr("Metrics: %1.").arg(QString::fromStdString([] {
        std::string s;
        for (const auto& m : engine::lessonMetricNames())
            s += (s.empty() ? "" : ", ") + m;
        return s;
    }())));
    metrics->setWordWrap(true);
    metrics->setEnabled(false);
    layout->addWidget(metrics);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("SaveLessonError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c43b3b;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SaveLessonDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SaveLessonDialog::reject);
    layout->addWidget(buttons);

    QStringList paragraphs;
    for (const auto& p : initial.paragraphs)
        paragraphs << QString::fromStdString(p);
    m_paragraphs->setPlainText(paragraphs.join(QStringLiteral("\n\n")));
    QStringList steps;
    for (const auto& s : initial.steps)
        steps << QString::fromStdString(s);
    m_steps->setPlainText(steps.join(QLatin1Char('\n')));
    QStringList checks;
    for (const auto& c : initial.checks) {
        QString value = engine::isBooleanMetric(c.metric) ? (c.value != 0 ? "true" : "false")
                                                          : QString::number(c.value);
        QString line = QStringLiteral("%1 %2 %3")
                           .arg(QString::fromStdString(c.metric),
                               QString::fromStdString(engine::comparisonSymbol(c.op)), value);
        if (!c.label.empty())
            line += QStringLiteral(" | ") + QString::fromStdString(c.label);
        checks << line;
    }
    m_checks->setPlainText(checks.join(QLatin1Char('\n')));
    QStringList prompts;
    for (const auto& p : initial.prompts)
        prompts << QString::fromStdString(p.question + " | " + p.answer);
    m_prompts->setPlainText(prompts.join(QLatin1Char('\n')));
    QStringList locked;
    for (const auto& l : initial.locked)
        locked << QString::fromStdString(l.reason.empty() ? l.path : l.path + " | " + l.reason);
    m_locked->setPlainText(locked.join(QLatin1Char('\n')));
    resize(620, 640);
}

bool SaveLessonDialog::buildLesson(engine::Lesson& out, QString& error) const
{
    nlohmann::json j;
    j["title"] = m_title->text().trimmed().toStdString();
    auto paragraphs = nlohmann::json::array();
    for (const QString& p :
        m_paragraphs->toPlainText().split(QRegularExpression(QStringLiteral("\\n\\s*\\n"))))
        if (!p.trimmed().isEmpty())
            paragraphs.push_back(p.simplified().toStdString());
    j["paragraphs"] = paragraphs;
    auto steps = nlohmann::json::array();
    for (const QString& s : nonEmptyLines(m_steps->toPlainText()))
        if (!s.isEmpty())
            steps.push_back(s.toStdString());
    j["steps"] = steps;

    auto checks = nlohmann::json::array();
    const QStringList checkLines = nonEmptyLines(m_checks->toPlainText());
    static const QRegularExpression checkRe(QStringLiteral("^(\\S+)\\s*(<=|>=|==|<|>)\\s*(\\S+)$"));
    for (int i = 0; i < checkLines.size(); ++i) {
        if (checkLines[i].isEmpty())
            continue;
        const auto [expr, label] = splitBar(checkLines[i]);
        const auto m = checkRe.match(expr);
        if (!m.hasMatch()) {
            error = tr("Checks, line %1: expected \"metric op value\" like "
                       "\"validation.accuracy >= 0.95\", got \"%2\"")
                        .arg(i + 1)
                        .arg(expr);
            return false;
        }
        nlohmann::json c {
            {"metric", m.captured(1).toStdString()}, {"op", m.captured(2).toStdString()}};
        const QString v = m.captured(3);
        bool isNumber = false;
        const double number = v.toDouble(&isNumber);
        if (v == QLatin1String("true") || v == QLatin1String("false"))
            c["value"] = v == QLatin1String("true");
        else if (isNumber)
            c["value"] = number;
        else
            c["value"] = v.toStdString(); // reported by the lesson parser below
        if (!label.isEmpty())
            c["label"] = label.toStdString();
        checks.push_back(c);
    }
    j["checks"] = checks;
    auto prompts = nlohmann::json::array();
    for (const QString& line : nonEmptyLines(m_prompts->toPlainText())) {
        if (line.isEmpty())
            continue;
        const auto [q, a] = splitBar(line);
        prompts.push_back({{"question", q.toStdString()}, {"answer", a.toStdString()}});
    }
    j["prompts"] = prompts;
    auto locked = nlohmann::json::array();
    for (const QString& line : nonEmptyLines(m_locked->toPlainText())) {
        if (line.isEmpty())
            continue;
        const auto [path, reason] = splitBar(line);
        locked.push_back({{"path", path.toStdString()}, {"reason", reason.toStdString()}});
    }
    j["locked"] = locked;

    try {
        engine::LessonFile f;
        f.project = m_project;
        f.project.extra.erase("lesson");
        nlohmann::json full = f.project.toJson();
        full["lesson"] = j;
        out = engine::LessonFile::fromJson(full).lesson;
    } catch (const engine::InputError& e) {
        // "lesson.checks[1].metric" -> "Checks, line 2: ..." would need the blank-line mapping;
        // the JSON location is precise and matches docs/lesson-format.md.
        error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

void SaveLessonDialog::accept()
{
    QString error;
    if (!buildLesson(m_lesson, error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace widgets

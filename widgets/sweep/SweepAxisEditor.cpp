#include "sweep/SweepAxisEditor.h"

#include "core/Errors.h"
#include "graph/Layer.h"
#include "layers/LayerRegistry.h"
#include "project/Project.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

namespace widgets {

namespace {

/// Node attributes offered in the dialog (any attribute can be swept from the CLI).
struct NodeAttribute {
    const char* attribute;
    const char* text; ///< "%1" is the node's name
};
const NodeAttribute kNodeAttributes[]
    = {{"units", QT_TRANSLATE_NOOP("SweepAxisEditor", "Units of %1")},
        {"filters", QT_TRANSLATE_NOOP("SweepAxisEditor", "Filters of %1")},
        {"rate", QT_TRANSLATE_NOOP("SweepAxisEditor", "Dropout rate of %1")}};

} // namespace

SweepAxisEditor::SweepAxisEditor(bool optional, QWidget* parent)
    : QWidget(parent)
    , m_optional(optional)
    , m_key(new QComboBox(this))
    , m_values(new QLineEdit(this))
    , m_hint(new QLabel(this))
{
    m_key->setToolTip(tr("The setting that differs between the runs"));
    m_key->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_values->setPlaceholderText(tr("0.001, 0.01, 0.1  or  1e-4..1e-1:log4"));
    m_values->setToolTip(tr("A list of values separated by commas, or a range A..B:logN (N values "
                            "spaced evenly in log scale) or A..B:linN"));
    m_hint->setWordWrap(true);
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_key, 0, 0);
    layout->addWidget(m_values, 0, 1);
    layout->addWidget(m_hint, 1, 1);
    layout->setColumnStretch(1, 1);
    connect(m_key, &QComboBox::currentIndexChanged, this, [this] {
        m_values->setEnabled(!isNone());
        updateHint();
        emit changed();
    });
    connect(m_values, &QLineEdit::textChanged, this, [this] {
        updateHint();
        emit changed();
    });
    setProject({});
}

SweepAxisEditor::~SweepAxisEditor() = default;

void SweepAxisEditor::setProject(const engine::Project& project)
{
    m_project = std::make_unique<engine::Project>();
    m_project->nodes = project.nodes;
    m_project->training = project.training;
    const QString previous = m_key->currentData().toString();
    const QSignalBlocker block(m_key);
    m_key->clear();
    if (m_optional)
        m_key->addItem(tr("(none)"), QString());
    m_key->addItem(tr("Learning rate"), QStringLiteral("learningRate"));
    m_key->addItem(tr("Batch size"), QStringLiteral("batchSize"));
    m_key->addItem(tr("Optimizer"), QStringLiteral("optimizer"));
    m_key->addItem(tr("L2 penalty"), QStringLiteral("l2"));
    m_key->addItem(tr("L1 penalty"), QStringLiteral("l1"));
    m_key->addItem(tr("Epochs"), QStringLiteral("epochs"));
    m_key->addItem(tr("Seed"), QStringLiteral("seed"));
    for (const engine::NodeRecord& node : project.nodes) {
        // The layer's own attributes: a file may leave out those at their defaults.
        const std::unique_ptr<engine::Layer> layer = engine::LayerRegistry::create(node.type);
        const nlohmann::json attributes = layer ? layer->attributes() : nlohmann::json();
        if (!attributes.is_object())
            continue;
        for (const NodeAttribute& a : kNodeAttributes)
            if (attributes.contains(a.attribute)) {
                const QString name = QString::fromStdString(node.name);
                m_key->addItem(tr(a.text).arg(name), name + '.' + QLatin1String(a.attribute));
            }
    }
    const int index = m_key->findData(previous);
    m_key->setCurrentIndex(index >= 0 ? index : 0);
    m_values->setEnabled(!isNone());
    updateHint();
}

void SweepAxisEditor::setAxis(const QString& key, const QString& values)
{
    const int index = m_key->findData(key);
    if (index >= 0)
        m_key->setCurrentIndex(index);
    m_values->setText(values);
}

bool SweepAxisEditor::isNone() const
{
    return m_key->currentData().toString().isEmpty();
}

std::optional<engine::SweepAxis> SweepAxisEditor::axis() const
{
    if (isNone())
        return std::nullopt;
    try {
        engine::SweepAxis a = engine::SweepAxis::parse(
            (m_key->currentData().toString() + '=' + m_values->text()).toStdString());
        checkValues(a);
        return a;
    } catch (const engine::InputError&) {
        return std::nullopt;
    }
}

QString SweepAxisEditor::error() const
{
    if (isNone())
        return {};
    try {
        checkValues(engine::SweepAxis::parse(
            (m_key->currentData().toString() + '=' + m_values->text()).toStdString()));
        return {};
    } catch (const engine::InputError& e) {
        return QString::fromStdString(e.what());
    }
}

void SweepAxisEditor::checkValues(const engine::SweepAxis& axis) const
{
    if (!m_project)
        return;
    for (const std::string& value : axis.values) {
        engine::Project p = *m_project;
        engine::applySweepSetting(p, axis.key, value);
    }
}

void SweepAxisEditor::updateHint()
{
    if (isNone()) {
        m_hint->clear();
        return;
    }
    if (const auto a = axis()) {
        QStringList values;
        for (const std::string& v : a->values)
            values << QString::fromStdString(v);
        m_hint->setText(
            (values.size() == 1 ? tr("1 value: %1") : tr("%1 values: %2").arg(values.size()))
                .arg(values.join(", ")));
        m_hint->setStyleSheet({});
    } else {
        m_hint->setText(error());
        m_hint->setStyleSheet(QStringLiteral("color: #b00020;"));
    }
}

} // namespace widgets

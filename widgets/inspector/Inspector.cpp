#include "inspector/Inspector.h"

#include "canvas/UnrolledOverlay.h"
#include "common/WrappingScrollArea.h"
#include "document/UndoCommands.h"
#include "graph/Activations.h"
#include "graph/Loss.h"
#include "inspector/BlockPage.h"
#include "inspector/CompactDoubleSpinBox.h"
#include "inspector/ConnectionsBox.h"
#include "inspector/ProjectSettingsPanel.h"
#include "layers/LayerRegistry.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace widgets {

namespace {

/// m_pages' pages, in the order the constructor adds them.
constexpr int kBlockPage = 3;

/// Marks the editors of IntList attributes (a line edit, or an editable combo for padding).
constexpr char kIntListProperty[] = "netcanvasIntList";

/// The node's layer with the document's attributes applied over the defaults, so every
/// attribute has a value to show. Null for a type the registry does not know.
std::unique_ptr<engine::Layer> layerOf(const GraphDocument& doc, NodeId id)
{
    auto layer = engine::LayerRegistry::create(doc.nodeType(id).toStdString());
    if (!layer)
        return nullptr;
    try {
        layer->setAttributes(doc.attributes(id));
    } catch (const std::exception&) {
        // A bad value (from a hand-edited file) is reported by validation; show the defaults.
    }
    return layer;
}

QString choiceLabel(const std::string& value)
{
    if (const auto kind = engine::activationFromName(value))
        return QString::fromStdString(engine::activationLabel(*kind));
    if (engine::Loss::create(value))
        return QString::fromStdString(engine::Loss::label(value));
    return QString::fromStdString(value);
}

QString shapeText(const nlohmann::json& v)
{
    QStringList dims;
    if (v.is_array()) {
        for (const auto& d : v)
            dims << QString::number(d.is_number() ? d.get<long>() : 0);
    }
    return dims.join(QLatin1Char('x'));
}

/// "28x28x1", "28, 28, 1" or "28 28 1" -> [28, 28, 1]; "" -> [] (from the dataset).
std::optional<nlohmann::json> parseShape(const QString& text)
{
    nlohmann::json dims = nlohmann::json::array();
    const QStringList parts
        = text.split(QRegularExpression(QStringLiteral("[x×,*\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        bool ok = false;
        const int d = p.toInt(&ok);
        if (!ok || d < 1)
            return std::nullopt;
        dims.push_back(d);
    }
    return dims;
}

/// An IntList value as the editor shows it: 3 -> "3", [1, 3] -> "1, 3", "same" -> "same".
QString intListText(const nlohmann::json& v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_number_integer())
        return QString::number(v.get<int>());
    QStringList parts;
    if (v.is_array())
        for (const auto& d : v)
            parts << QString::number(d.is_number_integer() ? d.get<int>() : 0);
    return parts.join(QStringLiteral(", "));
}

/// Typed text -> the attribute's JSON, or nullopt when it is not a value of `spec`:
/// one of its words; n (an int, or for a list with words such as padding n on every side);
/// for a list of 4, "v, h" (v top and bottom, h left and right); or spec.length numbers.
std::optional<nlohmann::json> parseIntList(const QString& text, const engine::AttributeSpec& spec)
{
    const QString trimmed = text.trimmed();
    for (const std::string& c : spec.choices)
        if (trimmed == QString::fromStdString(c))
            return nlohmann::json(c);
    std::vector<int> values;
    for (const QString& p :
        trimmed.split(QRegularExpression(QStringLiteral("[x×,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok || v < spec.min || v > spec.max)
            return std::nullopt;
        values.push_back(v);
    }
    if (values.size() == 1 && spec.choices.empty())
        return nlohmann::json(values[0]);
    if (values.size() == 1)
        values.assign(std::size_t(spec.length), values[0]);
    else if (values.size() == 2 && spec.length == 4)
        values = {values[0], values[1], values[0], values[1]};
    if (values.size() != std::size_t(spec.length))
        return std::nullopt;
    return nlohmann::json(values);
}

/// Attributes that matter only for some choices of another attribute of the same layer.
/// "alpha" is the slope of leaky ReLU and the scale of ELU, meaningless for other functions.
bool isRelevant(const std::string& key, const nlohmann::json& attrs)
{
    if (key != "alpha")
        return true;
    for (const char* owner : {"activation", "function"}) {
        if (attrs.contains(owner) && attrs[owner].is_string()) {
            const std::string f = attrs[owner].get<std::string>();
            return f == "leaky_relu" || f == "elu";
        }
    }
    return true;
}

QLabel* valueLabel()
{
    auto* label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

/// Lets the editors of `page` shrink to a narrow dock (the scroll area never scrolls sideways, so
/// anything wider than the dock was cut at its right edge): combo boxes size to a few
/// characters rather than their longest entry, spin boxes to a typical value rather than the
/// widest of their range (the text scrolls inside for rare long values). (Forms keep label and
/// field side by side: Qt 6.4's QFormLayout::WrapLongRows gives hidden-then-shown rows no height.)
void fitNarrowDock(QWidget* page)
{
    for (QComboBox* combo : page->findChildren<QComboBox*>()) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
        // A long placeholder ("replace with generated data…") still widens the hint: elide it.
        const int typical
            = combo->fontMetrics().horizontalAdvance(QStringLiteral("Standardize")) + 40;
        combo->setMinimumWidth(std::min(combo->minimumSizeHint().width(), typical));
    }
    for (QAbstractSpinBox* spin : page->findChildren<QAbstractSpinBox*>()) {
        const int typical = spin->fontMetrics().horizontalAdvance(QStringLiteral("0.000001")) + 32;
        spin->setMinimumWidth(std::min(spin->minimumSizeHint().width(), typical));
    }
}

QScrollArea* scrolled(QWidget* page)
{
    // Wrapped labels (the dataset's folder, hints) keep the height they need at the dock's
    // width; a plain QScrollArea left them at a height guessed for the previous project's text.
    auto* area = new WrappingScrollArea;
    area->setContent(page);
    return area;
}

} // namespace

Inspector::Inspector(GraphDocument* document, QUndoStack* stack, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_stack(stack)
    , m_pages(new QStackedWidget(this))
    , m_settings(new ProjectSettingsPanel(document, stack))
    , m_nodePage(new QWidget)
    , m_multiLabel(new QLabel)
    , m_title(new QLabel)
    , m_name(new QLineEdit)
    , m_shape(valueLabel())
    , m_params(valueLabel())
    , m_errors(new QLabel)
    , m_attributesBox(new QGroupBox(tr("Attributes")))
    , m_form(new QFormLayout(m_attributesBox))
    , m_connections(new ConnectionsBox(document))
    , m_blockPage(new BlockPage(document, stack))
{
    auto* settingsPage = new QWidget;
    auto* settingsLayout = new QVBoxLayout(settingsPage);
    settingsLayout->setContentsMargins(6, 6, 6, 6);
    auto* settingsTitle = new QLabel(tr("<b>Project</b> — select a layer to edit it"));
    settingsTitle->setWordWrap(true);
    settingsLayout->addWidget(settingsTitle);
    settingsLayout->addWidget(m_settings);

    auto* nodeLayout = new QVBoxLayout(m_nodePage);
    nodeLayout->setContentsMargins(6, 6, 6, 6);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    nodeLayout->addWidget(m_title);

    auto* infoBox = new QGroupBox(tr("Layer"));
    auto* info = new QFormLayout(infoBox);
    info->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    info->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_name->setToolTip(tr("Unique name, used in messages and weight files"));
    info->addRow(tr("Name:"), m_name);
    info->addRow(tr("Output shape:"), m_shape);
    info->addRow(tr("Parameters:"), m_params);
    nodeLayout->addWidget(infoBox);

    m_errors->setWordWrap(true);
    m_errors->setTextFormat(Qt::PlainText);
    m_errors->setStyleSheet(
        QStringLiteral("QLabel { color: #b3261e; background: #fdecea; border: 1px solid #f1b0aa;"
                       " border-radius: 4px; padding: 4px; }"));
    nodeLayout->addWidget(m_errors);

    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    nodeLayout->addWidget(m_attributesBox);
    nodeLayout->addWidget(m_connections);
    connect(m_connections, &ConnectionsBox::nodeActivated, this, &Inspector::nodeActivated);
    nodeLayout->addStretch(1);

    m_multiLabel->setAlignment(Qt::AlignCenter);
    m_multiLabel->setWordWrap(true);

    m_title->setWordWrap(true);
    m_shape->setWordWrap(true);
    fitNarrowDock(settingsPage);
    fitNarrowDock(m_nodePage);
    m_pages->addWidget(scrolled(settingsPage));
    m_pages->addWidget(scrolled(m_nodePage));
    m_pages->addWidget(m_multiLabel);
    fitNarrowDock(m_blockPage);
    m_pages->addWidget(scrolled(m_blockPage));
    connect(m_blockPage, &BlockPage::nodeActivated, this, &Inspector::nodeActivated);
    connect(m_blockPage, &BlockPage::groupGone, this, [this] {
        if (showsBlock())
            showProjectSettings();
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    connect(m_name, &QLineEdit::editingFinished, this, &Inspector::commitName);
    connect(m_doc, &GraphDocument::attributesChanged, this, [this](NodeId id) {
        if (id != m_node)
            return;
        if (specSignature() != m_formSignature)
            rebuildForm();
        else
            refreshValues();
    });
    connect(m_doc, &GraphDocument::validationChanged, this, &Inspector::refreshValidation);
    connect(m_doc, &GraphDocument::nodeRemoved, this, [this](NodeId id) {
        if (id == m_node)
            showProjectSettings();
    });
    connect(m_doc, &GraphDocument::reset, this, &Inspector::showProjectSettings);

    showProjectSettings();
}

bool Inspector::showsBlock() const
{
    return m_pages->currentIndex() == kBlockPage;
}

void Inspector::showBlock(engine::GroupId id)
{
    if (!m_doc->group(id)) {
        showProjectSettings();
        return;
    }
    m_node = -1;
    m_blockPage->showGroup(id);
    m_pages->setCurrentIndex(kBlockPage);
}

QWidget* Inspector::editorFor(const std::string& key) const
{
    const auto it = m_editors.find(key);
    return it == m_editors.end() ? nullptr : it->second;
}

QString Inspector::shownErrors() const
{
    return m_errors->isVisibleTo(m_nodePage) ? m_errors->text() : QString();
}

void Inspector::setSelection(const QList<engine::NodeId>& ids)
{
    m_blockPage->showGroup(-1);
    if (ids.size() == 1) {
        showNode(ids.front());
    } else if (ids.isEmpty()) {
        showProjectSettings();
    } else {
        m_node = -1;
        m_multiLabel->setText(tr("%n layers selected", nullptr, int(ids.size())));
        m_pages->setCurrentIndex(2);
    }
}

void Inspector::showNode(engine::NodeId id)
{
    if (!m_doc->hasNode(id)) {
        showProjectSettings();
        return;
    }
    m_node = id;
    rebuildForm();
    m_pages->setCurrentIndex(1);
}

void Inspector::showProjectSettings()
{
    m_blockPage->showGroup(-1);
    m_node = -1;
    m_formSignature.clear();
    m_settings->refresh();
    m_pages->setCurrentIndex(0);
}

QString Inspector::specSignature() const
{
    if (m_node < 0 || !m_doc->hasNode(m_node))
        return {};
    QString sig = m_doc->nodeType(m_node);
    if (auto layer = layerOf(*m_doc, m_node)) {
        for (const engine::AttributeSpec& s : layer->attributeSpecs()) {
            sig += QLatin1Char('|') + QString::fromStdString(s.name)
                + QString::number(static_cast<int>(s.kind)) + QString::number(s.choices.size());
        }
    }
    return sig;
}

void Inspector::rebuildForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    m_formSignature = specSignature();

    auto layer = layerOf(*m_doc, m_node);
    const std::vector<engine::AttributeSpec> specs
        = layer ? layer->attributeSpecs() : std::vector<engine::AttributeSpec> {};
    for (const engine::AttributeSpec& spec : specs) {
        const std::string key = spec.name;
        const QString tooltip = QString::fromStdString(spec.help);
        QWidget* editor = nullptr;
        switch (spec.kind) {
        case engine::AttributeSpec::Kind::Int: {
            auto* spin = new QSpinBox;
            const double lo = std::max<double>(spec.min, std::numeric_limits<int>::min());
            const double hi = std::min<double>(spec.max, std::numeric_limits<int>::max());
            spin->setRange(static_cast<int>(lo), static_cast<int>(hi));
            connect(
                spin, &QSpinBox::valueChanged, this, [this, key](int v) { setAttribute(key, v); });
            editor = spin;
            break;
        }
        case engine::AttributeSpec::Kind::Float: {
            auto* spin = new CompactDoubleSpinBox;
            spin->setDecimals(4);
            spin->setRange(spec.min, spec.max);
            spin->setSingleStep(spec.max - spec.min <= 1.0 ? 0.05 : 0.01);
            connect(spin, &QDoubleSpinBox::valueChanged, this,
                [this, key](double v) { setAttribute(key, v); });
            editor = spin;
            break;
        }
        case engine::AttributeSpec::Kind::Bool: {
            auto* check = new QCheckBox;
            connect(
                check, &QCheckBox::toggled, this, [this, key](bool on) { setAttribute(key, on); });
            editor = check;
            break;
        }
        case engine::AttributeSpec::Kind::Choice: {
            auto* combo = new QComboBox;
            for (const std::string& c : spec.choices)
                combo->addItem(choiceLabel(c), QString::fromStdString(c));
            connect(combo, &QComboBox::currentIndexChanged, this, [this, key, combo](int i) {
                if (i >= 0)
                    setAttribute(key, combo->itemData(i).toString().toStdString());
            });
            editor = combo;
            break;
        }
        case engine::AttributeSpec::Kind::IntList: {
            // A line to type "3" or "1, 3" in; with words (padding) an editable combo offering
            // them, so "same" is one click and "0, 1, 1, 2" can be typed.
            QLineEdit* line = nullptr;
            if (spec.choices.empty()) {
                line = new QLineEdit;
                editor = line;
            } else {
                auto* combo = new QComboBox;
                combo->setEditable(true);
                combo->setInsertPolicy(QComboBox::NoInsert);
                for (const std::string& c : spec.choices)
                    combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
                connect(combo, &QComboBox::activated, this, [this, key, combo](int i) {
                    setAttribute(key, combo->itemData(i).toString().toStdString());
                });
                line = combo->lineEdit();
                editor = combo;
            }
            line->setPlaceholderText(
                spec.length == 4 ? tr("top, left, bottom, right") : tr("n or \"h, w\""));
            connect(line, &QLineEdit::editingFinished, this, [this, key, spec, line] {
                if (const auto value = parseIntList(line->text(), spec))
                    setAttribute(key, *value);
                else
                    refreshValues(); // not a value: show the current one again
            });
            editor->setProperty(kIntListProperty, true);
            break;
        }
        case engine::AttributeSpec::Kind::Shape: {
            auto* edit = new QLineEdit;
            edit->setPlaceholderText(tr("from dataset"));
            edit->setValidator(new QRegularExpressionValidator(
                QRegularExpression(QStringLiteral("^\\s*(\\d+\\s*[x×,*\\s]\\s*)*\\d*\\s*$")),
                edit));
            connect(edit, &QLineEdit::editingFinished, this, [this, key, edit] {
                if (const auto dims = parseShape(edit->text()))
                    setAttribute(key, *dims);
            });
            editor = edit;
            break;
        }
        }
        editor->setToolTip(tooltip);
        auto* label = new QLabel(QString::fromStdString(spec.label) + QLatin1Char(':'));
        // Long labels ("Recurrent initializer:") wrap rather than push the editor out of the dock.
        label->setWordWrap(true);
        label->setBuddy(editor);
        m_form->addRow(label, editor);
        m_editors[key] = editor;
    }
    m_unrolledCheck = nullptr;
    if (m_unrolled && m_unrolled->canUnroll(m_node)) {
        // The words go in the (wrapping) label: a check box's own text cannot wrap and was cut
        // in a narrow dock.
        m_unrolledCheck = new QCheckBox;
        m_unrolledCheck->setToolTip(tr("Show the layer unrolled over time on the canvas, each "
                                       "step shaded by the gradient reaching it (view only)"));
        connect(m_unrolledCheck, &QCheckBox::toggled, this,
            [this](bool on) { m_unrolled->setUnrolled(m_node, on); });
        auto* label = new QLabel(tr("Draw unrolled:"));
        label->setWordWrap(true);
        label->setBuddy(m_unrolledCheck);
        m_form->addRow(label, m_unrolledCheck);
    }
    m_attributesBox->setVisible(!specs.empty());
    fitNarrowDock(m_attributesBox);
    refreshValues();
}

void Inspector::setUnrolledOverlay(UnrolledOverlay* overlay)
{
    m_unrolled = overlay;
    connect(overlay, &UnrolledOverlay::unrolledChanged, this, [this](engine::NodeId id, bool on) {
        if (m_unrolledCheck && id == m_node && m_unrolledCheck->isChecked() != on) {
            const QSignalBlocker block(m_unrolledCheck);
            m_unrolledCheck->setChecked(on);
        }
    });
    m_formSignature.clear();
    if (m_node >= 0)
        rebuildForm();
}

void Inspector::refreshValues()
{
    if (m_unrolledCheck && m_unrolled) {
        const QSignalBlocker block(m_unrolledCheck);
        m_unrolledCheck->setChecked(m_unrolled->isUnrolled(m_node));
    }
    if (m_node < 0 || !m_doc->hasNode(m_node))
        return;
    auto layer = layerOf(*m_doc, m_node);
    nlohmann::json values = layer ? layer->attributes() : nlohmann::json::object();
    const nlohmann::json stored = m_doc->attributes(m_node);
    for (const auto& [k, v] : stored.items()) {
        if (!values.contains(k))
            values[k] = v;
    }

    {
        const QSignalBlocker blocker(m_name);
        if (m_name->text() != m_doc->nodeName(m_node))
            m_name->setText(m_doc->nodeName(m_node));
    }

    for (const auto& [key, editor] : m_editors) {
        const QSignalBlocker blocker(editor);
        m_form->setRowVisible(editor, isRelevant(key, values));
        if (!values.contains(key))
            continue;
        const nlohmann::json& v = values[key];
        if (editor->property(kIntListProperty).toBool()) {
            auto* combo = qobject_cast<QComboBox*>(editor);
            QLineEdit* line = combo ? combo->lineEdit() : qobject_cast<QLineEdit*>(editor);
            const int index = combo && v.is_string()
                ? combo->findData(QString::fromStdString(v.get<std::string>()))
                : -1;
            if (combo)
                combo->setCurrentIndex(index);
            line->setText(intListText(v));
        } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            if (v.is_number() && spin->value() != v.get<int>())
                spin->setValue(v.get<int>());
        } else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(editor)) {
            if (v.is_number() && std::abs(dspin->value() - v.get<double>()) > 1e-12)
                dspin->setValue(v.get<double>());
        } else if (auto* check = qobject_cast<QCheckBox*>(editor)) {
            if (v.is_boolean())
                check->setChecked(v.get<bool>());
        } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            if (v.is_string()) {
                const QString s = QString::fromStdString(v.get<std::string>());
                int index = combo->findData(s);
                if (index < 0) {
                    combo->addItem(s, s);
                    index = combo->count() - 1;
                }
                combo->setCurrentIndex(index);
            }
        } else if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
            const QString text = shapeText(v);
            if (!edit->hasFocus() || parseShape(edit->text()) != std::optional(v))
                edit->setText(text);
        }
    }
    refreshValidation();
}

void Inspector::refreshValidation()
{
    if (m_node < 0 || !m_doc->hasNode(m_node))
        return;
    const QString shape = m_doc->outputShape(m_node);
    m_shape->setText(shape.isEmpty() ? tr("unknown") : shape);
    const long params = m_doc->paramCount(m_node);
    m_params->setText(params < 0 ? tr("unknown") : QLocale().toString(qlonglong(params)));
    m_connections->showNode(m_node);
    const QString errors = m_doc->errorsFor(m_node);
    m_errors->setText(errors);
    m_errors->setVisible(!errors.isEmpty());
    const QString summary = m_doc->summary(m_node);
    const QString type = m_doc->nodeType(m_node);
    // Summaries usually start with the type ("Dense 8, Tanh"); others get it as a prefix.
    m_title->setText(
        summary.startsWith(type) ? summary : QStringLiteral("%1 — %2").arg(type, summary));
}

void Inspector::setAttribute(const std::string& key, nlohmann::json value)
{
    if (m_node < 0 || !m_doc->hasNode(m_node))
        return;
    const nlohmann::json current = m_doc->attributes(m_node);
    if (current.contains(key) && current[key] == value)
        return;
    m_stack->push(new SetAttributeCommand(m_doc, m_node, key, std::move(value)));
}

void Inspector::commitName()
{
    if (m_node < 0 || !m_doc->hasNode(m_node))
        return;
    const QString name = m_name->text().trimmed();
    if (name.isEmpty() || name == m_doc->nodeName(m_node)) {
        const QSignalBlocker blocker(m_name);
        m_name->setText(m_doc->nodeName(m_node));
        return;
    }
    m_stack->push(new RenameNodeCommand(m_doc, m_node, name));
}

} // namespace widgets

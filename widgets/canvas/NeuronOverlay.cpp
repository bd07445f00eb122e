#include "canvas/NeuronOverlay.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/NeuronEdgeItem.h"
#include "canvas/NeuronInfoItem.h"
#include "canvas/NeuronItem.h"
#include "training/SetWeightCommand.h"
#include "training/TrainingController.h"

#include <QDoubleSpinBox>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QSpinBox>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <functional>

namespace widgets {

namespace {

constexpr double kSpacing = 2 * NeuronItem::kRadius + 8; ///< between neuron centres
constexpr double kColumnGap = 34; ///< card bottom to the top of the tallest column
constexpr int kStatusMs = 4000;

/// The inline weight editor: Enter or leaving the field commits, Escape cancels.
class WeightEditor : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    std::function<void(double)> onCommit;
    std::function<void()> onCancel;

protected:
    void keyPressEvent(QKeyEvent* event) override
    {
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
            interpretText();
            finish(true);
            return;
        }
        if (event->key() == Qt::Key_Escape) {
            finish(false);
            return;
        }
        QDoubleSpinBox::keyPressEvent(event);
    }
    void focusOutEvent(QFocusEvent* event) override
    {
        QDoubleSpinBox::focusOutEvent(event);
        finish(true);
    }

private:
    void finish(bool commit)
    {
        if (m_done)
            return;
        m_done = true;
        if (commit && onCommit)
            onCommit(value());
        else if (!commit && onCancel)
            onCancel();
    }
    bool m_done = false;
};

/// The Playground's colours over white, scaled by the map's largest |value|.
QImage mapImage(const GridImage& g)
{
    if (g.size <= 0)
        return {};
    double maxAbs = 0;
    for (float v : g.values)
        if (std::isfinite(v))
            maxAbs = std::max(maxAbs, double(std::abs(v)));
    maxAbs = maxAbs > 0 ? maxAbs : 1.0;
    QImage img(g.size, g.size, QImage::Format_RGB32);
    const QColor neg = NeuronEdgeItem::colorFor(-1), pos = NeuronEdgeItem::colorFor(1);
    for (int iy = 0; iy < g.size; ++iy) {
        // Row 0 of the grid is the lowest y: flip so that up is +y, as in the plots.
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(g.size - 1 - iy));
        for (int ix = 0; ix < g.size; ++ix) {
            const double v = std::clamp(double(g.values[iy * g.size + ix]) / maxAbs, -1.0, 1.0);
            const QColor& end = v < 0 ? neg : pos;
            const double t = std::abs(v);
            line[ix] = qRgb(int(255 + (end.red() - 255) * t), int(255 + (end.green() - 255) * t),
                int(255 + (end.blue() - 255) * t));
        }
    }
    return img;
}

QString num(double v)
{
    return QString::number(v, 'f', 4);
}

} // namespace

NeuronOverlay::NeuronOverlay(CanvasScene* scene)
    : QObject(scene)
    , m_scene(scene)
    , m_doc(scene->document())
{
    connect(m_doc, &GraphDocument::validationChanged, this, &NeuronOverlay::onDocumentChanged);
    connect(m_doc, &GraphDocument::settingsChanged, this, &NeuronOverlay::onDocumentChanged);
    connect(m_doc, &GraphDocument::reset, this, [this] {
        m_shown.clear();
        m_hidden.clear();
        m_liveWeights.clear();
        onDocumentChanged();
    });
    connect(m_doc, &GraphDocument::weightsChanged, this, &NeuronOverlay::onWeightsChanged);
    // Neurons and the info panel read the theme as they paint; the notes keep a brush.
    connect(m_scene, &CanvasScene::themeChanged, this, [this] {
        for (auto& [id, note] : m_notes)
            note->setBrush(m_scene->theme().detail);
    });
}

NeuronOverlay::~NeuronOverlay()
{
    disconnect(m_doc, nullptr, this, nullptr);
    closeEditor();
}

void NeuronOverlay::setTrainingController(TrainingController* controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (controller)
        connect(controller, &TrainingController::snapshotReady, this, &NeuronOverlay::onSnapshot);
}

void NeuronOverlay::setProjectDirectory(const QString& dir)
{
    if (dir == m_projectDir)
        return;
    m_projectDir = dir;
    onDocumentChanged();
}

bool NeuronOverlay::isShown(NodeId id) const
{
    return m_all ? m_hidden.count(id) == 0 : m_shown.count(id) != 0;
}

bool NeuronOverlay::anyShown() const
{
    if (m_all)
        return true;
    for (NodeId id : m_shown)
        if (m_doc->hasNode(id))
            return true;
    return false;
}

bool NeuronOverlay::canShow(NodeId id) const
{
    if (m_dirty)
        const_cast<NeuronOverlay*>(this)->rebuild();
    return m_net.hasNeurons(id);
}

NeuronItem* NeuronOverlay::neuronItem(NodeId id, long unit) const
{
    const auto it = m_neurons.find({id, unit});
    return it == m_neurons.end() ? nullptr : it->second;
}

NeuronEdgeItem* NeuronOverlay::edgeItem(NodeId id, long unit, long input) const
{
    const auto it = m_edges.find({id, unit, input});
    return it == m_edges.end() ? nullptr : it->second;
}

QGraphicsSimpleTextItem* NeuronOverlay::noteItem(NodeId id) const
{
    const auto it = m_notes.find(id);
    return it == m_notes.end() ? nullptr : it->second;
}

QDoubleSpinBox* NeuronOverlay::weightEditor() const
{
    return m_editor.data();
}

long NeuronOverlay::sampleCount()
{
    if (m_dirty)
        rebuild();
    return m_net.sampleCount();
}

std::optional<NeuronNetwork::Value> NeuronOverlay::neuronValue(NodeId id, long unit)
{
    if (m_dirty)
        rebuild();
    return m_net.value(id, unit, m_sample);
}

// --- switching ---------------------------------------------------------------------------------

void NeuronOverlay::setAllShown(bool on)
{
    if (on == m_all)
        return;
    m_all = on;
    m_hidden.clear();
    if (!on)
        m_shown.clear();
    syncItems();
    emit allShownChanged(on);
}

void NeuronOverlay::setShown(NodeId id, bool on)
{
    if (isShown(id) == on)
        return;
    if (m_all) {
        if (on)
            m_hidden.erase(id);
        else
            m_hidden.insert(id);
    } else if (on) {
        m_shown.insert(id);
    } else {
        m_shown.erase(id);
    }
    syncItems();
}

void NeuronOverlay::addNodeActions(QMenu* menu, NodeId id)
{
    QAction* a = menu->addAction(tr("Show Neurons"));
    a->setCheckable(true);
    a->setChecked(isShown(id));
    if (!canShow(id) && !isShown(id)) {
        a->setEnabled(false);
        a->setText(tr("Show Neurons (Input and Dense layers only)"));
    }
    connect(a, &QAction::toggled, this, [this, id](bool on) { setShown(id, on); });
}

QWidget* NeuronOverlay::createSampleControl(QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(4);
    auto* label = new QLabel(tr("Sample"), box);
    auto* spin = new QSpinBox(box);
    spin->setObjectName(QStringLiteral("neuronSample"));
    spin->setToolTip(tr("Training sample whose values the neuron view shows on hover"));
    spin->setRange(0, int(std::max(0L, m_sampleCount - 1)));
    spin->setValue(m_sample);
    label->setBuddy(spin);
    layout->addWidget(label);
    layout->addWidget(spin);
    connect(spin, &QSpinBox::valueChanged, this, &NeuronOverlay::setSampleIndex);
    connect(this, &NeuronOverlay::sampleIndexChanged, spin, &QSpinBox::setValue);
    connect(this, &NeuronOverlay::sampleCountChanged, spin,
        [spin](int count) { spin->setMaximum(std::max(0, count - 1)); });
    return box;
}

void NeuronOverlay::setSampleIndex(int index)
{
    index = std::max(0, index);
    if (index == m_sample)
        return;
    m_sample = index;
    refreshValues();
    emit sampleIndexChanged(index);
}

// --- document and training ---------------------------------------------------------------------

void NeuronOverlay::onDocumentChanged()
{
    m_dirty = true;
    closeEditor();
    if (anyShown() || m_wasAny)
        syncItems();
}

void NeuronOverlay::onWeightsChanged()
{
    if (m_dirty)
        return; // the next rebuild reads them
    if (m_doc->weights().empty())
        m_net.resetToInitial();
    else
        m_net.setWeights(m_doc->weights());
    refreshValues();
}

void NeuronOverlay::onSnapshot(const TrainingSnapshot& snapshot)
{
    if (snapshot.params.empty() || !m_controller)
        return;
    // Nothing on the canvas to update: copying every weight (and comparing architectures) at
    // 10 Hz would only cost the trainer time. The next snapshot brings them once something is
    // shown; pauses, steps and the end are always kept, since no further snapshot follows.
    if (snapshot.trigger == SnapshotTrigger::Progress && !anyShown())
        return;
    if (!m_controller->sameArchitecture(m_doc->project()))
        return;
    engine::WeightMap w;
    for (const ParamCopy& p : snapshot.params)
        w[p.node][p.param.toStdString()] = p.value;
    m_liveWeights = std::move(w);
    m_liveRun = snapshot.runId;
    if (!anyShown() || m_dirty)
        return;
    m_net.setWeights(m_liveWeights);
    refreshValues();
}

void NeuronOverlay::rebuild()
{
    m_dirty = false;
    m_net.rebuild(m_doc->project(), m_doc->context(), m_projectDir);
    if (!m_liveWeights.empty() && m_controller && m_controller->hasSession()
        && m_controller->sameArchitecture(m_doc->project()))
        m_net.setWeights(m_liveWeights);
    if (!anyShown())
        return; // loading the data waits until something is shown
    const long before = m_sampleCount;
    const long count = m_net.sampleCount();
    m_sampleCount = count;
    if (count != before)
        emit sampleCountChanged(int(count));
    if (m_sample >= count && count > 0)
        setSampleIndex(int(count - 1));
}

// --- items -------------------------------------------------------------------------------------

void NeuronOverlay::clearItems()
{
    closeEditor();
    hideInfo();
    for (auto& [key, item] : m_edges)
        delete item;
    m_edges.clear();
    for (auto& [key, item] : m_neurons)
        delete item;
    m_neurons.clear();
    for (auto& [id, item] : m_notes)
        delete item;
    m_notes.clear();
    m_columnTop.clear();
}

void NeuronOverlay::syncItems()
{
    clearItems();
    const bool any = anyShown();
    if (any != m_wasAny) {
        m_wasAny = any;
        emit anyShownChanged(any);
    }
    if (!any)
        return;
    if (m_dirty)
        rebuild();
    if (!m_net.isValid()) {
        status(tr("Neurons view: %1").arg(m_net.problem()));
        return;
    }
    auto addNote = [this](NodeId id, const QString& text) {
        auto* note = new QGraphicsSimpleTextItem(text);
        QFont f = note->font();
        f.setPointSizeF(8.5);
        f.setItalic(true);
        note->setFont(f);
        note->setBrush(m_scene->theme().detail);
        note->setZValue(0.8);
        m_scene->addItem(note);
        m_notes[id] = note;
    };
    for (const NodeId id : m_doc->nodeIds()) {
        if (!isShown(id))
            continue;
        if (!m_net.hasNeurons(id)) {
            if (!m_all)
                addNote(id, tr("Only Input and Dense layers\nare drawn as neurons."));
            continue;
        }
        const long n = m_net.units(id);
        if (n > NeuronNetwork::kMaxUnits) {
            addNote(id,
                tr("%1 units: too many to draw\n(at most %2 per layer)")
                    .arg(n)
                    .arg(NeuronNetwork::kMaxUnits));
            continue;
        }
        m_columnTop[id] = n;
        for (long u = 0; u < n; ++u) {
            auto* item = new NeuronItem(this, id, u);
            item->setToolTip({});
            m_scene->addItem(item);
            m_neurons[{id, u}] = item;
        }
    }
    for (const auto& [id, n] : m_columnTop) {
        const NodeId src = m_net.source(id);
        if (src < 0 || !m_columnTop.count(src))
            continue;
        for (long u = 0; u < n; ++u) {
            for (long i = 0; i < m_columnTop[src]; ++i) {
                auto* edge = new NeuronEdgeItem(this, id, u, i);
                m_scene->addItem(edge);
                m_edges[{id, u, i}] = edge;
            }
        }
    }
    layoutItems();
    refreshValues();
}

QPointF NeuronOverlay::cardPos(NodeId id) const
{
    if (const auto* item = m_scene->nodeItem(id))
        return item->pos();
    return m_doc->position(id);
}

QPointF NeuronOverlay::neuronPos(NodeId id, long unit) const
{
    long tallest = 1;
    for (const auto& [node, n] : m_columnTop)
        tallest = std::max(tallest, n);
    const auto it = m_columnTop.find(id);
    const long n = it == m_columnTop.end() ? 1 : it->second;
    // Columns are centred on one horizontal line, so cards in a row give a symmetric picture.
    const QPointF card = cardPos(id);
    const double top = card.y() + LayerNodeItem::kHeight + kColumnGap + NeuronItem::kRadius
        + double(tallest - n) * kSpacing / 2;
    return {card.x() + LayerNodeItem::kWidth / 2, top + double(unit) * kSpacing};
}

void NeuronOverlay::layoutItems()
{
    for (auto& [key, item] : m_neurons)
        item->setPos(neuronPos(key.first, key.second));
    for (auto& [key, item] : m_edges) {
        const auto& [id, unit, input] = key;
        const QPointF to = neuronPos(id, unit) - QPointF(NeuronItem::kRadius, 0);
        const QPointF from = neuronPos(m_net.source(id), input) + QPointF(NeuronItem::kRadius, 0);
        item->setLine(QLineF(from, to));
    }
    for (auto& [id, note] : m_notes)
        note->setPos(cardPos(id) + QPointF(6, LayerNodeItem::kHeight + 8));
}

void NeuronOverlay::nodeMoved(NodeId id)
{
    if (m_columnTop.count(id) || m_notes.count(id)) {
        closeEditor();
        hideInfo();
        layoutItems();
    }
}

void NeuronOverlay::refreshValues()
{
    if (m_neurons.empty() && m_edges.empty())
        return;
    const double scale = std::max(1.0, m_net.maxAbsWeight());
    for (auto& [key, item] : m_edges) {
        const auto& [id, unit, input] = key;
        item->setWeight(m_net.weight(id, unit, input), scale);
    }
    for (auto& [key, item] : m_neurons) {
        const auto v = m_net.value(key.first, key.second, m_sample);
        item->setActivation(v ? std::optional<double>(v->act) : std::nullopt);
    }
    refreshInfo();
}

// --- hover and editing -------------------------------------------------------------------------

QString NeuronOverlay::neuronName(NodeId id, long unit) const
{
    return QStringLiteral("%1[%2]").arg(m_doc->nodeName(id)).arg(unit);
}

void NeuronOverlay::showNeuronInfo(NodeId id, long unit)
{
    m_infoFor = EdgeKey {id, unit, -1};
    refreshInfo();
}

void NeuronOverlay::showEdgeInfo(NodeId id, long unit, long input)
{
    m_infoFor = EdgeKey {id, unit, input};
    refreshInfo();
}

void NeuronOverlay::hideInfo()
{
    m_infoFor.reset();
    if (m_info)
        m_info->hide();
}

void NeuronOverlay::refreshInfo()
{
    if (!m_infoFor)
        return;
    const auto [id, unit, input] = *m_infoFor;
    QStringList lines;
    QImage map;
    QPointF anchor;
    if (input >= 0) {
        if (!edgeItem(id, unit, input))
            return hideInfo();
        const NodeId src = m_net.source(id);
        lines << tr("w = %1").arg(num(m_net.weight(id, unit, input)))
              << tr("from %1 to %2").arg(neuronName(src, input), neuronName(id, unit))
              << tr("Double-click to edit");
        anchor = edgeItem(id, unit, input)->line().center() + QPointF(12, 12);
    } else {
        if (!neuronItem(id, unit))
            return hideInfo();
        const bool dense = m_net.isDense(id);
        lines << (dense ? tr("%1 (unit %2 of %3, %4)")
                              .arg(m_doc->nodeName(id))
                              .arg(unit + 1)
                              .arg(m_net.units(id))
                              .arg(m_net.activation(id))
                        : tr("%1 (feature x%2)").arg(m_doc->nodeName(id)).arg(unit + 1));
        const std::vector<double> x = m_net.sampleInput(m_sample);
        if (const auto v = m_net.value(id, unit, m_sample)) {
            QStringList xs;
            for (std::size_t k = 0; k < std::min<std::size_t>(x.size(), 4); ++k)
                xs << QString::number(x[k], 'f', 3);
            if (x.size() > 4)
                xs << QStringLiteral("…");
            lines << tr("sample %1: x = (%2)").arg(m_sample).arg(xs.join(QStringLiteral(", ")));
            if (dense) {
                lines << tr("z = w·x + b = %1").arg(num(v->pre));
                lines << tr("a = %1(z) = %2").arg(m_net.activation(id), num(v->act));
            } else {
                lines << tr("value = %1").arg(num(v->act));
            }
        } else {
            const QString why = m_net.dataProblem();
            lines << (why.isEmpty() ? tr("no value: no such sample") : tr("no data: %1").arg(why));
        }
        const GridImage g = m_net.outputMap(id, unit);
        if (g.size > 0) {
            map = mapImage(g);
            lines << tr("output over the input plane:");
        }
        anchor
            = neuronItem(id, unit)->pos() + QPointF(NeuronItem::kRadius + 10, -NeuronItem::kRadius);
    }
    if (!m_info) {
        m_info = new NeuronInfoItem;
        m_scene->addItem(m_info);
    }
    m_info->setContent(lines, map);
    m_info->setPos(anchor);
    m_info->show();
}

void NeuronOverlay::status(const QString& text)
{
    emit m_scene->statusMessage(text, kStatusMs);
}

void NeuronOverlay::closeEditor()
{
    if (m_editor) {
        m_editor->hide();
        m_editor->deleteLater();
        m_editor = nullptr;
    }
}

void NeuronOverlay::editWeight(NodeId id, long unit, long input)
{
    NeuronEdgeItem* edge = edgeItem(id, unit, input);
    if (!edge)
        return;
    if (m_controller && m_controller->state() != TrainingController::State::Idle
        && m_controller->state() != TrainingController::State::Ready
        && m_controller->state() != TrainingController::State::Paused) {
        status(tr("Pause or stop training to edit a weight."));
        return;
    }
    closeEditor();
    QGraphicsView* view = m_scene->views().value(0);
    if (!view)
        return;
    auto* editor = new WeightEditor(view->viewport());
    editor->setObjectName(QStringLiteral("neuronWeightEditor"));
    editor->setRange(-1e6, 1e6);
    editor->setDecimals(6);
    editor->setSingleStep(0.1);
    editor->setValue(m_net.weight(id, unit, input));
    // The box shows the weight rounded; Enter on an untouched box must not store the rounding.
    const double shown = editor->value();
    editor->setToolTip(tr("Weight from %1 to %2: Enter sets it, Escape cancels")
                           .arg(neuronName(m_net.source(id), input), neuronName(id, unit)));
    editor->onCommit = [this, id, unit, input, shown](double v) {
        closeEditor();
        if (v != shown)
            setWeightByHand(id, unit, input, v);
    };
    editor->onCancel = [this] { closeEditor(); };
    editor->adjustSize();
    const QPoint at = view->mapFromScene(edge->line().center());
    editor->move(at - QPoint(editor->width() / 2, editor->height() / 2));
    editor->show();
    editor->setFocus();
    editor->selectAll();
    m_editor = editor;
}

bool NeuronOverlay::setWeightByHand(NodeId id, long unit, long input, double value)
{
    if (m_dirty)
        rebuild();
    const NodeId src = m_net.source(id);
    if (src < 0 || unit < 0 || unit >= m_net.units(id) || input < 0 || input >= m_net.units(src)
        || !std::isfinite(value))
        return false;
    if (m_controller && !m_controller->prepareWeightEdit()) {
        status(tr("Pause or stop training to edit a weight."));
        return false;
    }
    const double old = m_net.weight(id, unit, input);
    engine::WeightMap initial;
    const auto stored = m_doc->weights().find(id);
    if (stored == m_doc->weights().end() || stored->second.count("W") == 0)
        initial = m_net.weights();
    m_scene->undoStack()->push(new SetWeightCommand(
        m_doc, m_controller, id, "W", unit, input, old, value, std::move(initial)));
    status(tr("Weight from %1 to %2 set to %3 (Ctrl+Z undoes it).")
               .arg(neuronName(src, input), neuronName(id, unit))
               .arg(value));
    return true;
}

} // namespace widgets

#include "training/SetWeightCommand.h"

#include "training/TrainingController.h"

namespace widgets {

SetWeightCommand::SetWeightCommand(GraphDocument* doc, TrainingController* controller,
    NodeId node, std::string param, long row, long col, double oldValue, double newValue,
    engine::WeightMap initial, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_doc(doc)
    , m_controller(controller)
    , m_node(node)
    , m_param(std::move(param))
    , m_row(row)
    , m_col(col)
    , m_old(oldValue)
    , m_new(newValue)
    , m_initial(std::move(initial))
{
    setText(tr("Set weight of %1 to %2").arg(m_doc->nodeName(node)).arg(newValue, 0, 'g', 4));
}

void SetWeightCommand::apply(double value)
{
    engine::WeightMap weights = m_doc->weights();
    auto node = weights.find(m_node);
    const bool present = node != weights.end() && node->second.count(m_param) != 0;
    if (!present && !m_filled) {
        m_before = weights;
        m_filled = true;
        for (const auto& [id, params] : m_initial)
            for (const auto& [name, m] : params)
                weights[id].try_emplace(name, m);
    }
    const auto entry = weights.find(m_node);
    if (entry == weights.end() || entry->second.count(m_param) == 0)
        return; // nothing to set: the caller passed no initial weights for the node
    engine::Matrix& m = entry->second[m_param];
    if (m_row >= 0 && m_col >= 0 && m_row < m.rows() && m_col < m.cols())
        m(m_row, m_col) = engine::Scalar(value);
    m_doc->setWeights(std::move(weights));
    if (m_controller)
        m_controller->setWeight(m_node, m_param, m_row, m_col, value);
}

void SetWeightCommand::redo()
{
    apply(m_new);
}

void SetWeightCommand::undo()
{
    if (m_filled) {
        m_filled = false;
        m_doc->setWeights(m_before);
        if (m_controller)
            m_controller->setWeight(m_node, m_param, m_row, m_col, m_old);
        return;
    }
    apply(m_old);
}

} // namespace widgets

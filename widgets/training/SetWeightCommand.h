#pragma once
// The undoable hand edit of one weight: it changes the document and, while a run is stopped or
// paused, the training session's network, so it lives with the training controller rather than
// with the document-only commands of document/UndoCommands.h.

#include "document/GraphDocument.h"

#include <QCoreApplication>
#include <QPointer>
#include <QUndoCommand>

#include <string>

namespace widgets {

class TrainingController;

/// A weight set by hand (the canvas's neuron view): entry (row, col) of parameter `param` of
/// `node`. Applied to the document's weights and, through TrainingController::setWeight(), to
/// the training session's network (call TrainingController::prepareWeightEdit() before pushing).
/// When the document has no weights for the node yet, redo() first stores `initial` (the
/// weights on display: the seeded initialization) and undo() removes them again.
class SetWeightCommand : public QUndoCommand {
    Q_DECLARE_TR_FUNCTIONS(SetWeightCommand)
public:
    SetWeightCommand(GraphDocument* doc, TrainingController* controller, NodeId node,
        std::string param, long row, long col, double oldValue, double newValue,
        engine::WeightMap initial, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    void apply(double value);

    GraphDocument* m_doc;
    QPointer<TrainingController> m_controller;
    NodeId m_node;
    std::string m_param;
    long m_row;
    long m_col;
    double m_old;
    double m_new;
    engine::WeightMap m_initial;
    bool m_filled = false; ///< redo() stored m_initial; m_before is what undo() restores
    engine::WeightMap m_before;
};

} // namespace widgets

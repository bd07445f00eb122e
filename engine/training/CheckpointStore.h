#pragma once
// The timeline of a run: its weights and trainer state at the end of epochs, so that every view
// can show the network as it was at an earlier epoch and a new run can fork from there. Memory
// stays under a budget by thinning: the store keeps the epochs that are multiples of a spacing
// (and the first and the newest), and doubles the spacing when they do not fit, so a long run
// keeps evenly spread epochs instead of only its last ones.

#include "graph/Graph.h"
#include "training/TrainerState.h"

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace engine {

struct Checkpoint {
    int epoch = 0; ///< completed epochs when taken (0: before training)
    std::map<NodeId, std::map<std::string, Matrix>> weights;
    TrainerState state;

    /// Bytes of the tensors it holds (weights, optimizer slots, early stopping's best weights).
    std::size_t bytes() const;
};

class CheckpointStore {
public:
    /// 200 MB: a Fashion-MNIST CNN with Adam (about 1.2 MB per checkpoint) keeps every epoch
    /// of a 150-epoch run.
    static constexpr std::size_t kDefaultBudget = 200u * 1000u * 1000u;

    explicit CheckpointStore(std::size_t budgetBytes = kDefaultBudget);

    /// Adds (or replaces, for the same epoch) a checkpoint, then thins older ones while over
    /// budget. A checkpoint of an earlier epoch than the newest drops those after it: a fork
    /// rewrites the future.
    void add(Checkpoint checkpoint);
    void clear();

    /// The checkpoint at `epoch`, or the latest before it (nullptr when none is).
    const Checkpoint* atOrBefore(int epoch) const;
    std::vector<int> epochs() const;
    bool empty() const { return m_checkpoints.empty(); }
    std::size_t size() const { return m_checkpoints.size(); }
    std::size_t bytes() const { return m_bytes; }
    std::size_t budget() const { return m_budget; }

private:
    void thin();

    std::size_t m_budget;
    std::size_t m_bytes = 0;
    int m_spacing = 1; ///< epochs kept are multiples of it
    std::map<int, Checkpoint> m_checkpoints; ///< by epoch
};

} // namespace engine

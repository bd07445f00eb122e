#include "training/CheckpointStore.h"

#include <iterator>

namespace engine {

namespace {

std::size_t tensorBytes(const std::map<NodeId, std::map<std::string, Matrix>>& w)
{
    std::size_t n = 0;
    for (const auto& [id, params] : w)
        for (const auto& [name, m] : params)
            n += std::size_t(m.size()) * sizeof(Scalar);
    return n;
}

} // namespace

std::size_t Checkpoint::bytes() const
{
    std::size_t n = tensorBytes(weights) + tensorBytes(state.bestWeights);
    for (const auto& [name, slots] : state.optimizerSlots)
        n += tensorBytes(slots);
    return n;
}

CheckpointStore::CheckpointStore(std::size_t budgetBytes)
    : m_budget(budgetBytes)
{ }

void CheckpointStore::add(Checkpoint checkpoint)
{
    // Later epochs belong to the run this one forks away from.
    for (auto it = m_checkpoints.lower_bound(checkpoint.epoch); it != m_checkpoints.end();) {
        m_bytes -= it->second.bytes();
        it = m_checkpoints.erase(it);
    }
    m_bytes += checkpoint.bytes();
    const int epoch = checkpoint.epoch;
    m_checkpoints.emplace(epoch, std::move(checkpoint));
    thin();
}

void CheckpointStore::clear()
{
    m_checkpoints.clear();
    m_bytes = 0;
    m_spacing = 1;
}

void CheckpointStore::thin()
{
    // Kept: the first, the newest, and the epochs that are multiples of the spacing, which
    // doubles whenever they do not fit; so a long run keeps evenly spread epochs.
    const auto dropOffSpacing = [this] {
        if (m_checkpoints.size() <= 2)
            return;
        const auto newest = std::prev(m_checkpoints.end());
        for (auto it = std::next(m_checkpoints.begin()); it != newest;) {
            if (it->first % m_spacing != 0) {
                m_bytes -= it->second.bytes();
                it = m_checkpoints.erase(it);
            } else {
                ++it;
            }
        }
    };
    dropOffSpacing();
    while (m_bytes > m_budget && m_checkpoints.size() > 2 && m_spacing < (1 << 29)) {
        m_spacing *= 2;
        dropOffSpacing();
    }
    // A single checkpoint larger than the budget: the newest is still kept.
    while (m_bytes > m_budget && m_checkpoints.size() > 1) {
        m_bytes -= m_checkpoints.begin()->second.bytes();
        m_checkpoints.erase(m_checkpoints.begin());
    }
}

const Checkpoint* CheckpointStore::atOrBefore(int epoch) const
{
    auto it = m_checkpoints.upper_bound(epoch);
    if (it == m_checkpoints.begin())
        return nullptr;
    return &std::prev(it)->second;
}

std::vector<int> CheckpointStore::epochs() const
{
    std::vector<int> e;
    e.reserve(m_checkpoints.size());
    for (const auto& [epoch, c] : m_checkpoints)
        e.push_back(epoch);
    return e;
}

} // namespace engine

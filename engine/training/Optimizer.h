#pragma once

#include "graph/Layer.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace engine {

struct OptimizerConfig {
    std::string type = "adam"; ///< "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"
    double learningRate = 0.01;
    double momentum = 0.9;     ///< momentum / nesterov
    double rho = 0.9;          ///< rmsprop decay of the squared-gradient average
    double beta1 = 0.9;        ///< adam, adamw
    double beta2 = 0.999;      ///< adam, adamw
    double epsilon = 1e-8;     ///< rmsprop, adam, adamw
    double weightDecay = 0.01; ///< adamw: decoupled decay [Loshchilov & Hutter 2019]
    double l1 = 0.0;           ///< adds l1 * sign(w) to the gradient of regularized params
    double l2 = 0.0;           ///< adds l2 * w to the gradient of regularized params

    static std::vector<std::string> types();
    nlohmann::json toJson() const;
    /// Throws InputError with where() relative to this object ("learningRate").
    static OptimizerConfig fromJson(const nlohmann::json& j);
};

/// Updates parameters from their gradients. State (velocities, moments) is kept per parameter,
/// by position in the span: pass the same params in the same order every step.
class Optimizer {
public:
    explicit Optimizer(const OptimizerConfig& config) : m_config(config) {}
    virtual ~Optimizer() = default;

    /// One update of every param with learning rate `lr`; counts one step (Adam's bias
    /// correction uses the step count, not the number of tensors updated). Applies L1/L2 to
    /// params whose `regularized` flag is set, by adding to their gradients first.
    void step(std::span<const Param> params, double lr);

    /// Forgets all state (moments, step count), e.g. after "Reset weights".
    virtual void reset();

    long steps() const { return m_steps; }
    /// Named per-param state lists, in the order of the params passed to step() ("velocity";
    /// "square"; "first" and "second"), so a checkpoint can save and restore them with the step
    /// count: a run continued from it then takes the steps the uninterrupted run would have.
    using SlotLists = std::vector<std::pair<std::string, std::vector<Matrix>*>>;
    virtual SlotLists slotLists() { return {}; }
    void setSteps(long steps) { m_steps = steps; }
    const OptimizerConfig& config() const { return m_config; }
    /// Changes hyper-parameters between steps (learning rate and regularization from the GUI),
    /// keeping the accumulated state.
    void setConfig(const OptimizerConfig& config) { m_config = config; }

    static std::unique_ptr<Optimizer> create(const OptimizerConfig& config);

protected:
    /// Applies the update; called by step() after m_steps was incremented.
    virtual void update(std::span<const Param> params, double lr) = 0;

    /// Per-param state buffers of the same shape as the param, zero-initialized on first use.
    Matrix& slot(std::vector<Matrix>& slots, std::size_t index, const Param& p);

    OptimizerConfig m_config;
    long m_steps = 0;
};

} // namespace engine

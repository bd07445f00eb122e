#pragma once

#include <stdexcept>
#include <string>

namespace engine {

/// Incompatible tensor shapes between two connected layers, or a bad input count.
/// The message names the layer and both shapes, e.g. "Dense 'fc2' expects 64 features, got 32".
class ShapeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A malformed project, dataset or option. `where` locates the problem
/// ("nodes[3].attributes.units", "row 12, column 4"); what() gives "where: message".
class InputError : public std::runtime_error {
public:
    InputError(std::string where, const std::string& message)
        : std::runtime_error(where.empty() ? message : where + ": " + message)
        , m_where(std::move(where))
        , m_message(message)
    {
    }
    const std::string& where() const { return m_where; }
    const std::string& message() const { return m_message; }

private:
    std::string m_where;
    std::string m_message;
};

/// Thrown by a load whose cancel flag (LoadMonitor::cancel, ReadLimits::cancel) was set.
class LoadCancelled : public std::runtime_error {
public:
    LoadCancelled()
        : std::runtime_error("loading cancelled")
    { }
};

} // namespace engine

#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace engine {

/// The shape of one sample (the batch dimension is never part of a Shape).
/// {n} is a feature vector; {h, w, c} an image stored per column in H x W x C order.
class Shape {
public:
    Shape() = default;
    Shape(std::initializer_list<int> dims) : m_dims(dims) {}
    explicit Shape(std::vector<int> dims) : m_dims(std::move(dims)) {}

    const std::vector<int>& dims() const { return m_dims; }
    int rank() const { return static_cast<int>(m_dims.size()); }
    int operator[](int i) const { return m_dims[static_cast<std::size_t>(i)]; }
    bool empty() const { return m_dims.empty(); }

    /// Number of scalars per sample (the row count of the tensor's matrix).
    long size() const;

    /// "28x28x1", "64" — the form shown on canvas nodes and in error messages.
    std::string toString() const;

    friend bool operator==(const Shape&, const Shape&) = default;

private:
    std::vector<int> m_dims;
};

} // namespace engine

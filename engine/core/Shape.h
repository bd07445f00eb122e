#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace engine {

/// The shape of one sample (the batch dimension is never part of a Shape).
/// {n} is a feature vector; {h, w, c} an image stored per column in H x W x C order.
/// {t, f} is a sequence of t time steps of f features, stored per column time-major: the f
/// features of step 0, then those of step 1, ... (features fastest, like an image's channels),
/// so step s of every sample is the row block [s f, (s + 1) f) and the whole batch viewed as an
/// f x (t * batch) matrix has one column per (sample, step). It reads "30x1" on the canvas.
class Shape {
public:
    Shape() = default;
    Shape(std::initializer_list<int> dims) : m_dims(dims) {}
    explicit Shape(std::vector<int> dims) : m_dims(std::move(dims)) {}

    const std::vector<int>& dims() const { return m_dims; }
    int rank() const { return static_cast<int>(m_dims.size()); }
    int operator[](int i) const { return m_dims[static_cast<std::size_t>(i)]; }
    bool empty() const { return m_dims.empty(); }

    /// A sequence {t, f}: recurrent layers read it as t steps of f features.
    bool isSequence() const { return rank() == 2; }
    /// Time steps of a sequence; a feature vector {n} counts as n steps of one feature.
    int steps() const { return rank() >= 1 ? m_dims[0] : 0; }
    /// Features per time step: f of {t, f}, 1 for a feature vector {n}.
    int stepFeatures() const { return rank() == 2 ? m_dims[1] : 1; }

    /// Number of scalars per sample (the row count of the tensor's matrix).
    long size() const;

    /// "28x28x1", "64" — the form shown on canvas nodes and in error messages.
    std::string toString() const;

    friend bool operator==(const Shape&, const Shape&) = default;

private:
    std::vector<int> m_dims;
};

} // namespace engine

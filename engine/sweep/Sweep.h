#pragma once
// A hyper-parameter sweep: one or two swept settings and the cartesian product of their values.
//
// Axis syntax (docs/cli.md, "Sweeps"), one axis per `--sweep` or per row of the GUI's dialog:
//   KEY=V1,V2,V3        a list of values
//   KEY=A..B:logN       N values from A to B spaced evenly in log scale (A, B > 0, N >= 2):
//                       learningRate=1e-4..1e-1:log4 gives 0.0001,0.001,0.01,0.1
//   KEY=A..B:linN       N values spaced evenly from A to B
// Keys: the training settings learningRate, batchSize, optimizer, l1, l2, epochs, seed, or a node
// attribute as NODE_NAME.ATTRIBUTE (hidden.units, drop.rate). Integer settings round generated
// values and drop repeats. Every run keeps the project's seed unless "seed" itself is swept.

#include "project/Project.h"

#include <string>
#include <utility>
#include <vector>

namespace engine {

/// One swept setting and its values, as text in the form they are applied and printed.
struct SweepAxis {
    std::string key;
    std::vector<std::string> values;

    /// Parses "KEY=..." (syntax above). Throws InputError with where() "KEY=..." (the text given)
    /// naming what is wrong: an unknown training key, a non-numeric value, a bad range.
    static SweepAxis parse(const std::string& text);
};

/// One run of a sweep: its 1-based index and a value for every axis, in axis order.
struct SweepRun {
    int index = 0;
    std::vector<std::pair<std::string, std::string>> settings;

    /// "learningRate=0.01 batchSize=64": how the CLI tags a run and the GUI labels its curve.
    std::string label() const;
};

/// The axes of a sweep (at most two) and the runs they span.
class SweepSpec {
public:
    static constexpr int kMaxAxes = 2;

    /// Throws InputError (where() the key) for a third axis or a key swept twice.
    void addAxis(SweepAxis axis);
    const std::vector<SweepAxis>& axes() const { return m_axes; }
    bool empty() const { return m_axes.empty(); }

    /// The cartesian product, the first axis outermost: (a1,b1), (a1,b2), (a2,b1), ...
    std::vector<SweepRun> runs() const;

private:
    std::vector<SweepAxis> m_axes;
};

/// True for the keys that name training settings rather than node attributes.
bool isTrainingSweepKey(const std::string& key);

/// Sets one swept value on `project`. Throws InputError whose where() is "KEY=VALUE" and whose
/// message says what is wrong: "no node named 'hiden' (nodes: input, hidden, output, loss)",
/// "node 'input' (Input) has no attribute 'units'", "expected a positive integer".
/// Node attributes are checked by building the graph.
void applySweepSetting(Project& project, const std::string& key, const std::string& value);

/// A copy of `base` with every setting of `run` applied (throws as applySweepSetting()).
Project projectForRun(const Project& base, const SweepRun& run);

} // namespace engine

#pragma once
// Trained weights as plain arrays for other tools: NumPy .npy files (one per parameter) and one
// long-format CSV table. Shared by `netcanvas-train export --weights-npy` and the GUI's
// File > Export menu; both write the bytes returned here (atomically, each its own way).

#include "core/Types.h"
#include "project/Project.h"

#include <string>
#include <vector>

namespace engine {

/// The bytes of a NumPy .npy file (format version 1.0, dtype '<f4', C order) holding `m`.
/// A column vector (cols == 1, e.g. a bias) is written 1-D as (rows,), anything else as
/// (rows, cols) with row-major data, so np.load gives the matrix as the engine stores it
/// (a Dense W is units x inputs, like PyTorch's Linear.weight).
std::string npyBytes(const Matrix& m);

/// A node's name made safe as a file name stem: letters, digits, '_', '-' and '.' are kept,
/// anything else becomes '_', and a leading '.' gets a '_' in front.
std::string safeFileStem(const std::string& name);

/// One parameter of a trained project, ready to be written as "<node>.<param>.npy".
struct WeightArray {
    NodeId node = -1;
    std::string nodeName; ///< the node's name, "<type>_<id>" when it has none
    std::string nodeType;
    std::string param; ///< "W", "b", ...
    std::string fileName; ///< "<safe node name>.<safe param>.npy", unique within the project
    const Matrix* value = nullptr; ///< points into the project passed in; valid while it lives
};

/// Every parameter of project.weights, in node-id then parameter-name order. Throws
/// InputError("weights", ...) when the project has no trained weights.
std::vector<WeightArray> weightArrays(const Project& project);

/// README.txt for a folder of .npy files: what each file holds, its shape, and how to load it.
std::string npyReadme(const Project& project, const std::vector<WeightArray>& arrays);

/// All weights as one CSV table, "node,type,parameter,row,column,value", one line per number
/// (row and column from 0, as the engine stores the matrix; a bias has column 0). Values are the
/// shortest text that reads back as the same float. Throws like weightArrays().
std::string weightsCsv(const Project& project);

} // namespace engine

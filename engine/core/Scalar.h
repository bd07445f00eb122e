#pragma once
// The engine's floating-point type, without Eigen: the per-ISA kernel files include only this,
// so no inline Eigen code is emitted there with instructions the running CPU may lack.

namespace engine {

#ifdef NETCANVAS_SCALAR_DOUBLE
using Scalar = double; ///< Used only by the gradient-check build of the engine.
#else
using Scalar = float;
#endif

} // namespace engine

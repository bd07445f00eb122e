#pragma once
// Ctrl+C handling for long runs. The signal handler only stores to a lock-free atomic flag
// (the one thing that is async-signal-safe); the training thread polls it after every
// mini-batch and asks the trainer to stop, so the run ends cleanly and writes nothing.

namespace cli {

/// Installs the SIGINT handler. A second Ctrl+C gets the default action (immediate exit), so a
/// stuck run can always be killed.
void installInterruptHandler();

/// True once SIGINT was received.
bool interruptRequested();

} // namespace cli

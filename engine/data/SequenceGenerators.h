#pragma once
// Generated sequence datasets for recurrent networks (issue #9). Every sample is a sequence
// {T, F} stored time-major in one column (Shape.h): rows [s F, (s + 1) F) hold step s.
//
// Generators, their framing and their options (DatasetSpec "options"; all optional):
// - "sine": next-value forecasting on one long sine wave. Input T x 1 (T = "length", default 20),
//   target the value after the window (regression, 1 x n). Sample i is the window starting at
//   step i, so the targets in sample order trace the series. "period": steps per cycle (default
//   25). noise: standard deviation of Gaussian observation noise on the series (inputs and
//   targets alike, as a real measured series would have it).
// - "multi_sine": the same framing on a sum of three sines (periods 9.3, 23 and 61 steps,
//   amplitudes 0.5, 0.3, 0.2, so values stay in [-1, 1]); default length 30.
// - "first_bit": remember the first bit. Input T x 1 of random bits -1 / +1, default length 30;
//   the class is the first bit (0 for -1, 1 for +1), the later bits are distractors. Classes
//   alternate, so they are exact halves. noise: standard deviation of Gaussian jitter on the
//   distractors (the first bit stays exact); at 1 a plain RNN can no longer tell the first bit
//   from the distractors by size and must carry it, which is what gates are for.
// - "adding": the adding problem (Hochreiter & Schmidhuber 1997). Input T x 2 (value in [0, 1),
//   marker 0 / 1), default length 50; exactly two markers, one in each half of the sequence;
//   target the sum of the two marked values (regression, in [0, 2)). noise is not used.
// - "char_text": next-character prediction on a small English text (charTextCorpus(), or the
//   string in option "text"), lower-cased with runs of white space made one space. Input T x 1 of
//   token ids (for an Embedding layer), default length 32; the class is the id of the character
//   after the window. Dataset::vocabulary[id] is the character (classNames the same, but a space
//   reads "␣"). Windows start at random offsets. noise is not used.
//
// Options "length" (2 to 1000) and "period" are validated: bad values throw InputError with
// where() "options.length" (loadDatasetParts() prefixes "dataset.").

#include "data/Dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

/// "sine", "multi_sine", "first_bit", "adding", "char_text".
std::vector<std::string> sequenceGeneratorNames();
bool isSequenceGenerator(const std::string& name);
bool isSequenceGeneratorRegression(const std::string& name);
/// T when options carry no "length".
int defaultSequenceLength(const std::string& name);

/// One of the sequence datasets above, deterministic in (name, samples, noise, seed, options).
/// Throws InputError for an unknown name ("generator"), samples < 1 ("samples") or a bad option
/// ("options.length", "options.period", "options.text").
Dataset generateSequenceDataset(const std::string& name, int samples, double noise,
    std::uint64_t seed, const nlohmann::json& options = nlohmann::json::object());

/// The text "char_text" trains on by default, as written (before lower-casing).
const std::string& charTextCorpus();

/// The form char_text learns from: lower case, each run of white space one space, trimmed.
std::string normalizedCharText(const std::string& text);

} // namespace engine

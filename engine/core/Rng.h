#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <cstdlib>

namespace engine {

/// Seeded pseudo-random source. Distributions are computed here rather than with <random>'s
/// distributions, whose output differs between standard libraries: a seed must reproduce a run
/// bit-for-bit on every machine with the same thread count.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : m_engine(seed) {}

    void seed(std::uint64_t s) { m_engine.seed(s); m_hasSpare = false; }

    std::uint64_t next() { return m_engine(); }

    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    /// Standard normal (Marsaglia polar method).
    double normal()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u, v, s;
        do {
            u = uniform(-1.0, 1.0);
            v = uniform(-1.0, 1.0);
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        m_spare = v * f;
        m_hasSpare = true;
        return u * f;
    }
    double normal(double mean, double stddev) { return mean + stddev * normal(); }

    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }

    /// Fisher-Yates shuffle.
    template <typename Container> void shuffle(Container& c)
    {
        for (std::size_t i = c.size(); i > 1; --i)
            std::swap(c[i - 1], c[static_cast<std::size_t>(below(i))]);
    }

    /// Derives an independent seed for a sub-component (a layer, a data split).
    static std::uint64_t derive(std::uint64_t seed, std::uint64_t salt)
    {
        std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (salt + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    /// The generator's whole state as text, so that a stopped run can continue with the same
    /// random numbers (a resumed run, a timeline checkpoint). setState() of text that state()
    /// did not write returns false and leaves the generator unchanged.
    std::string state() const
    {
        std::ostringstream out;
        out << m_engine << ' ' << (m_hasSpare ? 1 : 0) << ' ' << std::hexfloat << m_spare;
        return out.str();
    }
    bool setState(const std::string& text)
    {
        std::istringstream in(text);
        std::mt19937_64 engine;
        int hasSpare = 0;
        std::string spare;
        if (!(in >> engine >> hasSpare >> spare) || (hasSpare != 0 && hasSpare != 1))
            return false;
        char* end = nullptr;
        const double spareValue = std::strtod(spare.c_str(), &end);
        if (end == spare.c_str() || *end != '\0')
            return false;
        m_engine = engine;
        m_hasSpare = hasSpare == 1;
        m_spare = spareValue;
        return true;
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

} // namespace engine

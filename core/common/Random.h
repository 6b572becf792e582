#pragma once
// Deterministic randomness: the same seed gives the same numbers on every
// platform and standard library. std::mt19937_64's output sequence is fixed by
// the standard, but std::*_distribution is implementation-defined, so the
// project draws its own bounded integers, uniforms and normals from it.

#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace tl {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    std::uint64_t next() { return engine_(); }

    // Unbiased integer in [0, bound) (bound > 0), by rejection.
    std::uint64_t below(std::uint64_t bound)
    {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
        std::uint64_t x;
        do {
            x = engine_();
        } while (x >= limit);
        return x % bound;
    }

    // Uniform double in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

    // Standard normal by Box-Muller (no cached second value: simple and reproducible).
    double normal()
    {
        double u1;
        do {
            u1 = uniform();
        } while (u1 <= 0.0);
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }

    // Fisher-Yates shuffle driven by below().
    template <typename T>
    void shuffle(std::vector<T>& values)
    {
        for (std::size_t i = values.size(); i > 1; --i)
            std::swap(values[i - 1], values[below(i)]);
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace tl

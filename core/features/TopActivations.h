#pragma once
// The frames that activate each feature most: per dimension, the `top` frames
// with the largest values over every frame added, for the feature gallery.
//
// Memory: dims x top entries of 20 bytes (item index, frame time as float seconds,
// value, and the insertion order that breaks ties), independent of the number of
// frames: 1,280 x 8 x 20 = 200 KiB for MobileNetV2, 25,088 x 8 x 20 = 3.8 MiB for
// VGG's pool5, 62,720 x 8 x 20 = 9.6 MiB for MobileNetV2's map. Adding a frame costs O(dims) plus O(log top) per dimension
// where it enters the top.
//
// Order: entries(f) is sorted by value, largest first; ties keep the frame added
// first (lower item index, then earlier frame), so the index equals a stable sort
// of all frames by value. NaN values are never entered.
//
// Threading: not synchronised; fill it from one thread, then read it from any.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tl::features {

struct Activation {
    std::uint32_t item = 0;  // caller's item index
    float time = 0;          // frame time, seconds
    float value = 0;
};

class TopActivationIndex {
public:
    TopActivationIndex(std::size_t dims = 0, std::size_t top = 8);

    std::size_t dims() const { return dims_; }
    std::size_t top() const { return top_; }
    std::size_t framesAdded() const { return frames_; }
    std::size_t bytes() const { return dims_ * top_ * (sizeof(Activation) + sizeof(std::uint64_t)) + dims_ * sizeof(std::uint32_t); }

    // One frame's dims() values.
    void add(std::uint32_t item, double time, const float* values);

    // The largest activations of dimension f, largest first (at most top()).
    std::vector<Activation> entries(std::size_t f) const;

    // Puts back what entries(f) gave (a saved index): `sorted` largest first, at most
    // top() of them; later add()s rank after them on ties. framesAdded() becomes `frames`
    // after the last dimension is restored (setFramesAdded).
    void restore(std::size_t f, const std::vector<Activation>& sorted);
    void setFramesAdded(std::size_t frames) { frames_ = frames; }

private:
    std::size_t dims_, top_;
    std::size_t frames_ = 0;
    // Per dimension a min-heap of (value, order) of up to top_ entries.
    std::vector<Activation> heap_;
    std::vector<std::uint64_t> order_;  // insertion order of each heap slot (ties)
    std::vector<std::uint32_t> size_;
};

}  // namespace tl::features

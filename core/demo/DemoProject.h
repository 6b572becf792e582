#pragma once
// The embedded demo project: a small, fully synthetic "movie" catalogue with
// trailers, made from a seed on first use (deterministic), so TrailerLab shows
// the whole method on a fresh machine without any download.
//
// Generating model (documented in the project's README.txt too):
//  - Items belong to visual families. Each family has a centre in a
//    five-dimensional space of visual properties, all in [0, 1]:
//    warmth (palette hue: cold blue -> warm orange), brightness, texture
//    (strength of stripes and grain), motion (speed of moving shapes) and
//    cut rate (shots per second). An item's properties are its family's
//    centre plus N(0, 0.08) jitter, clipped to [0, 1].
//  - Each item's trailer is painted from those properties: a palette gradient,
//    textured overlay, moving shapes; a new shot (new layout and shade) at
//    each cut. 5-10 s, small resolution, H.264.
//  - Each trailer has a soundtrack made from the same properties (mono, 22,050 Hz,
//    AAC 64 kbit/s; its own random stream, so pictures and ratings are those of a
//    silent demo of the same seed):
//      cut rate   -> tempo: a thump (decaying 60 Hz tone, 4 ms noise attack) every
//                    beat at 80 + 80 * cut rate bpm; an accent thump at each of the
//                    picture's cuts, where the pad also changes note (onsets at cuts);
//      warmth     -> timbre: a sustained harmonic pad (one of five notes, 196-294 Hz),
//                    harmonic k at k^-(0.6 + 2.4 * warmth), and the whole mix through
//                    a one-pole low-pass at 500 * 2^(4 (1 - warmth)) Hz (8 kHz cold,
//                    500 Hz warm): warm trailers sound muffled, cold ones bright
//                    (spectral centroid falls with warmth);
//      texture    -> noise: steady low-passed white noise at texture * 0.6 of the pad's
//                    level (the top mel bands' level flickers);
//      brightness -> loudness: the mix at -20 + 18 * brightness dB;
//      motion     -> not heard. So the sound carries four of the five tastes'
//                    properties, cut rate most plainly, motion not at all.
//  - Genres: the family's name, plus "Bright"/"Dark" and "Fast"/"Slow" when the
//    brightness or motion property is far from the middle.
//  - Users have tastes for the five properties, t ~ N(0, 1) each, a bias
//    b_u ~ N(0, 0.3^2); items a bias b_i ~ N(0, 0.25^2). A rating is
//    round(3.3 + b_u + b_i + affinity * sum_j t_j (p_j - 0.5) / sqrt(5) + N(0, noise^2))
//    (affinity 4, noise 0.4 by default) clamped to 1..5, for ~20 % of the
//    user-item pairs (80 % missing; ~30 ratings a user, so a 20 % holdout leaves
//    each user several test ratings to predict), items picked with a mild
//    popularity skew.
//  So what a user likes is visible (and mostly audible) in the trailers:
//  collaborative filtering on video features, and on audio descriptors, can beat
//  the user-mean baseline, and the demo's tests check both.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/JobContext.h"

namespace tl {

struct DemoSpec {
    int items = 150;
    int users = 600;
    double density = 0.2;
    int width = 160;
    int height = 120;
    int fps = 12;
    double minSeconds = 5;
    double maxSeconds = 10;
    std::uint64_t seed = 2025;
    double affinity = 4.0;    // weight of taste . (properties - 0.5) / sqrt(5)
    double noise = 0.4;       // standard deviation of the rating noise
    bool writeClips = true;   // false: ratings and metadata only (tests of the rating model)
    bool sound = true;        // false: silent trailers (the same pictures and ratings)
};

// The demo's version: bumped whenever the generating model or its defaults change.
// It is stamped in the project's README.txt ("demo version N") and in the
// completion marker; a demo of another version is regenerated, never reused.
int demoVersion();

// The version stamped in dir/README.txt; 0 when there is none (no demo, or one
// older than the stamp).
int demoVersionIn(const std::filesystem::path& dir);

// Where the demo lives by default: $XDG_DATA_HOME/trailerlab/demo
// (~/.local/share/trailerlab/demo).
std::filesystem::path defaultDemoDir();

// Writes the demo project into dir (clips/, ratings.csv, movies.csv,
// manifest.csv, properties.csv, README.txt and demo.trailerlab.json) and
// returns the project file. An existing complete demo of the same version and
// spec is reused; otherwise the demo is written again, and what was derived from
// the old one (item profiles in cache/profiles, reports/) is removed. The feature
// store (cache/features, keyed by video content) is kept.
// Progress stage "demo" (clips written).
std::filesystem::path createDemoProject(const std::filesystem::path& dir, const DemoSpec& spec = {},
                                        const JobContext& ctx = JobContext::none());

}  // namespace tl

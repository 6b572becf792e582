#include "core/common/XdgPaths.h"
#include "core/demo/DemoProject.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_set>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/project/Project.h"
#include "core/video/ClipWriter.h"

namespace tl {

namespace {

constexpr int kProperties = 5;  // warmth, brightness, texture, motion, cut rate
using Properties = std::array<double, kProperties>;

struct Family {
    const char* name;
    Properties centre;
};

const std::array<Family, 6> kFamilies = {{
    {"Sunlit", {0.85, 0.85, 0.20, 0.25, 0.20}},
    {"Noir", {0.35, 0.12, 0.30, 0.20, 0.25}},
    {"Neon", {0.10, 0.35, 0.15, 0.80, 0.60}},
    {"Forest", {0.55, 0.50, 0.85, 0.30, 0.30}},
    {"Action", {0.95, 0.55, 0.50, 0.90, 0.90}},
    {"Ocean", {0.05, 0.70, 0.10, 0.50, 0.35}},
}};

struct DemoItem {
    int family;
    Properties p;
    double seconds;
    std::uint64_t seed;
};

void hsvToRgb(double h, double s, double v, double& r, double& g, double& b)
{
    h = std::fmod(std::fmod(h, 360.0) + 360.0, 360.0) / 60.0;
    const int sector = static_cast<int>(h);
    const double f = h - sector, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    switch (sector) {
    case 0: r = v, g = t, b = p; break;
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    default: r = v, g = p, b = q; break;
    }
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

// Shots per second: the cut rate property, shared by the picture (a new layout
// and shade at each cut) and the sound (a new chord and an accented beat).
double shotRate(const DemoItem& item) { return 0.15 + 1.05 * item.p[4]; }

// Paints frame `index` of an item: palette gradient, texture, moving shapes, cuts.
void paintFrame(const DemoItem& item, int fps, int index, int width, int height, std::vector<std::uint8_t>& rgb)
{
    const double t = static_cast<double>(index) / fps;
    const double shotsPerSecond = shotRate(item);
    const auto shot = static_cast<std::uint64_t>(t * shotsPerSecond);
    Rng shotRng(mix(item.seed, shot));
    const double hue = 220.0 - 195.0 * item.p[0] + (shotRng.uniform() - 0.5) * 30.0;
    const double value = 0.12 + 0.8 * item.p[1];
    const double stripe = 4 + 10 * shotRng.uniform(), angle = shotRng.uniform() * M_PI;
    const double texture = item.p[2];
    struct Shape {
        double x, y, r, vx, vy, hue;
    };
    std::array<Shape, 3> shapes{};
    for (auto& s : shapes) {
        const double speed = (0.05 + 0.9 * item.p[3]) * width;  // pixels per second
        const double dir = shotRng.uniform() * 2 * M_PI;
        s = {shotRng.uniform() * width, shotRng.uniform() * height, height * (0.1 + 0.12 * shotRng.uniform()),
             speed * std::cos(dir), speed * std::sin(dir), hue + 150 + 60 * shotRng.uniform()};
    }
    const double local = t - static_cast<double>(shot) / shotsPerSecond;
    Rng grain(mix(item.seed ^ 0xABCDEFull, static_cast<std::uint64_t>(index)));
    rgb.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    const double ca = std::cos(angle), sa = std::sin(angle);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            double v = value * (0.75 + 0.25 * (1.0 - static_cast<double>(y) / height));
            v += texture * 0.22 * std::sin((x * ca + y * sa) * 2 * M_PI / stripe);
            v += texture * 0.12 * (grain.uniform() - 0.5);
            double h = hue, s = 0.65;
            for (const auto& shape : shapes) {
                const double sx = std::fmod(std::fmod(shape.x + shape.vx * local, width) + width, width);
                const double sy = std::fmod(std::fmod(shape.y + shape.vy * local, height) + height, height);
                if ((x - sx) * (x - sx) + (y - sy) * (y - sy) < shape.r * shape.r) {
                    h = shape.hue;
                    s = 0.8;
                    v = std::min(1.0, v + 0.25);
                }
            }
            double r, g, b;
            hsvToRgb(h, s, std::clamp(v, 0.0, 1.0), r, g, b);
            const std::size_t o = (static_cast<std::size_t>(y) * width + x) * 3;
            rgb[o] = static_cast<std::uint8_t>(std::lround(r * 255));
            rgb[o + 1] = static_cast<std::uint8_t>(std::lround(g * 255));
            rgb[o + 2] = static_cast<std::uint8_t>(std::lround(b * 255));
        }
}

constexpr const char* kSoundReadme =
    "\nEach trailer has a soundtrack made from the same properties (mono, 22,050 Hz, AAC):\n"
    "  cut rate   -> tempo: a thump every beat at 80 + 80 * cut rate bpm, an accent thump at each\n"
    "                cut of the picture, where the sustained pad also changes note;\n"
    "  warmth     -> timbre: the pad's harmonic k at k^-(0.6 + 2.4 * warmth), the whole mix low-passed\n"
    "                at 500 * 2^(4 (1 - warmth)) Hz: warm trailers sound muffled, cold ones bright;\n"
    "  texture    -> noise: steady noise at texture * 0.6 of the pad's level;\n"
    "  brightness -> loudness: -20 + 18 * brightness dB;\n"
    "  motion     -> not heard.\n"
    "So CF on audio descriptors (trailerlab-cli extract --model audio) should beat the user mean too.\n";
constexpr int kSoundRate = 22050;  // the rate core/audio describes at
constexpr std::uint64_t kSoundSalt = 0x50D5EEDull;

// The soundtrack of an item: `samples` mono samples at kSoundRate, from the same
// properties as its picture (the model is documented in DemoProject.h).
// Its own random stream (from the item's seed): the picture and the ratings are
// those of a silent demo of the same seed.
std::vector<float> synthesiseSoundtrack(const DemoItem& item, std::int64_t samples)
{
    constexpr double kRate = kSoundRate;
    const double warmth = item.p[0], brightness = item.p[1], texture = item.p[2], cutRate = item.p[4];
    const double shotSeconds = 1.0 / shotRate(item);
    const double beatSeconds = 60.0 / (80.0 + 80.0 * cutRate);
    const double gain = std::pow(10.0, (-20.0 + 18.0 * brightness) / 20.0);
    // Warmth muffles: the whole mix through a one-pole low-pass at 8 kHz (cold) .. 500 Hz (warm).
    const double cutoff = 500.0 * std::pow(2.0, 4.0 * (1.0 - warmth));
    const double smoothing = 1.0 - std::exp(-2.0 * M_PI * cutoff / kRate);
    constexpr double kGrain = 0.6;
    constexpr std::array<double, 5> kNotes = {196.00, 220.00, 246.94, 261.63, 293.66};

    // One period of the pad's waveform per note, normalised to RMS 1; harmonic k
    // at k^-(0.6 + 2.4 warmth): a warm pad is nearly a sine, a cold one bright.
    constexpr int kTable = 4096;
    const double alpha = 0.6 + 2.4 * warmth;
    std::array<std::vector<float>, kNotes.size()> tables;
    for (std::size_t n = 0; n < kNotes.size(); ++n) {
        const int harmonics = std::min(40, static_cast<int>(9000.0 / kNotes[n]));
        std::vector<double> wave(kTable, 0.0);
        double power = 0;
        for (int k = 1; k <= harmonics; ++k) {
            const double a = std::pow(static_cast<double>(k), -alpha);
            power += a * a / 2;
            for (int i = 0; i < kTable; ++i)
                wave[static_cast<std::size_t>(i)] += a * std::sin(2 * M_PI * k * i / kTable);
        }
        tables[n].resize(kTable);
        for (int i = 0; i < kTable; ++i)
            tables[n][static_cast<std::size_t>(i)] = static_cast<float>(wave[static_cast<std::size_t>(i)] / std::sqrt(power));
    }

    std::vector<float> out(static_cast<std::size_t>(samples));
    Rng noise(mix(item.seed, kSoundSalt));
    double phase = 0, grainState = 0, muffled = 0;
    std::uint64_t noteShot = UINT64_MAX;
    std::size_t note = 0;
    // A thump: a decaying 60 Hz tone with a 4 ms noise attack, `t` seconds after its onset.
    const auto thump = [](double t, double white) {
        return 0.35 * std::sin(2 * M_PI * 60 * t) * std::exp(-t / 0.08) + 0.25 * white * std::exp(-t / 0.004);
    };
    for (std::int64_t s = 0; s < samples; ++s) {
        const double t = static_cast<double>(s) / kRate;
        const auto shot = static_cast<std::uint64_t>(t * shotRate(item));
        const double inShot = t - static_cast<double>(shot) * shotSeconds;
        if (shot != noteShot) {
            Rng shotRng(mix(item.seed ^ kSoundSalt, shot));
            note = static_cast<std::size_t>(shotRng.below(kNotes.size()));
            noteShot = shot;
        }
        // Pad: a new note at each cut, 30 ms attack after it, 30 ms release before the next.
        const double envelope = std::clamp(std::min(inShot, shotSeconds - inShot) / 0.03, 0.0, 1.0);
        phase = std::fmod(phase + kNotes[note] / kRate, 1.0);
        const double pad = 0.15 * envelope * tables[note][static_cast<std::size_t>(phase * kTable) % kTable];
        // Beat: a thump every beat; each cut adds an accent thump (onsets at the picture's cuts).
        const double white = 2 * noise.uniform() - 1;
        const double sinceBeat = std::fmod(t, beatSeconds);
        const double beat = thump(sinceBeat, white) + 0.6 * thump(inShot, white);
        // Texture: steady noise (one-pole low-passed, 3 x scales it to RMS 1), at texture x kGrain of the pad's level.
        grainState += 0.5 * (white - grainState);
        const double grain = kGrain * texture * 0.15 * 3.0 * grainState;
        muffled += smoothing * (pad + beat + grain - muffled);
        out[static_cast<std::size_t>(s)] = static_cast<float>(gain * muffled);
    }
    return out;
}

constexpr int kDemoVersion = 3;
constexpr const char* kVersionStamp = "demo version ";

std::string specSignature(const DemoSpec& s)
{
    std::ostringstream out;
    out << "trailerlab-demo v" << kDemoVersion << " items=" << s.items << " users=" << s.users << " density=" << s.density
        << " size=" << s.width << "x" << s.height << " fps=" << s.fps << " seconds=" << s.minSeconds << "-"
        << s.maxSeconds << " seed=" << s.seed
        << " affinity=" << s.affinity << " noise=" << s.noise << " clips=" << s.writeClips << " sound=" << s.sound;
    return out.str();
}

}  // namespace

int demoVersion() { return kDemoVersion; }

int demoVersionIn(const std::filesystem::path& dir)
{
    std::ifstream in(dir / "README.txt");
    std::string line;
    std::getline(in, line);
    const auto at = line.find(kVersionStamp);
    if (at == std::string::npos)
        return 0;
    return std::atoi(line.c_str() + at + std::string(kVersionStamp).size());
}

std::filesystem::path defaultDemoDir()
{
    return xdg::appDataDir() / "demo";
}

std::filesystem::path createDemoProject(const std::filesystem::path& dir, const DemoSpec& spec, const JobContext& ctx)
{
    if (spec.items < 1 || spec.users < 1 || !(spec.density > 0 && spec.density <= 0.5) || spec.fps < 1 ||
        !(spec.minSeconds > 0 && spec.maxSeconds >= spec.minSeconds))
        throw ConfigError("invalid demo specification");
    const auto projectFile = dir / "demo.trailerlab.json";
    const auto marker = dir / ".complete";
    const std::string signature = specSignature(spec);
    if (std::filesystem::exists(marker) && std::filesystem::exists(projectFile)) {
        std::ifstream in(marker);
        std::string line;
        std::getline(in, line);
        if (line == signature && demoVersionIn(dir) == kDemoVersion)
            return projectFile;
    }
    if (std::filesystem::exists(projectFile)) {
        // An earlier demo: what was computed from it no longer describes this one.
        std::filesystem::remove(marker);
        std::filesystem::remove_all(dir / "cache" / "profiles");
        std::filesystem::remove_all(dir / "reports");
    }
    std::filesystem::create_directories(dir / "clips");

    Rng rng(spec.seed);
    std::vector<DemoItem> items(static_cast<std::size_t>(spec.items));
    for (int i = 0; i < spec.items; ++i) {
        DemoItem& item = items[static_cast<std::size_t>(i)];
        item.family = i % static_cast<int>(kFamilies.size());
        for (int j = 0; j < kProperties; ++j)
            item.p[static_cast<std::size_t>(j)] = std::clamp(
                kFamilies[static_cast<std::size_t>(item.family)].centre[static_cast<std::size_t>(j)] + 0.08 * rng.normal(),
                0.0, 1.0);
        item.seconds = spec.minSeconds + (spec.maxSeconds - spec.minSeconds) * rng.uniform();
        item.seed = rng.next();
    }

    // Trailers.
    for (int i = 0; i < spec.items && spec.writeClips; ++i) {
        ctx.checkCancelled();
        const DemoItem& item = items[static_cast<std::size_t>(i)];
        video::ClipSpec clip;
        clip.codec = "libx264";
        clip.width = spec.width;
        clip.height = spec.height;
        clip.fps = spec.fps;
        clip.frames = static_cast<int>(std::lround(item.seconds * spec.fps));
        clip.gop = spec.fps * 2;
        clip.threads = 1;  // the same bytes on every run
        const auto file = dir / "clips" / ("trailer_" + std::to_string(i + 1) + ".mp4");
        video::AudioTrack sound;
        if (spec.sound) {
            sound.channels = 1;
            sound.sampleRate = kSoundRate;
            sound.codec = "aac";
            sound.bitRate = 64000;
            sound.samples = synthesiseSoundtrack(
                item, static_cast<std::int64_t>(std::lround(static_cast<double>(clip.frames) / spec.fps * kSoundRate)));
        }
        video::writeClip(
            file, clip,
            [&](int index, int w, int h, std::vector<std::uint8_t>& rgb) { paintFrame(item, spec.fps, index, w, h, rgb); },
            sound);
        ctx.report("demo", i + 1, spec.items, file.filename().string());
    }

    // Users and ratings.
    const double norm = 1.0 / std::sqrt(static_cast<double>(kProperties));
    std::vector<double> itemBias(items.size());
    for (auto& b : itemBias)
        b = 0.25 * rng.normal();
    std::vector<double> popularity(items.size());
    for (auto& w : popularity)
        w = std::exp(0.6 * rng.normal());
    std::vector<double> cdf(items.size());
    std::partial_sum(popularity.begin(), popularity.end(), cdf.begin());
    std::ostringstream ratings;
    ratings << "userId,movieId,rating,timestamp\n";
    std::size_t ratingCount = 0;
    for (int u = 0; u < spec.users; ++u) {
        Properties taste{};
        for (auto& t : taste)
            t = rng.normal();
        const double userBias = 0.3 * rng.normal();
        const auto wanted = std::clamp<std::size_t>(
            static_cast<std::size_t>(std::lround(spec.density * spec.items * std::exp(0.5 * rng.normal()))), 3,
            items.size() / 2);
        std::unordered_set<std::size_t> chosen;
        std::vector<std::size_t> order;
        while (chosen.size() < wanted) {
            const double x = rng.uniform() * cdf.back();
            const auto i = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
            if (chosen.insert(std::min(i, items.size() - 1)).second)
                order.push_back(std::min(i, items.size() - 1));
        }
        for (std::size_t i : order) {
            double affinity = 0;
            for (int j = 0; j < kProperties; ++j)
                affinity += taste[static_cast<std::size_t>(j)] * (items[i].p[static_cast<std::size_t>(j)] - 0.5);
            const double value = 3.3 + userBias + itemBias[i] + spec.affinity * affinity * norm + spec.noise * rng.normal();
            ratings << (u + 1) << ',' << (i + 1) << ',' << std::clamp(std::lround(value), 1L, 5L) << ','
                    << 1700000000 + ratingCount << '\n';
            ++ratingCount;
        }
    }

    auto write = [&](const std::string& name, const std::string& text) { writeFileAtomically(dir / name, text); };
    write("ratings.csv", ratings.str());
    std::ostringstream movies, properties;
    movies << "movieId,title,genres\n";
    properties << "item_id,family,warmth,brightness,texture,motion,cut_rate,seconds\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
        const DemoItem& item = items[i];
        const char* family = kFamilies[static_cast<std::size_t>(item.family)].name;
        std::string genres = family;
        if (item.p[1] > 0.65)
            genres += "|Bright";
        if (item.p[1] < 0.3)
            genres += "|Dark";
        if (item.p[3] > 0.65)
            genres += "|Fast";
        if (item.p[3] < 0.3)
            genres += "|Slow";
        movies << (i + 1) << ",\"" << family << " No. " << (i / kFamilies.size() + 1) << "\"," << genres << '\n';
        properties << (i + 1) << ',' << family;
        for (double v : item.p)
            properties << ',' << v;
        properties << ',' << item.seconds << '\n';
    }
    write("movies.csv", movies.str());
    write("properties.csv", properties.str());
    std::vector<ManifestEntry> manifest;
    for (std::size_t i = 0; i < items.size(); ++i)
        manifest.push_back({std::to_string(i + 1), dir / "clips" / ("trailer_" + std::to_string(i + 1) + ".mp4")});
    writeManifest(manifest, dir / "manifest.csv");
    write("README.txt",
          std::string("TrailerLab demo project, ") + kVersionStamp + std::to_string(kDemoVersion) + " (" + signature + ")\n\n" + std::to_string(items.size()) + " items in " +
              std::to_string(kFamilies.size()) + " visual families, " + std::to_string(spec.users) + " users, " +
              std::to_string(ratingCount) + " ratings (" +
              std::to_string(static_cast<int>(std::lround(100.0 * static_cast<double>(ratingCount) /
                                                          (static_cast<double>(items.size()) * spec.users)))) +
              " % of the user-item pairs).\n\n"
              "Each item has five visual properties in [0, 1] (properties.csv): warmth (palette hue), brightness,\n"
              "texture (stripes and grain), motion (speed of the moving shapes) and cut rate (shots per second).\n"
              "Its trailer (clips/) is painted from them. Users have tastes for the five properties; a rating is\n"
              "round(3.3 + user bias + item bias + " + std::to_string(spec.affinity) +
              " * taste . (properties - 0.5) / sqrt(5) + N(0, " + std::to_string(spec.noise) + "^2)),\n"
              "clamped to 1..5. What a user likes is therefore visible in the trailers, so collaborative\n"
              "filtering on video features should beat the user-mean baseline.\n" +
              (spec.sound ? kSoundReadme : std::string("\nThe trailers are silent (made without sound).\n")));

    Project project;
    project.name = "TrailerLab demo";
    project.ratings = dir / "ratings.csv";
    project.items = dir / "movies.csv";
    project.manifest = dir / "manifest.csv";
    project.models = {"mobilenetv2"};
    project.fps = {1, 2, 3};
    project.cache = dir / "cache";
    saveProject(project, projectFile);
    write(".complete", signature + "\n");
    return projectFile;
}

}  // namespace tl

#include "core/audio/LogMelPatches.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tl::audio {

void LogMelPatchShape::check() const
{
    if (frames < 1 || hop < 1)
        throw std::invalid_argument("log-mel patches: " + std::to_string(frames) + " frames every " +
                                    std::to_string(hop) + ": both must be at least 1");
}

struct LogMelPatcher::Impl {
    LogMelSpectrum spectrum;
    LogMelPatchShape shape;
    std::vector<float> pending;  // samples not yet consumed by a frame (the next frame starts at 0)
    std::vector<float> recent;   // frames nextStart .. (the newest), kMelBands floats each
    std::vector<float> finished; // patches not yet taken
    std::size_t frames = 0;
    std::size_t patches = 0;
    std::size_t nextStart = 0;   // first frame of the next patch
    bool done = false;

    Impl(int rate, LogMelPatchShape s) : spectrum(rate), shape(s) { shape.check(); }

    void onFrame(const float* samples)
    {
        spectrum.analyse(samples);
        const std::size_t t = frames++;
        if (t < nextStart)  // between patches (hop > frames)
            return;
        const std::size_t at = recent.size();
        recent.resize(at + kMelBands);
        spectrum.logMel(recent.data() + at);
        if (t + 1 == nextStart + static_cast<std::size_t>(shape.frames))
            emit();
    }

    // The patch of the frames in `recent` (padded with silence to a whole patch), transposed to [band][frame].
    void emit()
    {
        const auto length = static_cast<std::size_t>(shape.frames);
        const std::size_t have = recent.size() / kMelBands;
        const std::size_t at = finished.size();
        finished.resize(at + shape.floats(), static_cast<float>(kLogMelFloorDb));
        for (std::size_t f = 0; f < std::min(have, length); ++f)
            for (std::size_t b = 0; b < static_cast<std::size_t>(kMelBands); ++b)
                finished[at + b * length + f] = recent[f * kMelBands + b];
        ++patches;
        nextStart += static_cast<std::size_t>(shape.hop);
        const std::size_t drop = std::min(have, static_cast<std::size_t>(shape.hop));
        recent.erase(recent.begin(), recent.begin() + static_cast<std::ptrdiff_t>(drop * kMelBands));
    }

    void add(const float* x, std::size_t n)
    {
        if (done)
            throw std::logic_error("LogMelPatcher::add after finish");
        splitFrames(pending, x, n, [this](const float* frame) { onFrame(frame); });
    }

    void finish()
    {
        if (done)
            return;
        if (frames == 0) {  // shorter than one frame: zero-padded to one, as the descriptors
            pending.resize(kFrameSize, 0.0f);
            onFrame(pending.data());
        }
        if (patches == 0)  // shorter than one patch: one, padded with silence
            emit();
        pending.clear();
        pending.shrink_to_fit();
        recent.clear();
        done = true;
    }
};

LogMelPatcher::LogMelPatcher(int sampleRate, LogMelPatchShape shape) : impl_(std::make_unique<Impl>(sampleRate, shape)) {}
LogMelPatcher::~LogMelPatcher() = default;
void LogMelPatcher::add(const float* samples, std::size_t count) { impl_->add(samples, count); }
void LogMelPatcher::finish() { impl_->finish(); }
std::size_t LogMelPatcher::ready() const { return impl_->finished.size() / impl_->shape.floats(); }
const LogMelPatchShape& LogMelPatcher::shape() const { return impl_->shape; }
std::size_t LogMelPatcher::framesSeen() const { return impl_->frames; }
std::size_t LogMelPatcher::patchesMade() const { return impl_->patches; }

std::vector<float> LogMelPatcher::take(std::size_t max)
{
    auto& finished = impl_->finished;
    const std::size_t n = std::min(max, ready()) * impl_->shape.floats();
    if (n == finished.size())
        return std::exchange(finished, {});
    std::vector<float> out(finished.begin(), finished.begin() + static_cast<std::ptrdiff_t>(n));
    finished.erase(finished.begin(), finished.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

std::vector<float> logMelPatches(const std::vector<float>& samples, int sampleRate, LogMelPatchShape shape)
{
    LogMelPatcher patcher(sampleRate, shape);
    patcher.add(samples.data(), samples.size());
    patcher.finish();
    return patcher.take();
}

PatchStreamResult streamLogMelPatches(const std::filesystem::path& file, const LogMelPatchShape& shape,
                                      std::size_t batch, const PatchSink& sink, const CancelToken* cancel)
{
    if (batch == 0)
        throw std::invalid_argument("streamLogMelPatches: batch must be at least 1");
    LogMelPatcher patcher(kAudioSampleRate, shape);
    auto drain = [&](bool all) {
        while (patcher.ready() >= batch || (all && patcher.ready() > 0)) {
            const std::vector<float> patches = patcher.take(batch);
            sink(patches.data(), patches.size() / shape.floats());
        }
    };
    PatchStreamResult result;
    result.decode = decodeAudio(
        file,
        [&](const float* samples, std::size_t count) {
            patcher.add(samples, count);
            drain(false);
        },
        cancel);
    if (result.decode.status != AudioStatus::Decoded)
        return result;
    patcher.finish();
    drain(true);
    result.patches = patcher.patchesMade();
    result.frames = patcher.framesSeen();
    return result;
}

}  // namespace tl::audio

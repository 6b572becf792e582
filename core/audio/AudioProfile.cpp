#include "core/audio/AudioProfile.h"

namespace tl::audio {

AudioProfile describeAudioFile(const std::filesystem::path& file, const CancelToken* cancel)
{
    AudioProfile profile;
    AudioDescriptorAccumulator accumulator(kAudioSampleRate);
    profile.decode = decodeAudio(
        file, [&](const float* samples, std::size_t count) { accumulator.add(samples, count); }, cancel);
    if (profile.hasAudio())
        profile.values = accumulator.finish();
    return profile;
}

}  // namespace tl::audio

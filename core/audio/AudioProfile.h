#pragma once
// describeAudioFile(): one media file's soundtrack -> its named descriptor vector
// (audioDescriptorNames()), decoding and describing in one streaming pass.
// A file without an audio stream gives hasAudio() == false and no values (the
// caller lists it; it is never a row of zeros). Errors as decodeAudio().
// Thread-safe: each call has its own decoder and accumulator.

#include <filesystem>
#include <vector>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"

namespace tl::audio {

struct AudioProfile {
    AudioDecodeResult decode;
    std::vector<float> values;  // empty without audio
    bool hasAudio() const { return decode.status == AudioStatus::Decoded; }
};

AudioProfile describeAudioFile(const std::filesystem::path& file, const CancelToken* cancel = nullptr);

}  // namespace tl::audio

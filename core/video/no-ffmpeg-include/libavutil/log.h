#pragma once
// Stand-in for FFmpeg's <libavutil/log.h> in builds without FFmpeg
// (-DTRAILERLAB_WITH_FFMPEG=OFF; on the include path only then). The one
// FFmpeg call outside core/video, the CLI's ConsoleProgress quietening FFmpeg's
// log, becomes a no-op there; the sampling itself throws tl::ConfigError.
#define AV_LOG_QUIET -8
#define AV_LOG_ERROR 16
#define AV_LOG_WARNING 24
#define AV_LOG_INFO 32
inline void av_log_set_level(int) {}

#!/usr/bin/env bash
# Usage: run_with_null_sink.sh TEST_BINARY [TEST ARGS...]
# Runs a Qt test with a real audio output device: a private PulseAudio server
# (its own XDG_RUNTIME_DIR) whose only sink is module-null-sink, so QAudioSink
# plays into a device that discards the sound. TRAILERLAB_EXPECT_AUDIO_DEVICE=1
# tells the test that the device must be found. Skips (77) without pulseaudio.
set -uo pipefail
command -v pulseaudio >/dev/null && command -v pactl >/dev/null || {
  echo "pulseaudio/pactl not installed: skipping the run with an audio device"; exit 77; }
dir=$(mktemp -d)
export XDG_RUNTIME_DIR=$dir HOME=$dir
pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --log-target=file:$dir/pulse.log \
  -L "module-null-sink sink_name=trailerlab_null" -L module-native-protocol-unix >/dev/null 2>&1 &
pulse=$!
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || { echo "the private PulseAudio server did not start:"; cat "$dir/pulse.log"; kill $pulse; rm -rf "$dir"; exit 1; }
TRAILERLAB_EXPECT_AUDIO_DEVICE=1 "$@"
rc=$?
kill $pulse 2>/dev/null; wait $pulse 2>/dev/null
rm -rf "$dir"
exit $rc

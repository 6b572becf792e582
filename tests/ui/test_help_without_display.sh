#!/usr/bin/env bash
# Usage: test_help_without_display.sh TRAILERLAB VERSION
# `trailerlab --help` and `trailerlab --version` must work on a console with no
# display at all (they used to abort with Qt's "could not connect to display").
set -uo pipefail
app=$1 version=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$app" "$@" 2>&1; }
out=$(run --help) || fail "--help exited with $?: $out"
grep -q -- "--screenshot" <<<"$out" || fail "--help does not list --screenshot: $out"
grep -q "VIDEO" <<<"$out" || fail "--help does not mention VIDEO: $out"
out=$(run --version) || fail "--version exited with $?: $out"
[[ $out == "trailerlab $version" ]] || fail "--version printed '$out', expected 'trailerlab $version'"
echo "help and version without a display: ok"

#!/usr/bin/env bash
# The main job. Sets up a Debian 12 machine, builds TrailerLab, creates the
# embedded demo project on first use (generated trailers, users and ratings in
# $XDG_DATA_HOME/trailerlab/demo), then
#  - with a display: opens the workbench on it;
#  - without one (or with TRAILERLAB_HEADLESS=1): runs the paper's experiment on
#    it headless and writes the report (table + RMSE-vs-K chart) to a printed path.
# Idempotent: the build, the demo and the feature cache are reused.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash packaging/install-deps.sh
cmake --preset release
cmake --build --preset release --target trailerlab-cli trailerlab

cli="$root/build/release/app/trailerlab-cli"
gui="$root/build/release/app/trailerlab"
project="$("$cli" demo --quiet)"
echo "demo project: $project"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && "${TRAILERLAB_HEADLESS:-0}" != 1 ]]; then
  exec "$gui" "$project"
fi

report="$(dirname "$project")/reports/experiment"
# MobileNetV2's pretrained weights come from the model registry (imported once with
# `trailerlab-cli models import FILE`, installed, or the checkout's reference models
# folder); without them the run uses seeded random weights, and every output says so.
"$cli" experiment "$project" --out "$report" --random-weights 1 --fps 1
echo
echo "report: $report/table.md (Table 1 of the paper, on the demo), $report/rmse_vs_k.svg, $report/results.csv"

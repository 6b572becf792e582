#!/usr/bin/env bash
# The main job: sets up a Debian 12 machine, builds TrailerLab, and runs the
# collaborative-filtering pipeline headless on a synthetic MovieLens-style data
# set (ratings + item features + genres, generated deterministically), then
# writes a report. Idempotent: data and build are reused when present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash packaging/install-deps.sh
cmake --preset release
cmake --build --preset release --target trailerlab-cli trailerlab

cli="$root/build/release/app/trailerlab-cli"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}/trailerlab"
demo="$data_home/synthetic-demo"
report="$data_home/reports/synthetic-demo"
if [[ ! -f "$demo/ratings.csv" ]]; then
  "$cli" synth --out "$demo" --users 943 --items 1682 --ratings 100000 --features 64 --seed 42
fi
mkdir -p "$report"
"$cli" evaluate --ratings "$demo/ratings.csv" --item-features "$demo/features.csv" \
  --genres "$demo/movies.csv" --baselines --k 10:100:10 --out "$report/results.csv" | tee "$report/summary.txt"
echo
echo "report: $report/summary.txt and $report/results.csv"

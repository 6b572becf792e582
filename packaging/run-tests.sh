#!/usr/bin/env bash
# Sets up a Debian 12 machine (packages from packaging/debian-packages.txt),
# builds everything with the release preset and runs every test with CTest.
# Idempotent: a second run only rebuilds what changed.
# Tests that need the shared reference data (TRAILERLAB_SHARED_DIR: MovieLens 100K,
# videos, MobileNetV2) skip with a message when it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash packaging/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release

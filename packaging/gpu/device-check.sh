#!/usr/bin/env bash
# Builds and checks TrailerLab on a GPU server that has only a PyTorch (pip,
# CUDA), cmake, ninja and gcc: no apt, Qt, FFmpeg headers, BLAS, GTest, Eigen
# or nlohmann-json. Run from the repository root with build/gpu-bundle (from
# packaging/gpu/make-bundle.sh) next to it:
#
#   bash packaging/gpu/device-check.sh
#
# Steps (each logs to $OUT/<step>.log; a failed step does not stop the script;
# a summary table comes at the end, and in $OUT/summary.txt):
#   env        GPU, compiler, cmake, glibc, torch version / CUDA / ABI / CMake prefix
#   bundle     unpack the carried OpenBLAS (when glibc allows)
#   configure  the real CMake build: core + CLI + core tests + benchmarks,
#              -DTRAILERLAB_WITH_QT=OFF -DTRAILERLAB_WITH_FFMPEG=OFF, against the PyTorch prefix
#              (falls back to packaging/gpu/torch-shim when PyTorch's own TorchConfig fails)
#   build      everything configured, -j$JOBS
#   ctest      ctest -L core
#   features   bench_features: VGG19 and MobileNetV2, batch 64, fp32
#              (synthetic frames, random weights: no videos or FFmpeg here)
#   cf_1m, cf_20m  bench_cf --scale 1m / 20m --device cuda (without --device if bench_cf rejects it)
#   features_half  the same as features with --half (CUDA only; last, when time is left)
#
# Environment (all optional):
#   OUT            log folder [default: build/device-check]
#   BUNDLE         the carried bundle [build/gpu-bundle]
#   PYTHON         Python with torch [python3]
#   TORCH_PREFIX   CMake prefix of LibTorch [python -c 'import torch; print(torch.utils.cmake_prefix_path)'];
#                  e.g. /usr for Debian's libtorch-dev
#   TORCH_ROOT     the torch package folder (include/, lib/) for the shim [from $PYTHON]
#   TORCH_ABI      0/1, _GLIBCXX_USE_CXX11_ABI of that LibTorch [torch._C._GLIBCXX_USE_CXX11_ABI, else 1]
#   DEVICE         device for the benchmarks [cuda when torch sees a GPU, else cpu]
#   JOBS           build jobs [16]; BUILD_DIR [build/gpu]; DEADLINE_S total budget in seconds [540]
#   BUILD_LIMIT_S [300], CTEST_LIMIT_S [90]: limits of the build and ctest steps (a slow machine needs more)
#   FEATURES_ARGS  extra bench_features arguments; CF_SCALES [1m 20m]; SKIP_HALF=1 skips the --half run
#   TORCH_ROUTE    auto: PyTorch's own TorchConfig, the shim when that fails over Torch/Caffe2 [auto];
#                  config: PyTorch's only; shim: packaging/gpu/torch-shim only
#   EXTRA_CMAKE_ARGS  more configure arguments (word-split), e.g. -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
OUT=${OUT:-$root/build/device-check}
BUNDLE=${BUNDLE:-$root/build/gpu-bundle}
PYTHON=${PYTHON:-python3}
JOBS=${JOBS:-16}
BUILD_DIR=${BUILD_DIR:-$root/build/gpu}
DEADLINE_S=${DEADLINE_S:-540}
CF_SCALES=${CF_SCALES:-"1m 20m"}
mkdir -p "$OUT"
export OUT BUNDLE PYTHON BUILD_DIR
start=$SECONDS
summary=()

remaining() { echo $((DEADLINE_S - (SECONDS - start))); }
# run_step NAME MAX_SECONDS COMMAND...: runs under `timeout`, logs to $OUT/NAME.log,
# records status and time. The limit is the smaller of MAX_SECONDS and the time left.
run_step() {
  local name=$1 max=$2; shift 2
  local left; left=$(remaining)
  local limit=$((max < left ? max : left))
  local log="$OUT/$name.log"
  if ((limit < 5)); then
    summary+=("$(printf '%-10s %-8s %6s  %s' "$name" SKIPPED - "no time left in DEADLINE_S=$DEADLINE_S")")
    echo "== $name: skipped, no time left" | tee "$log"
    return 99
  fi
  echo "== $name (limit ${limit}s): $*" | tee "$log"
  local t0=$SECONDS rc
  if declare -F "$1" >/dev/null; then
    # A shell function: `timeout` runs programs, so hand it a bash with the function's definition.
    timeout -k 10 "$limit" bash -c "$(declare -f "$1"); $(printf '%q ' "$@")" >>"$log" 2>&1
  else
    timeout -k 10 "$limit" "$@" >>"$log" 2>&1
  fi
  rc=$?
  local dt=$((SECONDS - t0)) status=ok
  ((rc == 0)) || status="FAIL($rc)"
  ((rc == 124 || rc == 137)) && status=TIMEOUT
  summary+=("$(printf '%-10s %-8s %6s  %s' "$name" "$status" "$dt" "$log")")
  tail -n "${TAIL_LINES:-15}" "$log"
  echo "== $name: $status in ${dt}s"
  return $rc
}

# --- env ---------------------------------------------------------------------
env_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)   host: $(hostname)   cores: $(nproc)"
  (command -v nvidia-smi >/dev/null && nvidia-smi -L) || echo "nvidia-smi: not found"
  (command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv) || true
  echo "os: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  echo "glibc: $(ldd --version 2>&1 | head -1)"
  echo "gcc: $(${CXX:-g++} --version | head -1)"
  echo "cmake: $(cmake --version | head -1)"
  echo "ninja: $(ninja --version 2>/dev/null || echo none)"
  echo "ccache: $(command -v ccache || echo none)"
  free -g 2>/dev/null | head -2
  "$PYTHON" - <<'PY' || echo "python torch: not importable with $PYTHON"
import os, torch
print("torch:", torch.__version__, "cuda:", torch.version.cuda, "cuda available:", torch.cuda.is_available(),
      "devices:", torch.cuda.device_count())
print("torch dir:", os.path.dirname(torch.__file__))
print("cmake prefix:", torch.utils.cmake_prefix_path)
print("CXX11 ABI:", int(torch._C._GLIBCXX_USE_CXX11_ABI))
PY
  command -v nvcc >/dev/null && nvcc --version | tail -1 || echo "nvcc: not found (PyTorch's TorchConfig may then need the shim)"
}
run_step env 60 env_info

torch_py() { "$PYTHON" -c "import torch, os; print($1)" 2>/dev/null; }
TORCH_ROOT=${TORCH_ROOT:-$(torch_py "os.path.dirname(torch.__file__)")}
TORCH_PREFIX=${TORCH_PREFIX:-$(torch_py 'torch.utils.cmake_prefix_path')}
TORCH_ABI=${TORCH_ABI:-$(torch_py 'int(torch._C._GLIBCXX_USE_CXX11_ABI)')}
TORCH_ABI=${TORCH_ABI:-1}
if [[ -z ${DEVICE:-} ]]; then
  [[ $(torch_py 'torch.cuda.is_available()') == True ]] && DEVICE=cuda || DEVICE=cpu
fi
echo "torch prefix: ${TORCH_PREFIX:-none}  torch root: ${TORCH_ROOT:-none}  ABI: $TORCH_ABI  bench device: $DEVICE"

# --- bundle ------------------------------------------------------------------
blas_args=()
export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}
unpack_bundle() {
  [[ -d $BUNDLE/prefix ]] || { echo "no bundle at $BUNDLE (run packaging/gpu/make-bundle.sh and carry it)"; return 1; }
  cat "$BUNDLE/MANIFEST.txt"
  [[ -f $BUNDLE/openblas-libs.tar.xz ]] || { echo "no OpenBLAS in the bundle"; return 0; }
  local have need
  have=$(ldd --version 2>&1 | head -1 | grep -o '[0-9]\+\.[0-9]\+$')
  need=$(cat "$BUNDLE/OPENBLAS_GLIBC" 2>/dev/null || echo 99)
  if [[ $(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1) != "$need" ]]; then
    echo "glibc $have < $need: not using the carried OpenBLAS (Eigen's own GEMM instead)"
    return 0
  fi
  local lib=$BUILD_DIR/_bundle-lib
  rm -rf "$lib" && mkdir -p "$lib"
  tar -C "$lib" -xJf "$BUNDLE/openblas-libs.tar.xz" && ln -sf libopenblas.so.0 "$lib/libopenblas.so" || return 1
  echo "OpenBLAS unpacked into $lib"
}
mkdir -p "$BUILD_DIR"
if run_step bundle 60 unpack_bundle && [[ -f $BUILD_DIR/_bundle-lib/libopenblas.so ]]; then
  blas_args=(-DBLA_VENDOR=OpenBLAS "-DBLAS_LIBRARIES=$BUILD_DIR/_bundle-lib/libopenblas.so")
  export LD_LIBRARY_PATH=$BUILD_DIR/_bundle-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi

# --- configure ---------------------------------------------------------------
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
common=(-S "$root" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
        -DTRAILERLAB_WITH_QT=OFF -DTRAILERLAB_WITH_FFMPEG=OFF
        -DTRAILERLAB_BUILD_TESTS=ON -DTRAILERLAB_BUILD_BENCHMARKS=ON
        "-DCMAKE_CXX_FLAGS=-D_GLIBCXX_USE_CXX11_ABI=$TORCH_ABI"
        "-DTRAILERLAB_GTEST_SOURCE_DIR=$BUNDLE/googletest"
        "${blas_args[@]}" "${launcher[@]}" ${EXTRA_CMAKE_ARGS:-})
TORCH_ROUTE=${TORCH_ROUTE:-auto}
configure_shim() {
  if [[ -z $TORCH_ROOT || ! -d $TORCH_ROOT/include/torch ]]; then
    echo "no torch package with include/ to point the shim at"; torch_route=none; return 1
  fi
  rm -f "$BUILD_DIR/CMakeCache.txt"
  torch_route=torch-shim
  run_step configure_shim 120 cmake "${common[@]}" "-DCMAKE_PREFIX_PATH=$BUNDLE/prefix" \
    "-DTorch_DIR=$root/packaging/gpu/torch-shim" "-DTORCH_SHIM_ROOT=$TORCH_ROOT" "-DTORCH_SHIM_CXX11_ABI=$TORCH_ABI" ||
    torch_route=none
}
if [[ $TORCH_ROUTE == shim ]]; then
  configure_shim
elif run_step configure 120 cmake "${common[@]}" "-DCMAKE_PREFIX_PATH=$BUNDLE/prefix;${TORCH_PREFIX}"; then
  torch_route=pytorch-config
elif [[ $TORCH_ROUTE == auto ]] && grep -qE "Caffe2|Torch|CUDA" <(grep -A8 "CMake Error" "$OUT/configure.log"); then
  echo "configure with PyTorch's TorchConfig failed over Torch/CUDA: retrying with packaging/gpu/torch-shim"
  configure_shim
else
  torch_route=none
fi

# --- build, tests, benchmarks -------------------------------------------------
if [[ $torch_route != none ]]; then
  # -k 0: build every target that can be built, so one broken test does not stop the benchmarks.
  run_step build "${BUILD_LIMIT_S:-300}" cmake --build "$BUILD_DIR" -j "$JOBS" -- -k 0
  run_step ctest "${CTEST_LIMIT_S:-90}" ctest --test-dir "$BUILD_DIR" -L core -j "$(( JOBS / 2 > 1 ? JOBS / 2 : 1 ))" \
    --timeout 80 --output-on-failure

  # Benchmarks, most wanted first; the --half run is last (extra when time is left).
  bf=$BUILD_DIR/tests/features/bench_features
  if [[ -x $bf ]]; then
    run_step features 100 "$bf" --models vgg19,mobilenetv2 --device "$DEVICE" --batch 64 --synthetic ${FEATURES_ARGS:-}
  else
    summary+=("$(printf '%-10s %-8s %6s  %s' features MISSING - "$bf was not built (see build.log)")")
  fi

  cf=$BUILD_DIR/tests/bench/bench_cf
  cf_device=(--device "$DEVICE")
  for scale in $CF_SCALES; do
    [[ -x $cf ]] || { summary+=("$(printf '%-10s %-8s %6s  %s' "cf_$scale" MISSING - "$cf was not built")"); continue; }
    max=60; reps=3; [[ $scale == 20m ]] && max=220 && reps=1
    run_step "cf_$scale" "$max" "$cf" --scale "$scale" --reps "$reps" "${cf_device[@]}"
    rc=$?
    # A bench_cf without the --device option prints its usage and exits 2: run it on the CPU instead.
    if ((rc != 0 && rc != 124 && rc != 137)) && ((${#cf_device[@]})) &&
       grep -q "usage: bench_cf" "$OUT/cf_$scale.log" && ! grep "usage: bench_cf" "$OUT/cf_$scale.log" | grep -q -- "--device"; then
      echo "bench_cf rejects --device: running without it (CPU)"
      cf_device=()
      run_step "cf_${scale}_cpu" "$max" "$cf" --scale "$scale" --reps "$reps"
    fi
  done

  if [[ -x $bf && ${SKIP_HALF:-0} != 1 && $DEVICE == cuda ]]; then
    run_step features_half 80 "$bf" --models vgg19,mobilenetv2 --device "$DEVICE" --batch 64 --synthetic --half \
      ${FEATURES_ARGS:-}
  fi
fi

# --- summary -----------------------------------------------------------------
{
  echo
  echo "TrailerLab device check: torch route $torch_route, bench device $DEVICE, total $((SECONDS - start)) s (budget $DEADLINE_S s)"
  printf '%-10s %-8s %6s  %s\n' step status sec log
  printf '%s\n' "${summary[@]}"
  if [[ -f $OUT/ctest.log ]]; then grep -E "tests passed|tests failed|Skipped|\*\*\*" "$OUT/ctest.log" | tail -20; fi
  for f in "$OUT"/features*.log "$OUT"/cf_*.log; do
    [[ -f $f ]] || continue
    echo "--- $(basename "$f" .log)"
    grep -Ei "frames/s|GFLOP|sweep|peak|similarity|forward|end to end|RANDOM|device" "$f" | head -20
  done
} | tee "$OUT/summary.txt"

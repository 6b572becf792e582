#!/usr/bin/env bash
# Builds bench_features on a GPU server that has only a PyTorch installation (no FFmpeg,
# Qt, ONNX, BLAS or GTest) and runs it on CUDA with synthetic frames and random weights.
# Header-only Eigen and nlohmann-json come from $DEPS (default build/gpu-deps/include)
# when the system has none.  Usage: tests/features/gpu_bench.sh [bench args...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${BUILD:-$ROOT/build/gpu}
DEPS=${DEPS:-$ROOT/build/gpu-deps/include}
PY=${PYTHON:-python3}
TORCH=${TORCH:-$($PY -c 'import torch, os; print(os.path.dirname(torch.__file__))')}
ABI=${ABI:-$($PY -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')}
CXX=${CXX:-g++}
mkdir -p "$OUT"
INCS=(-I"$ROOT" -isystem "$TORCH/include" -isystem "$TORCH/include/torch/csrc/api/include" -isystem "$DEPS"
      -isystem /usr/include/eigen3)
FLAGS=(-std=c++20 -O2 -DNDEBUG -fPIC -D_GLIBCXX_USE_CXX11_ABI=$ABI -DTRAILERLAB_NO_VIDEO -Wall -Wextra)
SRCS=(core/common/Error.cpp core/features/Sha256.cpp core/features/Safetensors.cpp core/features/MobileNetV2Onnx.cpp
      core/features/TorchExtractors.cpp core/features/Pooling.cpp core/features/FeatureStore.cpp
      core/features/ExtractionPipeline.cpp tests/features/BenchFeatures.cpp)
pids=()
for s in "${SRCS[@]}"; do
  $CXX "${FLAGS[@]}" "${INCS[@]}" -c "$ROOT/$s" -o "$OUT/$(basename "$s" .cpp).o" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
CUDA_LIBS=()
[ -e "$TORCH/lib/libtorch_cuda.so" ] && CUDA_LIBS=(-ltorch_cuda -lc10_cuda)
$CXX "$OUT"/*.o -o "$OUT/bench_features" -L"$TORCH/lib" -Wl,-rpath,"$TORCH/lib" \
     -Wl,--no-as-needed "${CUDA_LIBS[@]}" -ltorch_cpu -ltorch -lc10 -Wl,--as-needed -lpthread
"$OUT/bench_features" "$@"

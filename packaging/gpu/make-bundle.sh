#!/usr/bin/env bash
# Builds build/gpu-bundle/: what a GPU server with only PyTorch (no apt, BLAS,
# GTest, Eigen or nlohmann-json) needs to build TrailerLab's core, CLI, core
# tests and benchmarks with CMake. Run it HERE, on the Debian 12 build machine
# (packages from packaging/debian-packages.txt), then carry build/gpu-bundle
# to the server and run packaging/gpu/device-check.sh there.
#
#   build/gpu-bundle/prefix/include/eigen3, share/eigen3/cmake        Eigen 3.4 + CMake config
#   build/gpu-bundle/prefix/include/nlohmann, share/cmake/nlohmann_json nlohmann-json 3 + CMake config
#   build/gpu-bundle/googletest/                                      googletest sources (TRAILERLAB_GTEST_SOURCE_DIR)
#   build/gpu-bundle/openblas-libs.tar.xz                             OpenBLAS 0.3.21 (pthread) + libgfortran5 + libquadmath0,
#                                                                     x86_64, needs glibc >= 2.34 on the server
#   build/gpu-bundle/MANIFEST.txt                                     versions, sizes, where each part came from
#
# The Debian config files compute their prefix from their own location, so
# find_package(Eigen3) / find_package(nlohmann_json) work with
# -DCMAKE_PREFIX_PATH=build/gpu-bundle/prefix. Idempotent (rebuilds the folder).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/gpu-bundle"
limit_mib=${BUNDLE_LIMIT_MIB:-40}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
libdir=/usr/lib/$multiarch

need() { [[ -e $1 ]] || { echo "make-bundle: $1 not found (install $2: packaging/install-deps.sh)" >&2; exit 1; }; }
need /usr/include/eigen3/Eigen/Core libeigen3-dev
need /usr/share/eigen3/cmake/Eigen3Config.cmake libeigen3-dev
need /usr/include/nlohmann/json.hpp nlohmann-json3-dev
need /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake nlohmann-json3-dev
need /usr/src/googletest/CMakeLists.txt libgtest-dev
need "$libdir/openblas-pthread/libopenblas.so.0" libopenblas0-pthread
need "$libdir/libgfortran.so.5" libgfortran5
need "$libdir/libquadmath.so.0" libquadmath0

rm -rf "$out"
mkdir -p "$out/prefix/include" "$out/prefix/share/eigen3" "$out/prefix/share/cmake"
cp -a /usr/include/eigen3 "$out/prefix/include/"
rm -rf "$out/prefix/include/eigen3/unsupported"   # not used by TrailerLab
cp -a /usr/share/eigen3/cmake "$out/prefix/share/eigen3/"
cp -a /usr/include/nlohmann "$out/prefix/include/"
cp -a /usr/share/cmake/nlohmann_json "$out/prefix/share/cmake/"
cp -a /usr/src/googletest "$out/googletest"

# OpenBLAS as a tarball of real files (no symlinks); device-check.sh unpacks it
# into prefix/lib and makes the libopenblas.so / .so.0 links.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -L "$libdir/openblas-pthread/libopenblas.so.0" "$stage/libopenblas.so.0"
cp -L "$libdir/libgfortran.so.5" "$stage/libgfortran.so.5"
cp -L "$libdir/libquadmath.so.0" "$stage/libquadmath.so.0"
tar -C "$stage" -cJf "$out/openblas-libs.tar.xz" libopenblas.so.0 libgfortran.so.5 libquadmath.so.0
glibc_needed=$(objdump -T "$stage"/*.so.* | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)

ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
{
  echo "TrailerLab GPU build bundle, made $(date -u +%Y-%m-%dT%H:%MZ) on $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "eigen3          $(ver libeigen3-dev)   /usr/include/eigen3 (without unsupported/), /usr/share/eigen3/cmake"
  echo "nlohmann-json   $(ver nlohmann-json3-dev)   /usr/include/nlohmann, /usr/share/cmake/nlohmann_json"
  echo "googletest      $(ver googletest)   /usr/src/googletest"
  echo "openblas        $(ver libopenblas0-pthread)   libopenblas.so.0 (pthread), libgfortran5 $(ver libgfortran5), libquadmath0 $(ver libquadmath0)"
  echo "openblas-libs.tar.xz needs glibc >= $glibc_needed on the server"
} >"$out/MANIFEST.txt"
echo "$glibc_needed" >"$out/OPENBLAS_GLIBC"

size_kib=$(du -sk "$out" | cut -f1)
cat "$out/MANIFEST.txt"
echo "make-bundle: $out is $((size_kib / 1024)) MiB ($size_kib KiB)"
if ((size_kib > limit_mib * 1024)); then
  echo "make-bundle: larger than $limit_mib MiB" >&2
  exit 1
fi

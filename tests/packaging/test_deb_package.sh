#!/usr/bin/env bash
# Usage: test_deb_package.sh BUILD_DIR VERSION CPACK gui|nogui
#
# Builds the .deb from BUILD_DIR (its binaries must be built), checks its
# metadata and file list, installs it with dpkg -i, runs the INSTALLED
# /usr/bin/trailerlab-cli (--version, then `demo` + `experiment` on a tiny
# generated project with temporary HOME and XDG folders), removes it with
# dpkg -r and checks that every file it installed is gone.
# Exit 77 (CTest skip) when not root, without dpkg, or when a trailerlab
# package is already installed (never replaced by a test). A trap removes the
# package if anything fails after the install.
set -euo pipefail
build=$1 version=$2 cpack=$3 flavour=$4

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root to dpkg -i / dpkg -r (run ctest as root, e.g. in CI)"
command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null || skip "dpkg not found (not a Debian system)"
if dpkg-query -W -f='${Status}' trailerlab 2>/dev/null | grep -q "install ok installed"; then
  skip "a trailerlab package is already installed on this machine; the test does not replace it"
fi

tmp=$(mktemp -d /tmp/trailerlab-deb-test.XXXXXX)
installed=0
cleanup() {
  local rc=$?
  if [[ $installed -eq 1 ]]; then
    echo "cleanup: removing the trailerlab package installed by this test"
    dpkg -r trailerlab >/dev/null 2>&1 || echo "cleanup: dpkg -r trailerlab failed" >&2
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "cpack -G DEB"
t0=$SECONDS
(cd "$build" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; fail "cpack failed"; }
debs=("$tmp"/pkg/trailerlab_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { cat "$tmp/cpack.log"; fail "expected one trailerlab_*.deb in $tmp/pkg"; }
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $((SECONDS - t0)) s"

step "package metadata"
dpkg-deb -f "$deb" Package Version Section Architecture Maintainer Depends
[[ $(dpkg-deb -f "$deb" Package) == trailerlab ]] || fail "package name"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
need=(libtorch1.13 libavcodec libavformat libswscale libc6 libstdc++6)
[[ $flavour == gui ]] && need+=(libqt6widgets6 libqt6multimedia6)
for d in "${need[@]}"; do
  grep -q "\b$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
grep -Eq "libopenblas|libblas3" <<<"$depends" || fail "Depends lacks a BLAS (libopenblas0 / libblas3): $depends"

step "package contents: only /usr, nothing in /usr/local"
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents"
if grep -Ev '^\./($|usr/)' "$tmp/contents"; then fail "files outside /usr (above)"; fi
if grep -E '^\./usr/local' "$tmp/contents"; then fail "files in /usr/local (above)"; fi
expect=(./usr/bin/trailerlab-cli ./usr/share/man/man1/trailerlab-cli.1.gz
        ./usr/share/metainfo/org.trailerlab.TrailerLab.metainfo.xml
        ./usr/share/icons/hicolor/scalable/apps/org.trailerlab.TrailerLab.svg
        ./usr/share/doc/trailerlab/README.md ./usr/share/doc/trailerlab/copyright)
[[ $flavour == gui ]] && expect+=(./usr/bin/trailerlab ./usr/share/man/man1/trailerlab.1.gz
                                  ./usr/share/applications/org.trailerlab.TrailerLab.desktop)
for f in "${expect[@]}"; do grep -qx "$f" "$tmp/contents" || fail "package lacks $f"; done

step "dpkg -i"
installed=1
dpkg -i "$deb" >"$tmp/dpkg-i.log" 2>&1 || { cat "$tmp/dpkg-i.log"; fail "dpkg -i failed (run packaging/install-deps.sh first)"; }
dpkg -L trailerlab >"$tmp/installed-files"

step "installed programs"
out=$(/usr/bin/trailerlab-cli --version)
[[ $out == "trailerlab-cli $version" ]] || fail "trailerlab-cli --version printed '$out'"
echo "$out"
if [[ $flavour == gui ]]; then
  out=$(/usr/bin/trailerlab --version)
  [[ $out == "trailerlab $version" ]] || fail "trailerlab --version printed '$out'"
  echo "$out"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net --pedantic /usr/share/metainfo/org.trailerlab.TrailerLab.metainfo.xml ||
    fail "appstreamcli validate"
fi
if command -v desktop-file-validate >/dev/null && [[ $flavour == gui ]]; then
  desktop-file-validate /usr/share/applications/org.trailerlab.TrailerLab.desktop || fail "desktop-file-validate"
fi
if command -v man >/dev/null; then
  MANPAGER=cat man -l /usr/share/man/man1/trailerlab-cli.1.gz >/dev/null 2>"$tmp/man.err" || fail "man page"
  if [[ -s $tmp/man.err ]]; then cat "$tmp/man.err"; fail "man page warnings"; fi
fi

step "headless demo + experiment with the installed trailerlab-cli (temporary HOME and XDG folders)"
run_home=$tmp/home
mkdir -p "$run_home"
export HOME=$run_home XDG_DATA_HOME=$tmp/xdg-data XDG_CACHE_HOME=$tmp/xdg-cache XDG_CONFIG_HOME=$tmp/xdg-config
unset TRAILERLAB_SHARED
t0=$SECONDS
(cd "$tmp" && /usr/bin/trailerlab-cli demo --items 8 --users 60 --density 0.3 --quiet) || fail "trailerlab-cli demo"
project=$XDG_DATA_HOME/trailerlab/demo/demo.trailerlab.json
[[ -f $project ]] || fail "demo did not go to \$XDG_DATA_HOME/trailerlab/demo"
(cd "$tmp" && /usr/bin/trailerlab-cli experiment "$project" --models mobilenetv2 --fps 0.5 --k 5,10 \
                --random-weights 1 --quiet) >"$tmp/experiment.log" 2>&1 ||
  { cat "$tmp/experiment.log"; fail "trailerlab-cli experiment"; }
cat "$tmp/experiment.log"
echo "demo + experiment took $((SECONDS - t0)) s"
report=$XDG_DATA_HOME/trailerlab/demo/reports/experiment
for f in table.md results.csv results.json rmse_vs_k.svg; do
  [[ -s $report/$f ]] || fail "report file $report/$f missing or empty"
done
grep -q "| mobilenetv2-fps0.5-random |" "$report/table.md" || fail "table.md has no mobilenetv2-fps0.5-random row"
grep -q "RANDOM WEIGHTS" "$report/results.json" || fail "results.json is not stamped RANDOM WEIGHTS"
rows=$(($(wc -l <"$report/results.csv") - 1))
[[ $rows -ge 4 ]] || fail "results.csv has $rows rows"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$report/results.json" || fail "results.json is not JSON"
# RMSE values in results.csv must be finite numbers in a sane range for 1..5 ratings.
python3 - "$report/results.csv" <<'PY' || fail "results.csv RMSE values"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
col = next(c for c in rows[0] if c.lower() == "rmse")
vals = [float(r[col]) for r in rows if r[col] not in ("", "-")]
assert vals and all(math.isfinite(v) and 0 < v < 4 for v in vals), vals
print(f"{len(vals)} RMSE values in [{min(vals):.3f}, {max(vals):.3f}]")
PY
# Nothing may land in $HOME itself: every file goes to the XDG folders.
stray=$(find "$run_home" -mindepth 1 | head -5)
[[ -z $stray ]] || fail "files written under \$HOME instead of the XDG folders: $stray"

step "dpkg -r"
dpkg -r trailerlab >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log"; fail "dpkg -r failed"; }
installed=0
left=0
while read -r f; do
  [[ -f $f || -L $f ]] && { echo "still present: $f" >&2; left=1; }
done <"$tmp/installed-files"
[[ $left -eq 0 ]] || fail "files left after dpkg -r"
test ! -e /usr/bin/trailerlab-cli || fail "/usr/bin/trailerlab-cli still exists"
echo "PASS: $(basename "$deb") built, installed, ran and removed cleanly"

#!/usr/bin/env bash
# Usage: test_man_pages.sh TRAILERLAB_CLI MAN_PAGE
# Fails when `trailerlab-cli --help` lists a command the man page does not
# document (as a `.B name` item of its COMMANDS section).
set -euo pipefail
cli=$1 page=$2
commands=$("$cli" --help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[[ -n "$commands" ]] || { echo "no commands parsed from $cli --help" >&2; exit 1; }
missing=0
for c in $commands; do
  if ! grep -qx "\.B $c" "$page"; then
    echo "man page $page lacks the command '$c' (listed by trailerlab-cli --help)" >&2
    missing=1
  fi
done
[[ $missing -eq 0 ]] && echo "man page documents: $(echo $commands)"
exit $missing

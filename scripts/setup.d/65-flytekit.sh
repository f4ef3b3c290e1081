#!/usr/bin/env bash
# flytekit tier: flytekit from PyPI (requirements-flytekit.txt, every package pinned by
# requirements-flytekit-constraints.txt) in a venv in the cache,
# "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flytekit/<hash>/venv", never in the repo; "<cache>/flytekit/current" names
# the hash. The tests drive a running `flyte-mc up` with it (test/flytekit/drive.py). flytekit 1.16 runs on Python
# 3.9-3.12; this takes $FLYTE_MC_FLYTEKIT_PYTHON, python3.12 on PATH, or pyenv's ~/.pyenv/versions/3.12.*.
# Idempotent (stamp file). Progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cache="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flytekit"
req="$root/requirements-flytekit.txt"
constraints="$root/requirements-flytekit-constraints.txt"
TIER=65-flytekit
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

usable() { "$1" -c 'import sys; assert (3, 9) <= sys.version_info[:2] <= (3, 12); print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }

python=""
candidates=("${FLYTE_MC_FLYTEKIT_PYTHON:-}" python3.12)
for d in "$HOME"/.pyenv/versions/3.12.*; do candidates+=("$d/bin/python3"); done
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if v="$(usable "$c")" && [ -n "$v" ]; then python="$(command -v "$c")"; pyver="$v"; break; fi
done
if [ -z "$python" ]; then
  log "no Python 3.9-3.12 found (flytekit 1.16 needs one): tried \$FLYTE_MC_FLYTEKIT_PYTHON, python3.12 on PATH and $HOME/.pyenv/versions/3.12.*; install one (e.g. pyenv install 3.12) or set FLYTE_MC_FLYTEKIT_PYTHON"
  exit 1
fi

hash="$( (grep -hv '^#' "$req" "$constraints"; echo "python $pyver") | sha256sum | cut -c1-16)"
dir="$cache/$hash"
venv="$dir/venv"
set_current() { mkdir -p "$cache" && echo "$hash" > "$cache/.current.$$" && mv -f "$cache/.current.$$" "$cache/current"; }

if [ -x "$venv/bin/python" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$hash" ]; then
  set_current
  log "up to date ($venv, Python $pyver)"
  exit 0
fi

trap '[ -f "$dir/stamp" ] || rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "installing $(grep -v '^#' "$req" | tr '\n' ' ')with Python $pyver ($python); about 180 MB"
start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --isolated --quiet --disable-pip-version-check -r "$req" -c "$constraints" >&2 || {
  log "pip install failed (see above)"
  exit 1
}
"$venv/bin/python" -c 'import flytekit.remote, flytekit.clients.friendly' || {
  log "the installed flytekit does not import"
  exit 1
}
secs=$(( $(date +%s) - start ))
printf '{"seconds": %s, "python": "%s", "size": "%s", "built": "%s"}\n' "$secs" "$pyver" "$(du -sh "$venv" | cut -f1)" "$(date -u +%FT%TZ)" > "$dir/install.json"
echo "$hash" > "$dir/stamp"
log "installed in ${secs}s ($(du -sh "$venv" | cut -f1), $venv)"
set_current
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done

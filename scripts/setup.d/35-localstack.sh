#!/usr/bin/env bash
# LocalStack tier: LocalStack's own runtime (requirements-localstack.txt, every package pinned by
# requirements-localstack-constraints.txt) in a venv in the cache,
# "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/localstack/<hash>/venv", never in the repo; "<cache>/localstack/current"
# names the hash. The hash covers both files (without comments) and the interpreter's version. LocalStack 2026.3.0 needs Python >= 3.13
# (it imports warnings.deprecated; its metadata claims >= 3.10), so this finds one: $FLYTE_MC_LOCALSTACK_PYTHON,
# python3.14/python3.13 on PATH, or pyenv's ~/.pyenv/versions/3.13.* and 3.14.*. Idempotent (stamp file).
# Then it starts LocalStack once through the harness's launcher, which keeps the service-catalog index it builds on
# the first request beside the venv, so later first requests are fast. Progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
cache="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/localstack"
req="$root/requirements-localstack.txt"
constraints="$root/requirements-localstack-constraints.txt"
TIER=35-localstack
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

# Prints the interpreter's version when it is >= 3.13, else nothing.
usable() { "$1" -c 'import sys; assert sys.version_info >= (3, 13); print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }

python=""
candidates=("${FLYTE_MC_LOCALSTACK_PYTHON:-}" python3.14 python3.13)
for d in "$HOME"/.pyenv/versions/3.14.* "$HOME"/.pyenv/versions/3.13.*; do candidates+=("$d/bin/python3"); done
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if v="$(usable "$c")" && [ -n "$v" ]; then python="$(command -v "$c")"; pyver="$v"; break; fi
done
if [ -z "$python" ]; then
  log "no Python >= 3.13 found (LocalStack 2026.3.0 needs it): tried \$FLYTE_MC_LOCALSTACK_PYTHON, python3.14 and python3.13 on PATH, $HOME/.pyenv/versions/3.1[34].*; install one (e.g. pyenv install 3.13) or set FLYTE_MC_LOCALSTACK_PYTHON"
  exit 1
fi

# Comments do not change what is installed, so they do not change the hash.
hash="$( (grep -hv '^#' "$req" "$constraints"; echo "python $pyver") | sha256sum | cut -c1-16)"
dir="$cache/$hash"
venv="$dir/venv"

set_current() { mkdir -p "$cache" && echo "$hash" > "$cache/.current.$$" && mv -f "$cache/.current.$$" "$cache/current"; }
warm() {
  # One start through the harness's own launcher: the smoke test, and it keeps the catalog index in $dir/catalog.
  if ls "$dir"/catalog/service-catalog-*.dill >/dev/null 2>&1; then return 0; fi
  log "starting LocalStack once to build its service-catalog index"
  FLYTE_MC_LOCALSTACK_HOME="$dir" "$root/scripts/node" "$root/mocks/localstack-process.ts" warm
}

if [ -x "$venv/bin/python" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$hash" ]; then
  set_current
  warm
  log "up to date ($venv, Python $pyver)"
  exit 0
fi

# An install that did not finish (no stamp) is removed, here and by the next run.
trap '[ -f "$dir/stamp" ] || rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "installing $(grep -v '^#' "$req" | tr '\n' ' ')with Python $pyver ($python); about 500 MB, several minutes cold"
start=$(date +%s)
# The venv is built where it lives (venvs are not relocatable); the stamp is written only once it imports.
rm -rf "$dir"
mkdir -p "$dir"
"$python" -m venv "$venv"
# --isolated: no user pip configuration; the constraints file pins every package, so a fresh machine gets this set.
"$venv/bin/python" -m pip install --isolated --quiet --disable-pip-version-check -r "$req" -c "$constraints" >&2 || {
  log "pip install failed (see above)"
  exit 1
}
"$venv/bin/python" -c 'import localstack.runtime.main, localstack.services.iam.provider, localstack.services.sts.provider' || {
  log "the installed LocalStack does not import"
  exit 1
}
secs=$(( $(date +%s) - start ))
printf '{"seconds": %s, "python": "%s", "size": "%s", "built": "%s"}\n' "$secs" "$pyver" "$(du -sh "$venv" | cut -f1)" "$(date -u +%FT%TZ)" > "$dir/install.json"
echo "$hash" > "$dir/stamp"
log "installed in ${secs}s ($(du -sh "$venv" | cut -f1), $venv)"
set_current
warm
# Keep the current and the previous install (a running harness may still use it); drop older ones.
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done

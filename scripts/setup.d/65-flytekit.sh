#!/usr/bin/env bash
# flytekit tier: flytekit from PyPI (requirements-flytekit.txt, every package pinned by
# requirements-flytekit-constraints.txt) in a venv in the cache,
# "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flytekit/<hash>/venv", never in the repo; "<cache>/flytekit/current" names
# the hash. The tests drive a running `flyte-mc up` with it (test/flytekit/drive.py). flytekit 1.16 runs on Python
# 3.9-3.12; this takes $FLYTE_MC_FLYTEKIT_PYTHON, python3.12 on PATH, or pyenv's ~/.pyenv/versions/3.12.*.
# Idempotent (stamp file). Progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
TIER=65-flytekit
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

candidates=("${FLYTE_MC_FLYTEKIT_PYTHON:-}" python3.12)
for d in "$HOME"/.pyenv/versions/3.12.*; do candidates+=("$d/bin/python3"); done
find_python 3,9 3,12 "${candidates[@]}" || {
  log "no Python 3.9-3.12 found (flytekit 1.16 needs one): tried \$FLYTE_MC_FLYTEKIT_PYTHON, python3.12 on PATH and $HOME/.pyenv/versions/3.12.*; install one (e.g. pyenv install 3.12) or set FLYTE_MC_FLYTEKIT_PYTHON"
  exit 1
}
pip_venv_cached "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flytekit" "$root/requirements-flytekit.txt" "$root/requirements-flytekit-constraints.txt" \
  'flytekit.remote, flytekit.clients.friendly' 'about 180 MB'

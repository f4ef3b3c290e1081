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
TIER=35-localstack
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

candidates=("${FLYTE_MC_LOCALSTACK_PYTHON:-}" python3.14 python3.13)
for d in "$HOME"/.pyenv/versions/3.14.* "$HOME"/.pyenv/versions/3.13.*; do candidates+=("$d/bin/python3"); done
find_python 3,13 3,99 "${candidates[@]}" || {
  log "no Python >= 3.13 found (LocalStack 2026.3.0 needs it): tried \$FLYTE_MC_LOCALSTACK_PYTHON, python3.14 and python3.13 on PATH, $HOME/.pyenv/versions/3.1[34].*; install one (e.g. pyenv install 3.13) or set FLYTE_MC_LOCALSTACK_PYTHON"
  exit 1
}
pip_venv_cached "$cache" "$root/requirements-localstack.txt" "$root/requirements-localstack-constraints.txt" \
  'localstack.runtime.main, localstack.services.iam.provider, localstack.services.sts.provider' 'about 500 MB, several minutes cold'

# One start through the harness's own launcher: the smoke test, and it keeps the catalog index in $venv_dir/catalog.
if ! ls "$venv_dir"/catalog/service-catalog-*.dill >/dev/null 2>&1; then
  log "starting LocalStack once to build its service-catalog index"
  FLYTE_MC_LOCALSTACK_HOME="$venv_dir" "$root/scripts/node" "$root/mocks/localstack-process.ts" warm
fi

#!/usr/bin/env bash
# moto tier: a project-local Python virtual environment (.venv, gitignored) holding the pinned moto[server] from
# requirements-moto.txt. Idempotent: does nothing when the venv already has exactly those requirements installed.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
venv="$root/.venv"
req="$root/requirements-moto.txt"
stamp="$venv/.flyte-mc-moto.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/moto_server" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "30-moto: python3 not found" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  echo "30-moto: creating $venv" >&2
  python3 -m venv "$venv"
fi
echo "30-moto: installing $(grep -v '^#' "$req" | tr '\n' ' ')into .venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
"$venv/bin/moto_server" --help >/dev/null
echo "$want" > "$stamp"

#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than package-lock.json. Quiet when up to date.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  echo "flyte-mc: installing npm dependencies (first run; includes Node 22)..." >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

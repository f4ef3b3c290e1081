#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than package-lock.json. Quiet when up to date.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  echo "flyte-mc: installing npm dependencies (first run; includes Node 22)..." >&2
  # Not `npm ci`: vite lists an optional Windows-only dependency the registry does not serve, which `npm ci`'s
  # lock-file check rejects; `npm install` follows package-lock.json and skips it.
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error >&2)
fi

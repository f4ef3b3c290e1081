#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or was installed from another package-lock.json.
# Quiet when up to date. Compares content, not mtimes: a fresh checkout's lock file is always newer than anything.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
stamp="$root/node_modules/.flyte-mc-installed"
want="$(cat "$root/package.json" "$root/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "flyte-mc: installing npm dependencies (first run; includes Node 22)..." >&2
  # Not `npm ci`: it refuses a lock file that lacks an optional dependency of another platform. package-lock.json is
  # committed exactly as `npm install` writes it on Linux x64, so this install leaves it unchanged (git status clean).
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
fi

#!/usr/bin/env bash
# Installs everything the test tiers need, idempotently: npm dependencies (with Node 22), then each tier's
# prerequisites from scripts/setup.d/*.sh in name order. A tier whose setup fails is reported; its tests skip
# with a printed reason, so the unit tier still runs. In CI (CI=true) a failing tier setup fails the run.
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bash "$root/scripts/ensure-node-deps.sh" || exit 1
status=0
for step in "$root"/scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  name="$(basename "$step" .sh)"
  start=$(date +%s)
  if bash "$step"; then
    echo "setup: $name ready ($(( $(date +%s) - start ))s)" >&2
  else
    echo "setup: $name FAILED; its tests will skip with a reason" >&2
    [ "${CI:-}" = "true" ] && status=1
  fi
done
exit $status

#!/usr/bin/env bash
# The test command (README quick start, .ci/run): set up every tier, then run vitest and print a closing
# "N passed, N failed" line that CI systems can read, after every tier skip with its reason (under CI=true a skip
# in a tier README.md claims runs here fails the run: test/support/tiers.ts).
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"  # Node 22 from npm first, for vitest and everything it spawns
bash scripts/setup.sh || exit 1
results="$root/.vitest-results.json"
skips="$root/.vitest-skips.jsonl"  # skipTier appends one line per skip; the summary lists them
rm -f "$results" "$skips"
FLYTE_MC_SKIPS_FILE="$skips" node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
rc=$?
scripts/node scripts/summarize-tests.ts "$results" "$skips" || rc=1
exit $rc

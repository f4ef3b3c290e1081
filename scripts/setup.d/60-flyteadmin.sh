#!/usr/bin/env bash
# real-admin tier: builds tools/flyteadmin (our wrapper module around FlyteAdmin's own entrypoint, fetched as the Go
# module github.com/flyteorg/flyte/flyteadmin through the Go module proxy) into the cache
# "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flyteadmin/<hash>/flyteadmin", never into the repo. The hash covers
# the module's sources and the Go version. Also checks the PostgreSQL 15 binaries the tier launches.
#
# When the Go module proxy refuses FlyteAdmin's module (it does on this workplace: the .zip answers 403 "This module
# version is not available"), the exact error is written to <cache>/flyteadmin/UNAVAILABLE and the script exits 0:
# the real-admin tests then skip printing that error, instead of one external refusal failing every CI run. Any
# other failure (a compile error, a missing Go) exits 1.
#   env: FLYTEADMIN_BUILD_FLAGS  extra `go build` flags (e.g. -p 1)
#        FLYTEADMIN_PRINT_PATH=1 print the binary path on stdout when done
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
src="$root/tools/flyteadmin"
cache="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flyteadmin"
TIER=60-flyteadmin
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

for tool in initdb pg_ctl postgres; do
  command -v "$tool" >/dev/null 2>&1 || log "warning: $tool not on PATH (the real-admin tier launches PostgreSQL 15)"
done
require_go "go >= 1.26"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

gover="$(go env GOVERSION)"
hash="$( (cd "$src" && cat go.mod ./*.go; [ -f go.sum ] && cat go.sum; echo "$gover") | sha256sum | cut -c1-16)"
dir="$cache/$hash"
bin="$dir/flyteadmin"
mkdir -p "$cache"

if [ -x "$bin" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$hash" ]; then
  rm -f "$cache/UNAVAILABLE"
  log "up to date ($bin)"
  [ "${FLYTEADMIN_PRINT_PATH:-}" = "1" ] && echo "$bin"
  exit 0
fi

tmp="$(mktemp -d "$cache/.build-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# Work on a copy: go.sum is produced here while the proxy refuses the module (it cannot be committed until then).
cp "$src"/go.mod "$src"/*.go "$tmp/"
[ -f "$src/go.sum" ] && cp "$src/go.sum" "$tmp/"
log "resolving modules through $(go env GOPROXY)"
if ! (cd "$tmp" && go mod tidy) >"$tmp/tidy.log" 2>&1; then
  if grep -qE 'github.com/flyteorg/flyte/flyteadmin@v[0-9.]+: .*(403 Forbidden|404 Not Found)' "$tmp/tidy.log"; then
    err="$(grep -m1 -E 'flyteadmin@v[0-9.]+: ' "$tmp/tidy.log" | sed 's/^[[:space:]]*//')"
    reason="$(grep -m1 'server response' "$tmp/tidy.log" | sed 's/^[[:space:]]*//' || true)"
    printf '%s %s\n' "$err" "$reason" > "$cache/UNAVAILABLE"
    log "BLOCKED: the Go module proxy does not serve FlyteAdmin's module: $err $reason"
    log "the real-admin tier will skip with this reason (see $cache/UNAVAILABLE)"
    exit 0
  fi
  cat "$tmp/tidy.log" >&2
  exit 1
fi
rm -f "$cache/UNAVAILABLE"
log "building FlyteAdmin wrapper $hash with $gover (cold: many minutes on 2 cores; progress every 60s)"
start=$(date +%s)
(cd "$tmp" && nice -n 10 go build -trimpath ${FLYTEADMIN_BUILD_FLAGS:-} -ldflags "-s -w" -o "$tmp/out/flyteadmin" .) >&2 &
pid=$!
wait_with_progress "$pid" "$start"
"$tmp/out/flyteadmin" --help >/dev/null
echo "$hash" > "$tmp/out/stamp"
rm -rf "$dir"
mv "$tmp/out" "$dir"
for old in "$cache"/*/; do
  [ "${old%/}" = "$dir" ] || rm -rf "${old%/}"
done
log "built $bin ($(du -h "$bin" | cut -f1)) in $(( $(date +%s) - start ))s"
[ "${FLYTEADMIN_PRINT_PATH:-}" = "1" ] && echo "$bin"
exit 0

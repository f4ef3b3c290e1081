#!/usr/bin/env bash
# flytepropeller tier: builds tools/flytepropeller (FlytePropeller v1.16.8's own controller command with the pod,
# k8s-array and echo plugins, plus `build-workflow`: propeller's compiler and CRD builder) into the cache
# "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flytepropeller/<hash>/flytepropeller", never into the repo, and points
# "<cache>/flytepropeller/current" at it. The hash covers the module, the Go version and this script. Go modules
# come through the Go module proxy. The build holds <cache>/build.lock so no two Go builds share the 2 cores.
#   env: FLYTEPROPELLER_BUILD_FLAGS  extra `go build` flags (e.g. -p 1)
#        FLYTEPROPELLER_PRINT_PATH=1 print the binary path on stdout when done
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
src="$root/tools/flytepropeller"
base="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}"
cache="$base/flytepropeller"
TIER=55-flytepropeller
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

require_go "go >= 1.26"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
command -v flock >/dev/null 2>&1 || { log "flock not found (util-linux); apt-get install util-linux"; exit 1; }

gover="$(go env GOVERSION)"
hash="$( (cd "$src" && cat go.mod go.sum ./*.go; echo "$gover"; cat "$root/scripts/setup.d/55-flytepropeller.sh") | sha256sum | cut -c1-16)"
dir="$cache/$hash"
bin="$dir/flytepropeller"

done_() {
  echo "$hash" > "$cache/.current.$$" && mv -f "$cache/.current.$$" "$cache/current"
  [ "${FLYTEPROPELLER_PRINT_PATH:-}" = "1" ] && echo "$bin"
  exit 0
}

if [ -x "$bin" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$hash" ]; then
  log "up to date ($bin)"
  done_
fi

mkdir -p "$cache"
ldflags="-s -w -X github.com/flyteorg/flyte/flytestdlib/version.Version=v1.16.8 -X github.com/flyteorg/flyte/flytestdlib/version.BuildTime=$(date -u +%FT%TZ)"

tmp="$(mktemp -d "$cache/.build-XXXXXX")"
pid=""
cleanup() {
  # The build runs in its own process group (setsid): stop all of it, then drop the partial output.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT -- "-$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/gotmp"
export GOTMPDIR="$tmp/gotmp"
gocache="$(go env GOCACHE)"
gocache_before="$(du -sh "$gocache" 2>/dev/null | cut -f1 || echo 0)"
log "downloading Go modules (flytepropeller v1.16.8) through $(go env GOPROXY)"
dl_start=$(date +%s)
(cd "$src" && go mod download) >&2
log "modules ready in $(( $(date +%s) - dl_start ))s"
log "waiting for $base/build.lock (one Go build at a time)"
start=$(date +%s)
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v -o "$tmp/time.txt")
(cd "$src" && exec setsid flock "$base/build.lock" "${timer[@]}" nice -n 10 go build -trimpath ${FLYTEPROPELLER_BUILD_FLAGS:-} -ldflags "$ldflags" -o "$tmp/flytepropeller" .) >&2 &
pid=$!
log "building flytepropeller $hash with $gover (GOCACHE $gocache_before; a cold build takes 10-20 minutes on 2 cores; progress every 60s)"
wait_with_progress "$pid" "$start"
pid=""
secs=$(( $(date +%s) - start ))
peak_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt" 2>/dev/null || true)"
echo '{}' | "$tmp/flytepropeller" build-workflow >/dev/null 2>&1 && { log "build-workflow accepted an empty request"; exit 1; }
"$tmp/flytepropeller" --help >/dev/null
size="$(stat -c %s "$tmp/flytepropeller")"
printf '{"seconds": %s, "peak_rss_kb": "%s", "size_bytes": %s, "go": "%s", "gocache_before": "%s", "built": "%s"}\n' \
  "$secs" "${peak_kb:-unknown}" "$size" "$gover" "$gocache_before" "$(date -u +%FT%TZ)" > "$tmp/build.json"
echo "$hash" > "$tmp/stamp"
rm -rf "$tmp/time.txt" "$tmp/gotmp"
rm -rf "$dir"
mv "$tmp" "$dir"
# Keep the current and the previous build (a running harness may still be using it); drop older ones.
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done
log "built $bin ($(du -h "$bin" | cut -f1), peak RSS ${peak_kb:-unknown} KiB) in ${secs}s (including the wait for the lock)"
done_

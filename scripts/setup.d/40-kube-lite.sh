#!/usr/bin/env bash
# kube-lite tier: builds tools/kube-lite (embedded etcd + kube-apiserver + kube-controller-manager in one static
# binary) into the cache "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/kube-lite/<hash>/kube-lite", never into the repo,
# and points "<cache>/kube-lite/current" at it. The hash covers the module's sources and the Go version, so the binary
# is rebuilt only when tools/kube-lite changes. Go modules come through the Go module proxy. Progress on stderr.
#   env: KUBE_LITE_BUILD_FLAGS  extra `go build` flags (e.g. -p 1)
#        KUBE_LITE_PRINT_PATH=1 print the binary path on stdout when done
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
src="$root/tools/kube-lite"
cache="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/kube-lite"
TIER=40-kube-lite
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

require_go "go >= 1.25"
# The process backend signs its per-cluster certificates with the openssl CLI.
command -v openssl >/dev/null 2>&1 || log "warning: openssl not found; the process backend needs it (apt-get install openssl)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

# shellcheck source=../../tools/kube-lite/versions.env
. "$src/versions.env"
gover="$(go env GOVERSION)"
# The stamp covers what decides the binary: the module, the Go version and this script (its ldflags).
hash="$( (cd "$src" && cat versions.env go.mod go.sum ./*.go; echo "$gover"; cat "$root/scripts/setup.d/40-kube-lite.sh") | sha256sum | cut -c1-16)"
dir="$cache/$hash"
bin="$dir/kube-lite"

done_() {
  echo "$hash" > "$cache/.current.$$" && mv -f "$cache/.current.$$" "$cache/current"
  [ "${KUBE_LITE_PRINT_PATH:-}" = "1" ] && echo "$bin"
  exit 0
}

if [ -x "$bin" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$hash" ]; then
  log "up to date ($bin)"
  done_
fi

mkdir -p "$cache"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  # The module proxy does not carry the release's commit: leave gitCommit empty rather than a placeholder.
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.gitCommit= -X $pkg.buildDate=$(date -u +%FT%TZ)"
done
ldflags="$ldflags -X main.etcdVersion=$ETCD_VERSION -X main.sourceHash=$hash"

tmp="$(mktemp -d "$cache/.build-XXXXXX")"
pid=""
cleanup() {
  # The build runs in its own process group (setsid): stop all of it, then drop the partial output.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # SIGINT is the signal the go command cleans up on; SIGKILL if it is still there after 10s.
    kill -INT -- "-$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# go's work dirs go inside our temp dir, so even a killed build leaves nothing in /tmp.
mkdir -p "$tmp/gotmp"
export GOTMPDIR="$tmp/gotmp"
gocache="$(go env GOCACHE)"
gocache_before="$(du -sh "$gocache" 2>/dev/null | cut -f1 || echo 0)"
log "downloading Go modules (k8s $K8S_VERSION, etcd $ETCD_VERSION) through $(go env GOPROXY)"
dl_start=$(date +%s)
(cd "$src" && go mod download) >&2
log "modules ready in $(( $(date +%s) - dl_start ))s ($(go env GOMODCACHE))"
log "building kube-lite $hash with $gover (GOCACHE $gocache_before; a cold build takes many minutes on 2 cores; progress every 60s)"
start=$(date +%s)
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%e %M' -o "$tmp/time.txt")
(cd "$src" && exec setsid "${timer[@]}" nice -n 10 go build -trimpath ${KUBE_LITE_BUILD_FLAGS:-} -ldflags "$ldflags" -o "$tmp/kube-lite" .) >&2 &
pid=$!
wait_with_progress "$pid" "$start"
pid=""
secs=$(( $(date +%s) - start ))
peak_kb="$(cut -d' ' -f2 "$tmp/time.txt" 2>/dev/null || echo unknown)"
"$tmp/kube-lite" version >/dev/null
size="$(stat -c %s "$tmp/kube-lite")"
printf '{"seconds": %s, "peak_rss_kb": "%s", "size_bytes": %s, "go": "%s", "gocache_before": "%s", "built": "%s"}\n' \
  "$secs" "$peak_kb" "$size" "$gover" "$gocache_before" "$(date -u +%FT%TZ)" > "$tmp/build.json"
echo "$hash" > "$tmp/stamp"
rm -rf "$tmp/time.txt" "$tmp/gotmp"
rm -rf "$dir"
mv "$tmp" "$dir"
# Keep the current and the previous build (a running harness may still be using it); drop older ones.
# Hidden .build-* dirs belong to builds in progress.
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done
log "built $bin ($(du -h "$bin" | cut -f1), peak RSS of the largest build step ${peak_kb} KiB) in ${secs}s"
done_

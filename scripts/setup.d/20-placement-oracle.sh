#!/usr/bin/env bash
# placement-oracle tier: builds tools/placement-oracle (Flyte's own flytestdlib weighted list, seeded the way
# FlyteAdmin seeds it) into "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/bin/placement-oracle", never into the repo.
# Rebuilt only when the module's go.mod, go.sum or *.go files (or the Go version) change: a hash of them is stamped
# next to the binary. Go modules come through the Go module proxy. Exits non-zero when Go is missing.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
src="$root/tools/placement-oracle"
bindir="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/bin"
bin="$bindir/placement-oracle"
stamp="$bin.stamp"
TIER=20-placement-oracle
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

require_go "go >= 1.26"

hash="$( (cd "$src" && cat go.mod go.sum ./*.go; go env GOVERSION) | sha256sum | cut -c1-16)"
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  log "up to date ($bin)"
  exit 0
fi

mkdir -p "$bindir"
tmp="$(mktemp "$bindir/.placement-oracle-XXXXXX")"
trap 'rm -f "$tmp"' EXIT
log "building $hash with $(go env GOVERSION) (modules through $(go env GOPROXY))"
(cd "$src" && go build -trimpath -ldflags "-s -w" -o "$tmp" .) >&2
echo '[{"name":"e1","entries":[{"id":"testcluster2","weight":0.5},{"id":"testcluster3","weight":0.5}]}]' | "$tmp" \
  | grep -q '"testcluster3"' || { log "self-check failed (e1 must pick testcluster3)"; exit 1; }
chmod 0755 "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "$hash" > "$stamp"
log "built $bin"

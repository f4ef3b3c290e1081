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

gover="$(go env GOVERSION)"
hash="$( (cd "$src" && cat go.mod go.sum ./*.go; echo "$gover"; cat "$root/scripts/setup.d/55-flytepropeller.sh") | sha256sum | cut -c1-16)"
go_build_reuse flytepropeller "$cache" "$hash" "${FLYTEPROPELLER_PRINT_PATH:-}"
ldflags="-s -w -X github.com/flyteorg/flyte/flytestdlib/version.Version=v1.16.8 -X github.com/flyteorg/flyte/flytestdlib/version.BuildTime=$(date -u +%FT%TZ)"

propeller_smoke() {
  if echo '{}' | "$1" build-workflow >/dev/null 2>&1; then log "build-workflow accepted an empty request"; return 1; fi
  "$1" --help >/dev/null
}
go_build_cached flytepropeller "$src" "$cache" "$hash" "$ldflags" "${FLYTEPROPELLER_BUILD_FLAGS:-}" propeller_smoke
go_build_done flytepropeller "$cache" "$hash" "${FLYTEPROPELLER_PRINT_PATH:-}"

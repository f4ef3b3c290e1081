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
go_build_reuse kube-lite "$cache" "$hash" "${KUBE_LITE_PRINT_PATH:-}"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  # The module proxy does not carry the release's commit: leave gitCommit empty rather than a placeholder.
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.gitCommit= -X $pkg.buildDate=$(date -u +%FT%TZ)"
done
ldflags="$ldflags -X main.etcdVersion=$ETCD_VERSION -X main.sourceHash=$hash"

kube_lite_smoke() { "$1" version >/dev/null; }
go_build_cached kube-lite "$src" "$cache" "$hash" "$ldflags" "${KUBE_LITE_BUILD_FLAGS:-}" kube_lite_smoke
go_build_done kube-lite "$cache" "$hash" "${KUBE_LITE_PRINT_PATH:-}"

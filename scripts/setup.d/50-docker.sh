#!/usr/bin/env bash
# container tier: a running Docker engine and two local images made without pulling anything (`docker import` of a
# tarball, no base image, no registry):
#   flyte-mc/busybox:local          static busybox only (Debian busybox-static); small image for Docker plumbing tests
#   flyte-mc/kube-lite:<hash>       the same + the current kube-lite build of 40-kube-lite.sh (<hash> = its cache key),
#                                   also tagged flyte-mc/kube-lite:latest; the container backend runs clusters from it
# As root it installs docker.io (and busybox-static) when missing, starts dockerd when it is not answering (log in
# the cache folder), and raises fs.inotify.max_user_instances to 512 (k3s needs more than the default 128).
# Idempotent: each step is skipped when already done. Not root and no engine → exits 1 with the reason.
set -euo pipefail
cache="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}"
TIER=50-docker
# shellcheck source=../lib/setup-common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/setup-common.sh"
is_root() { [ "$(id -u)" = "0" ]; }

apt_install() {
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

# 1. The engine.
if ! docker info >/dev/null 2>&1; then
  if ! is_root; then
    log "no Docker engine answers and this is not root: start dockerd (or Docker Desktop) and re-run"
    exit 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing docker.io (Debian)"
    apt_install docker.io
  fi
  mkdir -p "$cache"
  log "starting dockerd (log: $cache/dockerd.log)"
  setsid nohup dockerd >"$cache/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not answer within 60s; last log lines:"
    tail -n 20 "$cache/dockerd.log" >&2 || true
    exit 1
  fi
fi

# 2. Host settings k3s needs (kube-lite does not); a failure only warns, the k3s tier checks it again.
if is_root; then
  cur="$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)"
  if [ "$cur" -lt 512 ]; then
    echo 512 > /proc/sys/fs/inotify/max_user_instances 2>/dev/null \
      || log "warning: could not raise fs.inotify.max_user_instances ($cur); k3s clusters may fail with 'too many open files'"
  fi
fi

# 3. Images, from tarballs.
if [ ! -x /bin/busybox ]; then
  if ! is_root; then log "busybox-static is not installed (apt-get install busybox-static)"; exit 1; fi
  log "installing busybox-static (Debian)"
  apt_install busybox-static
fi

# stage DIR: a root filesystem with static busybox and a few applet links, /tmp and /var/lib/kube-lite.
stage() {
  mkdir -p "$1/bin" "$1/tmp" "$1/var/lib/kube-lite" "$1/etc"
  chmod 1777 "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for applet in sh sleep kill cat ls mkdir rm echo test ps wget nc; do ln -s busybox "$1/bin/$applet"; done
  echo 'root:x:0:0:root:/:/bin/sh' > "$1/etc/passwd"
}

# import DIR IMAGE LABEL...: docker import of DIR as IMAGE (no pull, no base image).
import() {
  local dir="$1" image="$2"; shift 2
  local changes=(--change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' --change 'LABEL org.flyte-mc.image=true')
  for label in "$@"; do changes+=(--change "LABEL $label"); done
  tar -C "$dir" -c . | docker import "${changes[@]}" - "$image" >/dev/null
}

bb_version="$(/bin/busybox | awk 'NR == 1 { print $2 }')"  # awk reads to the end: no SIGPIPE under pipefail
if ! docker image inspect flyte-mc/busybox:local >/dev/null 2>&1 \
   || [ "$(docker image inspect -f '{{index .Config.Labels "org.flyte-mc.busybox"}}' flyte-mc/busybox:local)" != "$bb_version" ]; then
  tmp="$(mktemp -d)"
  stage "$tmp"
  import "$tmp" flyte-mc/busybox:local "org.flyte-mc.busybox=$bb_version"
  rm -rf "$tmp"
  log "built flyte-mc/busybox:local (busybox $bb_version)"
fi

# The kube-lite binary: 40-kube-lite.sh builds into $cache/kube-lite/<hash>/ and points $cache/kube-lite/current at
# the build in use (older layouts: the only dir with a matching stamp).
bin=""
if [ -f "$cache/kube-lite/current" ] && [ -x "$cache/kube-lite/$(cat "$cache/kube-lite/current")/kube-lite" ]; then
  bin="$cache/kube-lite/$(cat "$cache/kube-lite/current")/kube-lite"
else
  for stamp in "$cache"/kube-lite/*/stamp; do
    [ -f "$stamp" ] || continue
    d="$(dirname "$stamp")"
    if [ "$(cat "$stamp")" = "$(basename "$d")" ] && [ -x "$d/kube-lite" ]; then bin="$d/kube-lite"; fi
  done
fi
if [ -z "$bin" ]; then
  log "no kube-lite binary in $cache/kube-lite (40-kube-lite.sh builds it); the container backend will skip"
  exit 1
fi
hash="$(basename "$(dirname "$bin")")"
image="flyte-mc/kube-lite:$hash"
if ! docker image inspect "$image" >/dev/null 2>&1; then
  start=$(date +%s)
  tmp="$(mktemp -d)"
  stage "$tmp"
  cp "$bin" "$tmp/kube-lite"
  import "$tmp" "$image" "org.flyte-mc.kube-lite=$hash"
  rm -rf "$tmp"
  log "built $image in $(( $(date +%s) - start ))s"
fi
docker tag "$image" flyte-mc/kube-lite:latest
# Remove images of kube-lite builds no longer in the cache.
docker image ls --filter label=org.flyte-mc.kube-lite --format '{{.Repository}}:{{.Tag}}' | while read -r old; do
  tag="${old##*:}"
  case "$old" in "$image"|flyte-mc/kube-lite:latest) continue ;; esac
  [ -d "$cache/kube-lite/$tag" ] || docker image rm "$old" >/dev/null 2>&1 || true
done
exit 0

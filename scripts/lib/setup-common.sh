# Shared by scripts/setup.d/*.sh (sourced, not run). The caller sets TIER before sourcing.

# Progress and diagnostics on stderr, prefixed with the tier.
log() { echo "${TIER:?}: $*" >&2; }

# Exits 1 with an install hint when Go is missing; sets the build environment every Go tier uses.
require_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is not installed (need $1 on PATH and the Go module proxy); install Go and re-run"
    exit 1
  fi
  export GOFLAGS="${GOFLAGS:--buildvcs=false}"
  export CGO_ENABLED=0
}

# Waits for a background build, printing a line every 60 s so a long cold build shows it is alive; returns its status.
wait_with_progress() {
  local pid="$1" start="$2"
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && log "still building ($(( $(date +%s) - start ))s)"
  done
  wait "$pid"
}

# Builds a Go main package into a cache directory, the way every Go tier does: in a hidden temp dir under $cache
# (removed with everything the go command left, and the build's process group stopped, on failure or Ctrl-C),
# holding $FLYTE_MC_CACHE/build.lock so no two Go builds share the cores, with progress every 60 s; then writes
# build.json (seconds, peak RSS, size) and the stamp, moves the result to $cache/$hash and keeps only the current and
# the previous build. The binary is smoke-tested with "$@" (run with the new binary as $1).
#   go_build_cached NAME SRC CACHE HASH LDFLAGS EXTRA_BUILD_FLAGS SMOKE...
go_build_cached() {
  local name="$1" src="$2" cache="$3" hash="$4" ldflags="$5" extra="$6"
  shift 6
  local lock="${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/build.lock"
  command -v flock >/dev/null 2>&1 || { log "flock not found (util-linux); apt-get install util-linux"; exit 1; }
  mkdir -p "$cache"
  _build_tmp="$(mktemp -d "$cache/.build-XXXXXX")"
  _build_pid=""
  trap _go_build_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # go's work dirs go inside our temp dir, so even a killed build leaves nothing in /tmp.
  mkdir -p "$_build_tmp/gotmp"
  export GOTMPDIR="$_build_tmp/gotmp"
  local gover gocache_before start secs peak_kb size
  gover="$(go env GOVERSION)"
  gocache_before="$(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1 || echo 0)"
  log "downloading Go modules through $(go env GOPROXY)"
  start=$(date +%s)
  (cd "$src" && go mod download) >&2
  log "modules ready in $(( $(date +%s) - start ))s ($(go env GOMODCACHE)); waiting for $lock (one Go build at a time)"
  start=$(date +%s)
  local timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%e %M' -o "$_build_tmp/time.txt")
  # shellcheck disable=SC2086
  (cd "$src" && exec setsid flock "$lock" "${timer[@]}" nice -n 10 go build -trimpath $extra -ldflags "$ldflags" -o "$_build_tmp/$name" .) >&2 &
  _build_pid=$!
  log "building $name $hash with $gover (GOCACHE $gocache_before; a cold build takes many minutes on 2 cores; progress every 60s)"
  wait_with_progress "$_build_pid" "$start"
  _build_pid=""
  secs=$(( $(date +%s) - start ))
  peak_kb="$(cut -d' ' -f2 "$_build_tmp/time.txt" 2>/dev/null || echo unknown)"
  "$@" "$_build_tmp/$name"
  size="$(stat -c %s "$_build_tmp/$name")"
  printf '{"seconds": %s, "peak_rss_kb": "%s", "size_bytes": %s, "go": "%s", "gocache_before": "%s", "built": "%s"}\n' \
    "$secs" "$peak_kb" "$size" "$gover" "$gocache_before" "$(date -u +%FT%TZ)" > "$_build_tmp/build.json"
  echo "$hash" > "$_build_tmp/stamp"
  rm -rf "$_build_tmp/time.txt" "$_build_tmp/gotmp"
  rm -rf "${cache:?}/$hash"
  mv "$_build_tmp" "$cache/$hash"
  _build_tmp=""
  # Keep the current and the previous build (a running harness may still be using it); hidden .build-* dirs are
  # builds in progress.
  ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done
  log "built $cache/$hash/$name ($(du -h "$cache/$hash/$name" | cut -f1), peak RSS of the largest build step ${peak_kb} KiB) in ${secs}s (including the wait for the lock)"
}

_go_build_cleanup() {
  # The build runs in its own process group (setsid): stop all of it (SIGINT, which the go command cleans up on,
  # then SIGKILL after 10 s), then drop the partial output.
  if [ -n "${_build_pid:-}" ] && kill -0 "$_build_pid" 2>/dev/null; then
    kill -INT -- "-$_build_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$_build_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$_build_pid" 2>/dev/null || true
  fi
  [ -n "${_build_tmp:-}" ] && rm -rf "$_build_tmp"
  return 0
}

# Finds a Python whose version is in [MIN, MAX] (major.minor) among the candidates (commands or paths); sets
# $python (its path) and $pyver (x.y.z), or returns 1.
#   find_python MIN MAX CANDIDATE...
find_python() {
  local min="$1" max="$2" c v
  shift 2
  for c in "$@"; do
    [ -n "$c" ] || continue
    v="$("$c" -c "import sys; v = sys.version_info; assert ($min,) <= v[:2] <= ($max,); print('%d.%d.%d' % v[:3])" 2>/dev/null)" || continue
    [ -n "$v" ] || continue
    python="$(command -v "$c")"
    pyver="$v"
    return 0
  done
  return 1
}

# A pip venv in the cache, the way every Python tier keeps one: "$CACHE/<hash>/venv", the hash covering the
# requirements and constraints (comments aside) and the interpreter's version; "$CACHE/current" names it. Built where
# it lives (venvs do not move), checked by importing IMPORTS, stamped only then; an install that did not finish is
# removed. Keeps the current and the previous one. Sets $venv_dir and $venv.
#   pip_venv_cached CACHE REQ CONSTRAINTS IMPORTS SIZE_HINT   (uses $python and $pyver from find_python)
pip_venv_cached() {
  local cache="$1" req="$2" constraints="$3" imports="$4" size_hint="$5" hash start secs
  hash="$( (grep -hv '^#' "$req" "$constraints"; echo "python $pyver") | sha256sum | cut -c1-16)"
  venv_dir="$cache/$hash"
  venv="$venv_dir/venv"
  if ! [ -x "$venv/bin/python" ] || ! [ -f "$venv_dir/stamp" ] || [ "$(cat "$venv_dir/stamp")" != "$hash" ]; then
    _venv_dir="$venv_dir"
    trap '[ -f "$_venv_dir/stamp" ] || rm -rf "$_venv_dir"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    log "installing $(grep -v '^#' "$req" | tr '\n' ' ')with Python $pyver ($python); $size_hint"
    start=$(date +%s)
    rm -rf "$venv_dir"
    mkdir -p "$venv_dir"
    "$python" -m venv "$venv"
    # --isolated: no user pip configuration; the constraints file pins every package, so a fresh machine gets this set.
    "$venv/bin/python" -m pip install --isolated --quiet --disable-pip-version-check -r "$req" -c "$constraints" >&2 || {
      log "pip install failed (see above)"
      return 1
    }
    "$venv/bin/python" -c "import $imports" || {
      log "the installed packages do not import ($imports)"
      return 1
    }
    secs=$(( $(date +%s) - start ))
    printf '{"seconds": %s, "python": "%s", "size": "%s", "built": "%s"}\n' "$secs" "$pyver" "$(du -sh "$venv" | cut -f1)" "$(date -u +%FT%TZ)" > "$venv_dir/install.json"
    echo "$hash" > "$venv_dir/stamp"
    log "installed in ${secs}s ($(du -sh "$venv" | cut -f1), $venv)"
  else
    log "up to date ($venv, Python $pyver)"
  fi
  mkdir -p "$cache" && echo "$hash" > "$cache/.current.$$" && mv -f "$cache/.current.$$" "$cache/current"
  ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | while read -r old; do rm -rf "${old%/}"; done
  return 0
}

# A Go tier's cached build: when "$CACHE/$HASH/$NAME" is there and stamped, point "$CACHE/current" at it and end the
# tier (go_build_done); otherwise return, and the caller builds it with go_build_cached, then calls go_build_done.
#   go_build_reuse NAME CACHE HASH PRINT_PATH     (PRINT_PATH=1: print the binary's path on stdout)
go_build_reuse() {
  local bin="$2/$3/$1"
  if [ -x "$bin" ] && [ -f "$2/$3/stamp" ] && [ "$(cat "$2/$3/stamp")" = "$3" ]; then
    log "up to date ($bin)"
    go_build_done "$@"
  fi
  mkdir -p "$2"
}

go_build_done() {
  echo "$3" > "$2/.current.$$" && mv -f "$2/.current.$$" "$2/current"
  if [ "$4" = "1" ]; then echo "$2/$3/$1"; fi
  exit 0
}

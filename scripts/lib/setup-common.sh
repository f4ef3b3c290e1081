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

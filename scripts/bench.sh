#!/usr/bin/env bash
# `make bench`: seeds (or reuses) a tenant of size SIZE (S by default, or L) in Postgres, starts
# the release `sluice serve` on it, drives it with wrk and writes bench/results/<date>-<size>.md
# and .json. Extra arguments go to `sluice-bench run` (see `sluice-bench run --help`).
# `--idle-only` (make bench-idle) measures the idle server alone (`sluice-bench idle`).
# A report, not a test: nothing here fails on a slow number.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

size="${SIZE:-S}"
idle_only=false
if [ "${1:-}" = "--idle-only" ]; then idle_only=true; shift; fi
if ! $idle_only && ! command -v wrk >/dev/null; then
  log "installing wrk (Debian's package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
$idle_only || command -v pgbench >/dev/null || die "pgbench is missing: apt-get install -y postgresql-client"
postgres_url="$(bash scripts/ensure_postgres.sh)"

log "building the release binaries (a cold build takes about 20 minutes on 2 cores)"
cargo build --release -q --bin sluice --bin ecs-tasks --bin sluice-bench

if $idle_only; then
  # Issue 28's "Idle" target alone; prints the measurement as JSON.
  exec "$CARGO_TARGET_DIR/release/sluice-bench" idle \
    --postgres "$postgres_url" \
    --sluice "$CARGO_TARGET_DIR/release/sluice" \
    --data-dir "$HOME/.cache/sluice/bench" \
    "$@"
fi

"$CARGO_TARGET_DIR/release/sluice-bench" run \
  --size "$size" \
  --postgres "$postgres_url" \
  --sluice "$CARGO_TARGET_DIR/release/sluice" \
  --ecs-tasks "$CARGO_TARGET_DIR/release/ecs-tasks" \
  --data-dir "$HOME/.cache/sluice/bench" \
  "$@"

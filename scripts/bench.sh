#!/usr/bin/env bash
# `make bench`: seeds (or reuses) a tenant of size SIZE (S by default, or L) in Postgres, starts
# the release `sluice serve` on it, drives it with wrk and writes bench/results/<date>-<size>.md
# and .json. Extra arguments go to `sluice-bench run` (see `sluice-bench run --help`).
# A report, not a test: nothing here fails on a slow number.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

size="${SIZE:-S}"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian's package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v pgbench >/dev/null || die "pgbench is missing: apt-get install -y postgresql-client"
postgres_url="$(bash scripts/ensure_postgres.sh)"

log "building the release binaries (a cold build takes about 20 minutes on 2 cores)"
cargo build --release -q --bin sluice --bin ecs-tasks --bin sluice-bench

"$CARGO_TARGET_DIR/release/sluice-bench" run \
  --size "$size" \
  --postgres "$postgres_url" \
  --sluice "$CARGO_TARGET_DIR/release/sluice" \
  --ecs-tasks "$CARGO_TARGET_DIR/release/ecs-tasks" \
  --data-dir "$HOME/.cache/sluice/bench" \
  "$@"

#!/usr/bin/env bash
# `make test`: every test, against a real Postgres and a moto started for this run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_venv
export SLUICE_TEST_DATABASE_URL="${SLUICE_TEST_DATABASE_URL:-$("$ROOT/scripts/ensure_postgres.sh")}"

run_dir="$(mktemp -d)"
trap 'stop_moto "$run_dir/moto.pid"; stop_moto "$run_dir/osmem.pid"; rm -rf "$run_dir"' EXIT
port="$(free_port)"
start_moto "$port" "$run_dir/moto.pid" "$run_dir/moto.log"
export SLUICE_TEST_MOTO_URL="http://127.0.0.1:$port"
export SLUICE_TEST_CFN_LINT="$VENV/bin/cfn-lint"
# examples/bulk_approve.py runs in cli/tests with the venv's requests and botocore.
export SLUICE_TEST_PYTHON="$VENV/bin/python"
os_port="$(free_port)"
start_osmem "$os_port" "$run_dir/osmem.pid" "$run_dir/osmem.log"
export SLUICE_TEST_OPENSEARCH_URL="http://127.0.0.1:$os_port"
log "moto on $SLUICE_TEST_MOTO_URL, osmem-server on $SLUICE_TEST_OPENSEARCH_URL, Postgres at ${SLUICE_TEST_DATABASE_URL%%@*}@…"

# The CDK app first: it takes well under a minute warm and needs no Postgres or moto.
bash "$ROOT/scripts/deploy_test.sh"

cargo test --workspace --all-targets --no-fail-fast "$@"
# The web UI in Debian's Chromium, against its own moto and `sluice serve` (scripts/e2e.sh).
bash scripts/e2e.sh

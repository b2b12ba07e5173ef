#!/usr/bin/env bash
# The web UI's end-to-end tests: builds frontend/, starts moto (with the local Cognito pool)
# and `sluice serve` on free ports, then drives Debian's Chromium with playwright-core.
# Screenshots land in frontend/test-results/. Called by scripts/test.sh; runs alone too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

CHROMIUM="${SLUICE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM: apt-get install -y chromium (never a downloaded browser)"
command -v npm >/dev/null || die "npm is missing: apt-get install -y nodejs npm"
ensure_venv
export npm_config_cache="$HOME/.cache/sluice/npm"

log "building the web UI"
(cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) >/dev/null
log "building sluice and its long-task binary"
cargo build -q --bin sluice --bin ecs-tasks

run_dir="$(mktemp -d)"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  stop_moto "$run_dir/moto.pid"
  rm -rf "$run_dir"
}
trap cleanup EXIT
moto_port="$(free_port)"
start_moto "$moto_port" "$run_dir/moto.pid" "$run_dir/moto.log"
export MOTO_URL="http://127.0.0.1:$moto_port" AWS_REGION="${AWS_REGION:-eu-west-1}"
"$VENV/bin/python" scripts/local_cognito.py "$run_dir/cognito.env" >/dev/null
set -a
# shellcheck disable=SC1091
. "$run_dir/cognito.env"
set +a

port="$(free_port)"
export SLUICE_BIND="127.0.0.1:$port" SLUICE_DATA_DIR="$run_dir/data" SLUICE_FRONTEND_DIR="$ROOT/frontend/dist"
export SLUICE_UI_COGNITO_ENDPOINT="$MOTO_URL"
export AWS_ENDPOINT_URL="$MOTO_URL" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
"$CARGO_TARGET_DIR/debug/sluice" serve >"$run_dir/sluice.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://$SLUICE_BIND/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$run_dir/sluice.log" >&2; die "sluice serve exited"; }
  sleep 0.2
done

log "browser tests against http://$SLUICE_BIND (moto $MOTO_URL)"
rm -rf frontend/test-results && mkdir -p frontend/test-results
status=0
SLUICE_URL="http://$SLUICE_BIND" SLUICE_CHROMIUM="$CHROMIUM" SLUICE_PYTHON="$VENV/bin/python" \
  node --test --test-concurrency=1 frontend/e2e/*.test.mjs || status=$?
cp "$run_dir/sluice.log" frontend/test-results/sluice.log
[ "$status" = 0 ] || die "browser tests failed; screenshots and the server log are in frontend/test-results/"

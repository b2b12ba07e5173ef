#!/usr/bin/env bash
# The web UI's end-to-end tests: builds frontend/, starts moto (with the local Cognito pool)
# and `sluice serve` on free ports, then drives Debian's Chromium with playwright-core. A
# second `sluice serve` signs users in through a fake Cognito hosted UI
# (frontend/e2e/fake_cognito.mjs), since moto has none.
# Every page the tests visit is checked at desktop and phone size (no horizontal overflow, no
# serious or critical axe-core violation) and photographed at both sizes into
# frontend/test-results/. Called by scripts/test.sh; runs alone too.
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
  for pid in "${server_pid:-}" "${hosted_pid:-}" "${idp_pid:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
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

# wait_ready PID URL LOG: waits until URL answers, failing early if PID exits.
wait_ready() {
  for _ in $(seq 1 100); do
    curl -fsS "$2" >/dev/null 2>&1 && return 0
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; die "$3: the process exited"; }
    sleep 0.2
  done
  cat "$3" >&2
  die "$2 did not answer within 20 s"
}

port="$(free_port)"
export SLUICE_BIND="127.0.0.1:$port" SLUICE_DATA_DIR="$run_dir/data" SLUICE_FRONTEND_DIR="$ROOT/frontend/dist"
export SLUICE_UI_COGNITO_ENDPOINT="$MOTO_URL"
export AWS_ENDPOINT_URL="$MOTO_URL" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
# The webhook test's receiver listens on 127.0.0.1, and its dead letter should not take minutes.
SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS=true SLUICE_WEBHOOK_MAX_ATTEMPTS=2 SLUICE_WEBHOOK_BACKOFF_MS=300 \
  "$CARGO_TARGET_DIR/debug/sluice" serve >"$run_dir/sluice.log" 2>&1 &
server_pid=$!
wait_ready "$server_pid" "http://$SLUICE_BIND/readyz" "$run_dir/sluice.log"

# The hosted-UI server: its own database, tokens from the fake Cognito, whose JWKS sits at the
# issuer's default path. Short-lived tokens (40 s) make the UI refresh within the test.
idp_port="$(free_port)"
hosted_port="$(free_port)"
idp_url="http://127.0.0.1:$idp_port"
node frontend/e2e/fake_cognito.mjs --port "$idp_port" --client-id fake-web-client \
  --app "http://127.0.0.1:$hosted_port" --token-seconds 40 >"$run_dir/fake_cognito.log" 2>&1 &
idp_pid=$!
wait_ready "$idp_pid" "$idp_url/.well-known/jwks.json" "$run_dir/fake_cognito.log"
env -u SLUICE_UI_COGNITO_ENDPOINT -u SLUICE_AUTH_JWKS_URL -u SLUICE_COGNITO_POOL_ID \
  SLUICE_BIND="127.0.0.1:$hosted_port" SLUICE_DATA_DIR="$run_dir/hosted-data" \
  SLUICE_AUTH_ISSUER="$idp_url" SLUICE_AUTH_CLIENT_ID=fake-web-client SLUICE_UI_COGNITO_DOMAIN="$idp_url" \
  "$CARGO_TARGET_DIR/debug/sluice" serve >"$run_dir/sluice-hosted.log" 2>&1 &
hosted_pid=$!
wait_ready "$hosted_pid" "http://127.0.0.1:$hosted_port/readyz" "$run_dir/sluice-hosted.log"

log "browser tests against http://$SLUICE_BIND (moto $MOTO_URL) and http://127.0.0.1:$hosted_port (fake Cognito $idp_url)"
rm -rf frontend/test-results && mkdir -p frontend/test-results
status=0
# SLUICE_E2E_TESTS picks test files (e.g. frontend/e2e/hosted_sign_in.test.mjs); unquoted for the glob.
# shellcheck disable=SC2086
SLUICE_URL="http://$SLUICE_BIND" SLUICE_CHROMIUM="$CHROMIUM" SLUICE_PYTHON="$VENV/bin/python" \
  SLUICE_HOSTED_URL="http://127.0.0.1:$hosted_port" SLUICE_IDP_URL="$idp_url" \
  node --test --test-concurrency=1 ${SLUICE_E2E_TESTS:-frontend/e2e/*.test.mjs} || status=$?
cp "$run_dir/sluice.log" frontend/test-results/sluice.log
cp "$run_dir/sluice-hosted.log" frontend/test-results/sluice-hosted.log
cp "$run_dir/fake_cognito.log" frontend/test-results/fake_cognito.log
[ "$status" = 0 ] || die "browser tests failed; screenshots and the server log are in frontend/test-results/"

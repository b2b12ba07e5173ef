#!/usr/bin/env bash
# `make dev`: the local AWS (moto) with a Cognito pool, demo users and teams, then
# `sluice serve` in embedded mode with a demo organization. Ctrl-C stops both.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

MOTO_PORT="${MOTO_PORT:-5055}"
export MOTO_URL="http://127.0.0.1:$MOTO_PORT"
export AWS_REGION="${AWS_REGION:-eu-west-1}"
mkdir -p .sluice

ensure_venv
if command -v npm >/dev/null; then
  log "building the web UI (frontend/)"
  (cd frontend && npm_config_cache="$HOME/.cache/sluice/npm" npm ci --no-audit --no-fund --loglevel=error \
    && npm_config_cache="$HOME/.cache/sluice/npm" npm run build --silent) >/dev/null
else
  log "npm is missing, so the web UI is not built (apt-get install -y nodejs npm); the API still runs"
fi
log "building sluice, its long-task binary and sluice-cli"
cargo build --bin sluice --bin ecs-tasks --bin sluice-cli
SLUICE="$CARGO_TARGET_DIR/debug/sluice"

if curl -fsS "$MOTO_URL/moto-api/" >/dev/null 2>&1; then
  log "reusing the moto already on $MOTO_URL"
else
  log "starting moto on $MOTO_URL"
  start_moto "$MOTO_PORT" .sluice/moto.pid .sluice/moto.log
fi
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  stop_moto .sluice/moto.pid
}
trap cleanup EXIT INT TERM

"$VENV/bin/python" scripts/local_cognito.py .sluice/cognito.env
set -a
# shellcheck disable=SC1091
. .sluice/cognito.env
set +a
# Both issuers: the local Cognito pool, and `sluice dev-token` for quick scripted calls.
export SLUICE_DEV_ISSUER=true
# The web UI signs in with a username and password against moto's Cognito.
export SLUICE_UI_COGNITO_ENDPOINT="$MOTO_URL"
# Every AWS call (long tasks included) goes to moto, with dummy credentials.
export AWS_ENDPOINT_URL="$MOTO_URL" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export SLUICE_BIND="${SLUICE_BIND:-127.0.0.1:8080}"
# Metrics have their own listener, never the public one.
export SLUICE_METRICS_BIND="${SLUICE_METRICS_BIND:-127.0.0.1:9090}"

"$SLUICE" serve &
server_pid=$!
url="http://$SLUICE_BIND"
for _ in $(seq 1 100); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || die "sluice serve exited; see the log above"
  sleep 0.2
done
"$VENV/bin/python" scripts/seed_demo.py "$url"

cat <<INFO

Sluice is running: the web UI at $url/ , GraphQL at $url/graphql (GraphiQL in a browser),
local AWS at $MOTO_URL.
Demo users (password Passw0rd!): alice (TeamA, DAAdministrators), bob (TeamB), carol (TeamC).

  TOKEN=\$($VENV/bin/python scripts/local_cognito.py token alice)
  curl -s $url/graphql -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
    -d '{"query":"{ listOrganizations { count nodes { label SamlGroupName } } }"}'

Or a token from the dev issuer: $SLUICE dev-token --user dana --group TeamD
The command-line client, with that token:
  $CARGO_TARGET_DIR/debug/sluice-cli --url $url login --with-token "\$($SLUICE dev-token --user alice --group TeamA)"
  $CARGO_TARGET_DIR/debug/sluice-cli org list
Check the platform (as alice, an admin): mutation { startHealthCheck { taskUri } }, then getTask.
Metrics: http://$SLUICE_METRICS_BIND/metrics
Ctrl-C stops Sluice and moto.
INFO
wait "$server_pid"

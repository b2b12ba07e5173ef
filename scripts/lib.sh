# Shared by the scripts/ entry points: paths and the Python venv that holds moto.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone, like the cargo cache, so fresh clones (and CI) reuse it.
VENV="${SLUICE_VENV:-$HOME/.cache/sluice/venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sluice/target}"
# moto[server] from PyPI is the local AWS; pinned so its behaviour (see shared NOTES) holds.
MOTO_SPEC='moto[server]==5.2.1'
# cfn-lint checks the CloudFormation templates Sluice renders (cloud/tests/aws/cfn_lint.rs).
# moto[server] pulls some cfn-lint too; pinning it here keeps the rules the templates pass fixed.
CFN_LINT_SPEC='cfn-lint==1.58.0'
# osmem-server (PyPI) is the OpenSearch the search adapter's tests run against; pinned so its
# behaviour (see shared NOTES) holds. The wheel bundles a native binary, no JVM.
OSMEM_SPEC='osmem-server==0.1.6'

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ensure_venv() {
  # Reused only when both tools are there at the pinned cfn-lint version; otherwise pip brings
  # the venv up to date (it keeps what is already installed and matches).
  if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c 'import moto, boto3' 2>/dev/null \
    && [ "$("$VENV/bin/cfn-lint" --version 2>/dev/null)" = "cfn-lint ${CFN_LINT_SPEC#cfn-lint==}" ] \
    && [ "$("$VENV/bin/python" -c 'import osmem_server; print(osmem_server.__version__)' 2>/dev/null)" = "${OSMEM_SPEC#osmem-server==}" ]; then
    return
  fi
  log "preparing the Python venv $VENV with $MOTO_SPEC, $CFN_LINT_SPEC and $OSMEM_SPEC"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV" \
    || die "python3 -m venv failed: install python3-venv (apt-get install -y python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$MOTO_SPEC" "$CFN_LINT_SPEC" "$OSMEM_SPEC" \
    || die "pip could not install $MOTO_SPEC, $CFN_LINT_SPEC and $OSMEM_SPEC; check access to PyPI"
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_moto PORT PIDFILE LOGFILE: starts moto on 127.0.0.1:PORT and waits until it answers.
start_moto() {
  local port="$1" pidfile="$2" logfile="$3"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "moto exited at start; see $logfile"
    sleep 0.2
  done
  die "moto did not answer on 127.0.0.1:$port within 20 s; see $logfile"
}

stop_moto() {
  local pidfile="$1"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

# start_osmem PORT PIDFILE LOGFILE: starts osmem-server on 127.0.0.1:PORT and waits until it
# answers. The wheel installs no console script; its binary sits inside the package.
start_osmem() {
  local port="$1" pidfile="$2" logfile="$3" bin
  bin="$("$VENV/bin/python" -c 'import osmem_server; print(osmem_server.resolve_binary())')" \
    || die "osmem-server is not installed in $VENV"
  "$bin" --addr "127.0.0.1:$port" --no-stdin-watch >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1; then return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "osmem-server exited at start; see $logfile"
    sleep 0.1
  done
  die "osmem-server did not answer on 127.0.0.1:$port within 10 s; see $logfile"
}

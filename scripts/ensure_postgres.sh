#!/usr/bin/env bash
# Makes sure a Postgres answers on 127.0.0.1:5432 and prints a URL the tests can use:
# starts the cluster if it is stopped, installs it with apt-get if it is missing, and sets a
# password when the server refuses trust logins (a fresh Debian install uses scram).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HOSTPORT="-h 127.0.0.1 -p 5432"

start_cluster() {
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
  [ -n "$version" ] || return 1
  log "starting Postgres $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
}

if ! pg_isready $HOSTPORT -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    log "installing Postgres with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  start_cluster || die "could not start Postgres"
  for _ in $(seq 1 50); do pg_isready $HOSTPORT -q && break; sleep 0.2; done
  pg_isready $HOSTPORT -q || die "Postgres did not come up on 127.0.0.1:5432"
fi

trust_url="postgres://postgres@127.0.0.1:5432/postgres"
if psql "$trust_url" -Atqc 'select 1' >/dev/null 2>&1; then
  echo "$trust_url"
  exit 0
fi
log "Postgres refuses trust logins: giving the postgres role a local test password"
su postgres -c "psql -q -c \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null
password_url="postgres://postgres:postgres@127.0.0.1:5432/postgres"
psql "$password_url" -Atqc 'select 1' >/dev/null || die "cannot log in to Postgres at 127.0.0.1:5432"
echo "$password_url"

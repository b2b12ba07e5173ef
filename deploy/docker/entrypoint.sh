#!/bin/sh
# The image's entrypoint. On ECS the database credentials arrive as separate secrets
# (SLUICE_DB_USER, SLUICE_DB_PASSWORD, SLUICE_DB_HOST, SLUICE_DB_PORT, SLUICE_DB_NAME: the
# fields of the Aurora secret), and the binaries read one SLUICE_DATABASE_URL; this joins them,
# percent-encoding the user and password, then runs its arguments. An explicit
# SLUICE_DATABASE_URL wins.
set -eu

urlencode() {
  rest=$1
  out=''
  while [ -n "$rest" ]; do
    c=${rest%"${rest#?}"}
    rest=${rest#?}
    case $c in
      [A-Za-z0-9._~-]) out="$out$c" ;;
      *) out="$out$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

if [ -z "${SLUICE_DATABASE_URL:-}" ] && [ -n "${SLUICE_DB_HOST:-}" ]; then
  : "${SLUICE_DB_USER:?is required with SLUICE_DB_HOST}" "${SLUICE_DB_PASSWORD:?is required with SLUICE_DB_HOST}"
  SLUICE_DATABASE_URL="postgres://$(urlencode "$SLUICE_DB_USER"):$(urlencode "$SLUICE_DB_PASSWORD")@${SLUICE_DB_HOST}:${SLUICE_DB_PORT:-5432}/${SLUICE_DB_NAME:-sluice}?sslmode=${SLUICE_DB_SSLMODE:-require}"
  export SLUICE_DATABASE_URL
fi
# The URL holds the password; the separate copy need not reach the process.
unset SLUICE_DB_PASSWORD
exec "$@"

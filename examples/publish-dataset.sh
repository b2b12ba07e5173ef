#!/usr/bin/env bash
# Publishes a data product's dataset from its repository, idempotently: imports the bucket and
# Glue database the repo's pipeline writes to (once), then re-reads its tables from Glue and
# waits until Sluice lists them. Suited to the last step of a CI pipeline.
#
#   ./publish-dataset.sh dataset.json
#
# dataset.json, kept in the repo:
#   {"environmentUri": "…", "label": "Orders", "team": "TeamA", "bucket": "orders-raw",
#    "kmsAlias": "orders", "glueDatabase": "orders", "stewards": "TeamA-Readers", "tags": ["sales"]}
#
# Needs sluice-cli (signed in, e.g. with the CI role's AWS credentials) and jq.
set -euo pipefail

[ $# -eq 1 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
spec="$1"
cli="${SLUICE_CLI:-sluice-cli}"
field() { jq -r --arg f "$1" '.[$f] // empty' "$spec"; }
label="$(field label)"

uri="$("$cli" --json dataset list --term "$label" \
  | jq -r --arg l "$label" 'map(select(.label == $l)) | first | .datasetUri // empty')"
if [ -z "$uri" ]; then
  args=(--env "$(field environmentUri)" --label "$label" --team "$(field team)"
    --bucket "$(field bucket)")
  # Without kmsAlias, the bucket is taken as encrypted with SSE-S3 (no customer key).
  [ -n "$(field kmsAlias)" ] && args+=(--kms-alias "$(field kmsAlias)")
  [ -n "$(field glueDatabase)" ] && args+=(--glue-db "$(field glueDatabase)")
  [ -n "$(field stewards)" ] && args+=(--stewards "$(field stewards)")
  while read -r tag; do [ -n "$tag" ] && args+=(--tag "$tag"); done < <(jq -r '.tags[]?' "$spec")
  uri="$("$cli" --json dataset import "${args[@]}" | jq -r .datasetUri)"
  echo "imported $label as dataset $uri" >&2
fi

"$cli" --json dataset sync "$uri" >/dev/null
for _ in $(seq 1 "${WAIT_SECONDS:-120}"); do
  tables="$("$cli" --json dataset tables "$uri")"
  if [ "$(jq length <<<"$tables")" -gt 0 ]; then
    jq -r '.[] | "table \(.name) \(.tableUri)"' <<<"$tables" >&2
    echo "$uri"
    exit 0
  fi
  sleep 1
done
echo "no tables appeared in dataset $uri; is the Glue database empty?" >&2
exit 1

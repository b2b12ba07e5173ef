#!/usr/bin/env bash
# The bash twin of bulk_approve.py: approves every submitted share request of datasets TEAM
# administers.
#
#   ./bulk-approve.sh TeamA
#
# Needs sluice-cli (signed in as a member of the team) and jq.
set -euo pipefail

[ $# -eq 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
team="$1"
cli="${SLUICE_CLI:-sluice-cli}"
doc="$(mktemp)"
trap 'rm -f "$doc"' EXIT
cat >"$doc" <<'GQL'
query { getShareRequestsToMe(filter: {status: ["Submitted"], pageSize: 100}) {
  nodes { shareUri group dataset { datasetName SamlAdminGroupName } } } }
GQL

failed=0
while read -r share; do
  if "$cli" --json share approve "$share" >/dev/null; then
    echo "approved $share"
  else
    failed=1
  fi
done < <("$cli" --json gql "$doc" | jq -r --arg t "$team" \
  '.getShareRequestsToMe.nodes[] | select(.dataset.SamlAdminGroupName == $t) | .shareUri')
exit "$failed"

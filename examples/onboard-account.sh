#!/usr/bin/env bash
# Onboards an AWS account: deploys Sluice's pivot role there with CloudFormation, links the
# account as an environment of an organization, and invites teams into both.
#
#   SLUICE_URL=https://sluice.example.com ./onboard-account.sh ORG_URI ACCOUNT_ID REGION OWNER_TEAM [TEAM...]
#
# Run it with two sets of AWS credentials in mind: the pivot role is deployed with the
# credentials of the target account (AWS_PROFILE, or skip with SKIP_PIVOT_DEPLOY=1 if it is
# already there), while sluice-cli signs in with whatever `sluice-cli login` saved (IAM by
# default). Needs sluice-cli, jq, and the aws CLI for the deploy.
set -euo pipefail

[ $# -ge 4 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
org="$1" account="$2" region="$3" owner="$4"
shift 4
cli="${SLUICE_CLI:-sluice-cli}"
label="${LABEL:-$account-$region}"

if [ "${SKIP_PIVOT_DEPLOY:-}" != 1 ]; then
  template="$(mktemp)"
  trap 'rm -f "$template"' EXIT
  doc="$(mktemp)"
  echo 'query($o: String!) { getPivotRoleTemplate(organizationUri: $o) }' >"$doc"
  "$cli" --json gql "$doc" --var "o=$org" | jq -r .getPivotRoleTemplate >"$template"
  rm -f "$doc"
  echo "deploying the pivot role into $account/$region" >&2
  aws cloudformation deploy --region "$region" --stack-name sluice-pivot-role \
    --template-file "$template" --capabilities CAPABILITY_NAMED_IAM
fi

env_uri="$("$cli" --json env link --org "$org" --account "$account" --region "$region" \
  --label "$label" --team "$owner" | jq -r .environmentUri)"
echo "linked $account/$region as environment $env_uri" >&2

for team in "$@"; do
  # A team joins the organization before its environments; one already in is a CONFLICT.
  if ! refused="$("$cli" --json org invite --org "$org" --team "$team" 2>&1 >/dev/null)"; then
    case "$refused" in *CONFLICT*) ;; *) echo "$refused" >&2; exit 1 ;; esac
  fi
  "$cli" --json env invite --env "$env_uri" --team "$team" \
    --permission CREATE_DATASET --permission CREATE_SHARE_OBJECT >/dev/null
  echo "invited $team" >&2
done
echo "$env_uri"

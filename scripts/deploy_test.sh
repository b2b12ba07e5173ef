#!/usr/bin/env bash
# The deploy/ CDK app's checks, offline: type check, unit and assertion tests (cdk-nag included),
# `cdk synth` with no AWS credentials, and cfn-lint on every synthesized template and on the
# standalone pivot-role template. Part of `make test`; runs alone as `make deploy-test`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT/deploy"

command -v node >/dev/null || die "node is missing: install Node.js 20 or newer (deploy/ is a CDK app)"
command -v npm >/dev/null || die "npm is missing: install npm with Node.js 20 or newer"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || die "node $(node --version) is too old: deploy/ needs Node.js 20 or newer"

# Like cargo's, npm's download cache lives outside the clone so CI machines reuse it.
export npm_config_cache="${npm_config_cache:-$HOME/.cache/sluice/npm}"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Prove synth needs no AWS account: no credentials, and no metadata-service probing for them.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true

lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.sluice-lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  log "npm ci in deploy/ (package-lock.json changed or node_modules missing)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.sluice-lock-sum
fi

log "deploy: type check"
npx --no-install tsc --noEmit
log "deploy: tests (assertions and cdk-nag)"
node --import tsx --test --test-reporter=spec test/*.test.ts
log "deploy: cdk synth with no AWS credentials"
rm -rf cdk.out
npx --no-install cdk synth --no-notices --quiet >/dev/null
log "deploy: cfn-lint on $(ls cdk.out/*.template.json | wc -l) templates and pivot-role.json"
# W3005 (a DependsOn also implied by a Ref) is how CDK writes some constructs; it is harmless.
"$VENV/bin/cfn-lint" --regions eu-west-1 us-east-1 --ignore-checks W3005 -- cdk.out/*.template.json pivot-role.json

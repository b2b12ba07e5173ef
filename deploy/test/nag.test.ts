import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import { build, rawConfig } from './support';

test('cdk-nag AwsSolutions passes on the settings in cdk.json', () => {
  // build() synthesizes with the AwsSolutions pack on the app; a finding would throw.
  const built = build();
  const report = JSON.parse(readFileSync(join(built.app.outdir, 'validation-report.json'), 'utf8'));
  const violations = JSON.stringify(report).match(/"violatingResources":\s*\[\s*\{/g) ?? [];
  assert.equal(report.success ?? true, true, JSON.stringify(report).slice(0, 2000));
  assert.equal(violations.length, 0, 'no violating resources in the validation report');
});

test('cdk-nag passes with an internal ALB, SAML federation, custom domains and a fixed account', () => {
  const raw = rawConfig();
  raw.account = '123456789012';
  raw.internetFacing = false;
  raw.domain = {
    apiDomainName: 'sluice.corp.example.com',
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    hostedZoneName: 'corp.example.com',
  };
  raw.frontend = {
    domainName: 'data.corp.example.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-666666666666',
  };
  raw.identity.federation = {
    type: 'SAML',
    name: 'CorpIdP',
    metadataUrl: 'https://idp.corp.example.com/metadata.xml',
    groupsAttribute: 'http://schemas.xmlsoap.org/claims/Group',
  };
  raw.github.oidcProviderArn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
  assert.doesNotThrow(() => build(raw));
});

test('cdk-nag passes with OIDC federation', () => {
  const raw = rawConfig();
  raw.identity.federation = {
    type: 'OIDC',
    name: 'Okta',
    issuerUrl: 'https://corp.okta.com',
    clientId: 'sluice',
    clientSecretName: 'sluice/okta-client-secret',
    groupsAttribute: 'groups',
  };
  assert.doesNotThrow(() => build(raw));
});

test('an unacknowledged finding fails synth, so the pack is really on', () => {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Leaky');
  new s3.Bucket(stack, 'NoLogsNoTls', { removalPolicy: RemovalPolicy.DESTROY });
  // The findings are expected here: keep them out of the test log.
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    assert.throws(() => app.synth(), /Validation failed/);
  } finally {
    process.stderr.write = write;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
  const rules = report.pluginReports.flatMap((p: any) => p.violations.map((v: any) => v.ruleName));
  assert.ok(rules.includes('AwsSolutions-S1') && rules.includes('AwsSolutions-S10'), String(rules));
});

test('every acknowledgement carries a reason', () => {
  const built = build();
  const reasons: string[] = [];
  for (const node of built.app.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          if (id.startsWith('AwsSolutions::')) reasons.push(`${id}: ${reason}`);
        }
      }
    }
  }
  assert.ok(reasons.length > 0, 'acknowledgements are recorded as metadata');
  for (const r of reasons) assert.match(r, /^AwsSolutions::AwsSolutions-[A-Z0-9]+(\[[^\]]+\])?: .{20,}/, r);
});

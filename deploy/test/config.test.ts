import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../lib/config';
import { rawConfig } from './support';

test('cdk.json holds valid settings, and the admin group is always one of the groups', () => {
  const config = parseConfig(rawConfig());
  assert.equal(config.prefix, 'sluice');
  assert.equal(config.availabilityZones.length, 3);
  assert.ok(config.identity.groups.includes(config.identity.adminGroup));
  assert.equal(config.auditRetentionDays, null, 'the activity trail is kept whole unless asked');
  assert.equal(config.eventBus, null, 'no event bus unless asked');
});

test('a bad setting fails with its name', () => {
  const cases: [(raw: Record<string, any>) => void, RegExp][] = [
    [(r) => (r.prefix = 'Sluice_Prod'), /sluice\.prefix/],
    [(r) => (r.internetFacing = 'yes'), /sluice\.internetFacing: must be true or false/],
    [(r) => (r.availabilityZones = ['eu-west-1a', 'eu-west-1b']), /availabilityZones: must name exactly three/],
    [(r) => (r.availabilityZones = ['eu-west-1a', 'eu-west-1b', 'us-east-1a']), /us-east-1a is not in eu-west-1/],
    [(r) => (r.domain.certificateArn = 'not-an-arn'), /domain\.certificateArn/],
    [(r) => (r.frontend = { domainName: 'x.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }), /us-east-1/],
    [(r) => (r.identity.federation = { type: 'LDAP', name: 'x', groupsAttribute: 'g' }), /federation\.type: must be SAML or OIDC/],
    [(r) => (r.identity.federation = { type: 'SAML', name: 'x', groupsAttribute: 'g', metadataUrl: 'http://idp/m' }), /metadataUrl/],
    [(r) => (r.sizes.apiCpu = 300), /sizes\.apiCpu: must be one of Fargate's CPU sizes/],
    [(r) => (r.sizes.searchDataNodes = 4), /multiple of 3/],
    [(r) => (r.sizes.apiMinTasks = 20), /apiMinTasks: must not exceed apiMaxTasks/],
    [(r) => (r.github.repository = 'just-a-name'), /github\.repository/],
    [(r) => delete r.sizes, /sluice\.sizes: must be an object/],
    [(r) => (r.auditRetentionDays = 0), /sluice\.auditRetentionDays: must be a number from 1/],
    [(r) => (r.auditRetentionDays = 30.5), /sluice\.auditRetentionDays: must be a whole number of days/],
    [(r) => (r.eventBus = 'yes'), /sluice\.eventBus: must be null, "create", or an event bus ARN/],
    [(r) => (r.eventBus = 'arn:aws:sqs:eu-west-1:123456789012:queue'), /sluice\.eventBus/],
  ];
  for (const [change, message] of cases) {
    const raw = rawConfig();
    change(raw);
    assert.throws(() => parseConfig(raw), (e: unknown) => e instanceof ConfigError && message.test(e.message), String(message));
  }
});

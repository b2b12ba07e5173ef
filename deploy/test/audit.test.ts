// The activity trail's retention (SLUICE_AUDIT_RETENTION_DAYS) reaches the worker, which prunes,
// only when cdk.json's auditRetentionDays asks for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, rawConfig, resourcesOfType } from './support';

function environment(template: any, family: string): Record<string, string> {
  const found = resourcesOfType(template, 'AWS::ECS::TaskDefinition').find(([, d]) => d.Properties.Family === family);
  assert.ok(found, `no task definition ${family}`);
  return Object.fromEntries(found[1].Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
}

test('the worker keeps every activity row by default, and prunes after auditRetentionDays when set', () => {
  const kept = build().templates.compute;
  assert.equal(environment(kept, 'sluice-worker').SLUICE_AUDIT_RETENTION_DAYS, undefined);
  const raw = rawConfig();
  raw.auditRetentionDays = 400;
  const pruned = build(raw).templates.compute;
  assert.equal(environment(pruned, 'sluice-worker').SLUICE_AUDIT_RETENTION_DAYS, '400');
  assert.equal(environment(pruned, 'sluice-api').SLUICE_AUDIT_RETENTION_DAYS, undefined, 'only the worker prunes');
});

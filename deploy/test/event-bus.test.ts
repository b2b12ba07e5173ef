// The EventBridge bus (SLUICE_EVENTBRIDGE_BUS): off unless cdk.json's eventBus asks for it;
// then the worker, and only the worker, gets the setting and events:PutEvents on that one bus.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build, Built, rawConfig, resourcesOfType } from './support';

const EXISTING = 'arn:aws:events:eu-west-1:444455556666:event-bus/platform-events';

function withBus(eventBus: unknown): Built {
  const raw = rawConfig();
  raw.eventBus = eventBus;
  return build(raw);
}

function environment(built: Built, family: string): Record<string, unknown> {
  const found = resourcesOfType(built.templates.compute, 'AWS::ECS::TaskDefinition').find(
    ([, d]) => d.Properties.Family === family,
  );
  assert.ok(found, `no task definition ${family}`);
  return Object.fromEntries(found[1].Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
}

/** Every statement of every policy attached to the role whose logical id starts with `prefix`. */
function statementsOf(built: Built, prefix: string): any[] {
  const resources = built.templates.compute.toJSON().Resources;
  const role = Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === 'AWS::IAM::Role');
  assert.ok(role, `no role ${prefix}`);
  return Object.values(resources)
    .filter((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const eventActions = (statements: any[]) => statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('events:')));

describe('event bus', () => {
  test('is off by default: no bus, no setting, no EventBridge permission', () => {
    const built = build();
    assert.equal(built.config.eventBus, null);
    assert.equal(resourcesOfType(built.templates.compute, 'AWS::Events::EventBus').length, 0);
    assert.equal(environment(built, 'sluice-worker').SLUICE_EVENTBRIDGE_BUS, undefined);
    for (const role of ['ApiTaskRole', 'WorkerTaskRole', 'EcsTasksTaskRole', 'MigrationTaskRole']) {
      assert.deepEqual(eventActions(statementsOf(built, role)), [], role);
    }
  });

  test('"create" makes <prefix>-events and lets the worker PutEvents on that bus alone', () => {
    const built = withBus('create');
    const buses = resourcesOfType(built.templates.compute, 'AWS::Events::EventBus');
    assert.equal(buses.length, 1);
    const [busId, bus] = buses[0];
    assert.equal(bus.Properties.Name, 'sluice-events');
    const busArn = { 'Fn::GetAtt': [busId, 'Arn'] };
    assert.deepEqual(environment(built, 'sluice-worker').SLUICE_EVENTBRIDGE_BUS, busArn);

    const put = eventActions(statementsOf(built, 'WorkerTaskRole'));
    assert.equal(put.length, 1, JSON.stringify(put));
    assert.equal(put[0].Effect, 'Allow');
    assert.deepEqual([put[0].Action].flat(), ['events:PutEvents'], 'PutEvents and nothing else of EventBridge');
    assert.deepEqual(put[0].Resource, busArn, 'scoped to the bus ARN, not *');
    assert.equal(put[0].Condition, undefined);
    for (const [role, family] of [
      ['ApiTaskRole', 'sluice-api'],
      ['EcsTasksTaskRole', 'sluice-ecs-tasks'],
      ['MigrationTaskRole', 'sluice-migration'],
    ]) {
      assert.deepEqual(eventActions(statementsOf(built, role)), [], `${role} may not put events`);
      assert.equal(environment(built, family).SLUICE_EVENTBRIDGE_BUS, undefined, `${family} does not relay`);
    }
  });

  test('an existing bus is used by its ARN, and the worker may PutEvents on it alone', () => {
    const built = withBus(EXISTING);
    assert.equal(resourcesOfType(built.templates.compute, 'AWS::Events::EventBus').length, 0, 'nothing is made');
    assert.equal(environment(built, 'sluice-worker').SLUICE_EVENTBRIDGE_BUS, EXISTING);
    const put = eventActions(statementsOf(built, 'WorkerTaskRole'));
    assert.equal(put.length, 1);
    assert.deepEqual([put[0].Action].flat(), ['events:PutEvents']);
    assert.equal(put[0].Resource, EXISTING);
  });
});

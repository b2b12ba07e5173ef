// The database password rotates without a human: a new current value of the secret redeploys the
// api and worker services (whose running tasks hold the old password), and nothing else.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { REDEPLOY_HANDLER } from '../lib/rotation';
import { build, resourcesOfType } from './support';

// The deployed handler is this file's text (checked below), so its logic is tested directly.
const handler = require('../functions/redeploy-on-rotation.js');

const built = build();
const t = built.templates;
const resources = t.compute.toJSON().Resources;

const functionId = Object.keys(resources).find(
  (k) => resources[k].Type === 'AWS::Lambda::Function' && k.startsWith('RedeployOnRotation'),
)!;
const fn = resources[functionId];
const serviceId = (prefix: string) =>
  Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === 'AWS::ECS::Service')!;
const importsSecret = (value: unknown) => /ImportValue/.test(JSON.stringify(value)) && /DatabaseSecret/i.test(JSON.stringify(value));

describe('database secret rotation', () => {
  test('stays single-user (one owner login for the services and migrations), every 30 days', () => {
    const [[, schedule]] = resourcesOfType(t.data, 'AWS::SecretsManager::RotationSchedule');
    assert.equal(schedule.Properties.HostedRotationLambda.RotationType, 'PostgreSQLSingleUser');
    assert.equal(schedule.Properties.RotationRules.ScheduleExpression, 'rate(30 days)');
  });

  test('a new current value of the database secret, and its RotationSucceeded, invoke the redeploy function', () => {
    const rules = resourcesOfType(t.compute, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    assert.equal(rules.length, 2, 'two rules, one per signal');
    for (const rule of rules) {
      assert.equal(rule.State, 'ENABLED');
      assert.deepEqual(rule.EventPattern.source, ['aws.secretsmanager']);
      assert.equal(rule.Targets.length, 1);
      assert.deepEqual(rule.Targets[0].Arn, { 'Fn::GetAtt': [functionId, 'Arn'] });
      assert.equal(rule.Targets[0].RetryPolicy.MaximumRetryAttempts, 4);
    }
    const label = rules.find((r) => r.EventPattern['detail-type'][0] === 'Secret Label Updated')!;
    assert.deepEqual(label.EventPattern.detail, { labelUpdated: ['AWSCURRENT'] });
    assert.equal(label.EventPattern.resources.length, 1);
    assert.ok(importsSecret(label.EventPattern.resources[0]), JSON.stringify(label.EventPattern.resources));
    const rotation = rules.find((r) => r.EventPattern['detail-type'][0] === 'AWS Service Event via CloudTrail')!;
    assert.deepEqual(rotation.EventPattern.detail.eventName, ['RotationSucceeded']);
    assert.equal(rotation.EventPattern.detail.additionalEventData.SecretId.length, 1);
    assert.ok(importsSecret(rotation.EventPattern.detail.additionalEventData.SecretId[0]));
    const permissions = resourcesOfType(t.compute, 'AWS::Lambda::Permission').filter(
      ([, p]) => JSON.stringify(p.Properties.FunctionName).includes(functionId),
    );
    assert.equal(permissions.length, 2, 'EventBridge may invoke it from each rule');
    for (const [, p] of permissions) assert.equal(p.Properties.Principal, 'events.amazonaws.com');
  });

  test('the function runs the tested handler, pointed at the two services and the secret', () => {
    assert.equal(fn.Properties.Code.ZipFile, REDEPLOY_HANDLER);
    const env = fn.Properties.Environment.Variables;
    const nameOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Name'] });
    assert.deepEqual(env.SERVICES, { 'Fn::Join': ['', [nameOf(serviceId('ApiService')), ',', nameOf(serviceId('WorkerService'))]] });
    assert.ok(importsSecret(env.SECRET_ARN));
    assert.ok(JSON.stringify(env.CLUSTER).includes('Cluster'));
  });

  test('the function may describe and redeploy exactly the api and worker services, nothing else of ECS', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const ecsStatements = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ecs:')));
    assert.equal(ecsStatements.length, 1);
    assert.deepEqual([ecsStatements[0].Action].flat().sort(), ['ecs:DescribeServices', 'ecs:UpdateService']);
    assert.deepEqual(
      [ecsStatements[0].Resource].flat().map((r: any) => r.Ref).sort(),
      [serviceId('ApiService'), serviceId('WorkerService')].sort(),
    );
    const others = statements.filter((s: any) => !ecsStatements.includes(s)).flatMap((s: any) => [s.Action].flat());
    assert.deepEqual([...new Set(others)].sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
    const role = resources[roleId];
    assert.equal(role.Properties.ManagedPolicyArns, undefined, 'no managed policies');
  });

  test('a failed redeploy raises an alarm', () => {
    const alarm = resourcesOfType(t.operations, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.AlarmName === 'sluice-RotationRedeployFailed')!;
    assert.ok(alarm, 'the alarm exists');
    assert.equal(alarm.MetricName, 'Errors');
    assert.equal(alarm.Namespace, 'AWS/Lambda');
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.AlarmActions.length, 1);
  });
});

describe('the redeploy handler', () => {
  before(() => mock.method(console, 'log', () => undefined));
  after(() => mock.restoreAll());
  const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:DatabaseSecret-AbCdEf';
  const env = { SECRET_ARN: SECRET, CLUSTER: 'sluice', SERVICES: 'sluice-api,sluice-worker' };
  const changedAt = '2026-11-23T10:00:00Z';
  const labelMoved = {
    'detail-type': 'Secret Label Updated',
    source: 'aws.secretsmanager',
    time: changedAt,
    resources: [SECRET],
    detail: { name: 'DatabaseSecret', labelUpdated: 'AWSCURRENT', versionId: 'v2' },
  };
  const rotated = {
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.secretsmanager',
    time: changedAt,
    resources: [],
    detail: { eventSource: 'secretsmanager.amazonaws.com', eventName: 'RotationSucceeded', additionalEventData: { SecretId: SECRET } },
  };

  /** A fake ECS whose services were last deployed at `deployedAt`; records UpdateService calls. */
  function fakeEcs(deployedAt: Record<string, string>, refuse: string[] = []) {
    const updates: any[] = [];
    return {
      updates,
      describeServices: async (input: any) => {
        assert.equal(input.cluster, 'sluice');
        return {
          services: input.services.map((name: string) => ({
            serviceName: name,
            deployments: [
              { id: `ecs-svc/${name}-old`, status: 'ACTIVE', createdAt: new Date('2026-01-01T00:00:00Z') },
              { id: `ecs-svc/${name}`, status: 'PRIMARY', createdAt: new Date(deployedAt[name]) },
            ],
          })),
        };
      },
      updateService: async (input: any) => {
        if (refuse.includes(input.service)) throw new Error('AccessDenied');
        updates.push(input);
        return {};
      },
    };
  }

  test('forces a new deployment of both services after either event', async () => {
    for (const event of [labelMoved, rotated]) {
      const ecs = fakeEcs({ 'sluice-api': '2026-11-01T00:00:00Z', 'sluice-worker': '2026-11-01T00:00:00Z' });
      const out = await handler.redeploy(event, env, ecs);
      assert.deepEqual(out.redeployed, ['sluice-api', 'sluice-worker']);
      assert.deepEqual(ecs.updates, [
        { cluster: 'sluice', service: 'sluice-api', forceNewDeployment: true },
        { cluster: 'sluice', service: 'sluice-worker', forceNewDeployment: true },
      ]);
    }
  });

  test('rolls each service once per change: a service deployed since the change is left alone', async () => {
    const ecs = fakeEcs({ 'sluice-api': '2026-11-23T10:00:05Z', 'sluice-worker': '2026-11-01T00:00:00Z' });
    const out = await handler.redeploy(rotated, env, ecs);
    assert.deepEqual(out.current, ['sluice-api']);
    assert.deepEqual(ecs.updates.map((u) => u.service), ['sluice-worker']);
  });

  test('ignores other secrets, other labels and other events', async () => {
    const ecs = fakeEcs({});
    for (const event of [
      { ...labelMoved, resources: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:Other-XyZ123'] },
      { ...labelMoved, detail: { ...labelMoved.detail, labelUpdated: 'AWSPREVIOUS' } },
      { ...rotated, detail: { ...rotated.detail, eventName: 'RotationFailed' } },
      { ...rotated, detail: { ...rotated.detail, additionalEventData: { SecretId: 'Other' } } },
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: changedAt, resources: [SECRET], detail: {} },
      {},
    ]) {
      assert.deepEqual((await handler.redeploy(event, env, ecs)).redeployed, []);
    }
    assert.deepEqual(ecs.updates, []);
  });

  test('tries every service, then fails naming the one it could not redeploy', async () => {
    const ecs = fakeEcs({ 'sluice-api': '2026-11-01T00:00:00Z', 'sluice-worker': '2026-11-01T00:00:00Z' }, ['sluice-api']);
    await assert.rejects(handler.redeploy(labelMoved, env, ecs), /could not redeploy sluice-api: AccessDenied/);
    assert.deepEqual(ecs.updates.map((u) => u.service), ['sluice-worker']);
  });
});

// What the deploy sets so that anonymous or hostile traffic stays cheap (docs/HARDENING.md):
// introspection off, /metrics on the task's loopback with no way in from the load balancer, and
// the load balancer's X-Forwarded-For entry taken as the client for sign-in rate limits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_PORT } from '../lib/tasks';
import { build, resourcesOfType } from './support';

const t = build().templates;

function container(family: string): any {
  const found = resourcesOfType(t.compute, 'AWS::ECS::TaskDefinition').find(([, d]) => d.Properties.Family === family);
  assert.ok(found, `no task definition ${family}`);
  return found[1].Properties.ContainerDefinitions[0];
}

function environment(family: string): Record<string, string> {
  return Object.fromEntries(container(family).Environment.map((e: any) => [e.Name, e.Value]));
}

describe('the API task', () => {
  const env = environment('sluice-api');

  test('turns introspection off', () => {
    assert.equal(env.SLUICE_GRAPHQL_INTROSPECTION, 'false');
  });

  test('serves /metrics on its loopback only, with no port mapping to it', () => {
    assert.match(env.SLUICE_METRICS_BIND, /^127\.0\.0\.1:\d+$/);
    const ports = container('sluice-api').PortMappings.map((m: any) => m.ContainerPort);
    assert.deepEqual(ports, [API_PORT]);
  });

  test('counts failed sign-ins against the address the load balancer forwarded', () => {
    assert.equal(env.SLUICE_TRUSTED_PROXY_HOPS, '1');
  });
});

test('no load balancer listener, rule or target group leads to the metrics port', () => {
  const metricsPort = Number(environment('sluice-api').SLUICE_METRICS_BIND.split(':')[1]);
  for (const type of ['AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancingV2::Listener']) {
    for (const [id, resource] of resourcesOfType(t.compute, type)) {
      assert.notEqual(resource.Properties.Port, metricsPort, id);
    }
  }
  assert.equal(resourcesOfType(t.compute, 'AWS::ElasticLoadBalancingV2::ListenerRule').length, 0);
});

test('the worker serves its metrics on its loopback too: it has no port mapping at all', () => {
  assert.equal(container('sluice-worker').PortMappings, undefined);
  assert.equal(environment('sluice-worker').SLUICE_WORKER_METRICS_BIND, undefined, 'its default is 127.0.0.1:9464');
});

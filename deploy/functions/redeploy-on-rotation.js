// Lambda handler (Node.js, nothing beyond the runtime's AWS SDK): once the database secret has a
// new current value, force a new deployment of the api and worker services. ECS resolves the
// password when a task starts, so only tasks started after the change have it.
// Deployed inline from this file (lib/rotation.ts); test/rotation.test.ts runs `redeploy`.
'use strict';

/**
 * True for the two events that say `secretArn` has a new current value: Secrets Manager's own
 * "Secret Label Updated" (AWSCURRENT moved; sent for rotations and manual changes alike) and
 * CloudTrail's RotationSucceeded.
 */
function isNewValueOf(event, secretArn) {
  const detail = (event && event.detail) || {};
  switch (event && event['detail-type']) {
    case 'Secret Label Updated':
      return detail.labelUpdated === 'AWSCURRENT' && (event.resources || []).includes(secretArn);
    case 'AWS Service Event via CloudTrail':
      return detail.eventName === 'RotationSucceeded' && (detail.additionalEventData || {}).SecretId === secretArn;
    default:
      return false;
  }
}

/**
 * Forces a new deployment of each service in `env.SERVICES` whose current deployment began
 * before the change. A rotation sends both events, and EventBridge may deliver one twice; a
 * service already redeployed since the change is left alone, so each change rolls it once.
 * Tries every service before failing, so one refusal does not hold back the other.
 */
async function redeploy(event, env, ecs) {
  if (!isNewValueOf(event, env.SECRET_ARN)) {
    console.log('ignored: not a new value of the database secret', event && event['detail-type']);
    return { redeployed: [], current: [] };
  }
  const changedAt = new Date(event.time);
  const names = env.SERVICES.split(',').filter(Boolean);
  const described = await ecs.describeServices({ cluster: env.CLUSTER, services: names });
  const redeployed = [];
  const current = [];
  const failures = [];
  for (const service of names) {
    const found = (described.services || []).find((s) => s.serviceName === service);
    const primary = found && (found.deployments || []).find((d) => d.status === 'PRIMARY');
    if (primary && new Date(primary.createdAt) > changedAt) {
      current.push(service);
      console.log('already redeployed since the change', service, primary.id);
      continue;
    }
    try {
      await ecs.updateService({ cluster: env.CLUSTER, service, forceNewDeployment: true });
      redeployed.push(service);
      console.log('new deployment forced', service);
    } catch (e) {
      failures.push(`${service}: ${e.message}`);
    }
  }
  if (failures.length) throw new Error(`could not redeploy ${failures.join('; ')}`);
  return { redeployed, current };
}

exports.isNewValueOf = isNewValueOf;
exports.redeploy = redeploy;
exports.handler = async (event) => {
  const { ECSClient, DescribeServicesCommand, UpdateServiceCommand } = require('@aws-sdk/client-ecs');
  const client = new ECSClient({});
  return redeploy(event, process.env, {
    describeServices: (input) => client.send(new DescribeServicesCommand(input)),
    updateService: (input) => client.send(new UpdateServiceCommand(input)),
  });
};

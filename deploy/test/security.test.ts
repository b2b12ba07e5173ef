// What must hold in the synthesized templates whatever else changes: the data is private and
// encrypted, the only open door is HTTPS on the public load balancer, buckets are private and
// TLS-only, and the services' IAM reaches only what they use.
import { Match } from 'aws-cdk-lib/assertions';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allResources, build, Built, rawConfig, resourcesOfType } from './support';

const built = build();
const t = built.templates;

/** `{"Fn::ImportValue": ...}` or `{"Ref"/"Fn::GetAtt": ...}` naming logical id `id` (directly or by export name). */
function refersTo(value: unknown, id: string): boolean {
  return JSON.stringify(value).includes(id.replace(/[0-9A-F]{8}$/, ''));
}

describe('database', () => {
  const [[clusterId, cluster]] = resourcesOfType(t.data, 'AWS::RDS::DBCluster');
  const [[keyId, key]] = resourcesOfType(t.data, 'AWS::KMS::Key');

  test('is Aurora PostgreSQL Serverless v2, encrypted with the customer-managed key, which rotates', () => {
    assert.equal(cluster.Properties.Engine, 'aurora-postgresql');
    assert.ok(cluster.Properties.ServerlessV2ScalingConfiguration);
    assert.equal(cluster.Properties.StorageEncrypted, true);
    assert.deepEqual(cluster.Properties.KmsKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
    assert.equal(key.Properties.EnableKeyRotation, true);
  });

  test('is not public: no public instance, subnets without a route out', () => {
    const instances = resourcesOfType(t.data, 'AWS::RDS::DBInstance');
    assert.equal(instances.length, 2, 'a writer and a reader: Multi-AZ');
    for (const [, instance] of instances) {
      assert.equal(instance.Properties.PubliclyAccessible, false);
      assert.equal(instance.Properties.DBClusterIdentifier.Ref, clusterId);
    }
    const [[, subnetGroup]] = resourcesOfType(t.data, 'AWS::RDS::DBSubnetGroup');
    const imports = JSON.stringify(subnetGroup.Properties.SubnetIds);
    assert.match(imports, /dataSubnet1/);
    assert.doesNotMatch(imports, /publicSubnet|computeSubnet/);
  });

  test('credentials live in Secrets Manager, encrypted with the key, and rotate', () => {
    const [[secretId, secret]] = resourcesOfType(t.data, 'AWS::SecretsManager::Secret');
    assert.deepEqual(secret.Properties.KmsKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
    t.data.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('Secret') },
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    assert.ok(secretId);
  });

  test('keeps backups, survives stack deletion and refuses deletion', () => {
    assert.equal(cluster.Properties.BackupRetentionPeriod, built.config.sizes.backupRetentionDays);
    assert.equal(cluster.Properties.DeletionProtection, true);
    assert.equal(cluster.DeletionPolicy, 'Snapshot');
  });

  test('admits only the Sluice services and the rotation function', () => {
    const sgs = t.network.toJSON().Resources;
    const dbSg = Object.entries(sgs).find(([, r]: any) => r.Properties?.GroupDescription?.includes('Aurora'))!;
    const from = allResources(built)
      .filter(([, , r]) => r.Type === 'AWS::EC2::SecurityGroupIngress' && refersTo(r.Properties.GroupId, dbSg[0]))
      .map(([, , r]) => JSON.stringify(r.Properties.SourceSecurityGroupId));
    const inline = ((dbSg[1] as any).Properties.SecurityGroupIngress ?? []) as unknown[];
    assert.equal(inline.length, 0, 'no inline (CIDR) ingress on the database');
    for (const source of ['ApiSg', 'WorkerSg', 'EcsTasksSg', 'MigrationSg', 'RotationSg']) {
      assert.ok(from.some((f) => f.includes(source)), `${source} may reach the database`);
    }
    assert.equal(from.length, 5, `only those five: ${from}`);
  });
});

describe('queue', () => {
  test('the task queue and its dead-letter queue are FIFO and KMS-encrypted with the key', () => {
    const [[keyId]] = resourcesOfType(t.queue, 'AWS::KMS::Key');
    const queues = resourcesOfType(t.queue, 'AWS::SQS::Queue');
    assert.equal(queues.length, 2);
    for (const [, q] of queues) {
      assert.equal(q.Properties.FifoQueue, true);
      assert.match(q.Properties.QueueName, /\.fifo$/);
      assert.deepEqual(q.Properties.KmsMasterKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    t.queue.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'sluice-tasks.fifo',
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 10 },
    });
  });

  test('both queues refuse requests without TLS', () => {
    const policies = resourcesOfType(t.queue, 'AWS::SQS::QueuePolicy');
    assert.equal(policies.length, 2);
    for (const [, p] of policies) assert.ok(deniesInsecureTransport(p.Properties.PolicyDocument));
  });
});

function deniesInsecureTransport(document: any): boolean {
  return document.Statement.some(
    (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
  );
}

/** Every rule that lets anything in from 0.0.0.0/0 or ::/0: [stack, group, port range]. */
function openIngress(b: Built): { stack: string; group: string; from: number; to: number }[] {
  const open: { stack: string; group: string; from: number; to: number }[] = [];
  const isOpen = (rule: any) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0';
  for (const [stack, id, r] of allResources(b)) {
    if (r.Type === 'AWS::EC2::SecurityGroup') {
      for (const rule of r.Properties.SecurityGroupIngress ?? []) {
        if (isOpen(rule)) open.push({ stack, group: id, from: rule.FromPort, to: rule.ToPort });
      }
    }
    if (r.Type === 'AWS::EC2::SecurityGroupIngress' && isOpen(r.Properties)) {
      open.push({ stack, group: JSON.stringify(r.Properties.GroupId), from: r.Properties.FromPort, to: r.Properties.ToPort });
    }
  }
  return open;
}

describe('network', () => {
  test('no security group admits 0.0.0.0/0 except the public load balancer, on 443 only', () => {
    const open = openIngress(built);
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.match(open[0].group, /^AlbSg/);
    assert.equal(open[0].from, 443);
    assert.equal(open[0].to, 443);
  });

  test('with an internal load balancer nothing admits 0.0.0.0/0', () => {
    const raw = rawConfig();
    raw.internetFacing = false;
    const internal = build(raw);
    assert.deepEqual(openIngress(internal), []);
    internal.templates.compute.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
    });
  });

  test('three AZs; endpoints for S3, SQS, STS, Secrets Manager, ECR and CloudWatch Logs', () => {
    const subnets = resourcesOfType(t.network, 'AWS::EC2::Subnet');
    assert.equal(subnets.length, 9, 'public, compute and data subnets in each of three AZs');
    const services = resourcesOfType(t.network, 'AWS::EC2::VPCEndpoint').map(([, e]) => JSON.stringify(e.Properties.ServiceName));
    for (const s of ['.s3', '.sqs', '.sts', '.secretsmanager', '.ecr.api', '.ecr.dkr', '.logs']) {
      assert.ok(services.some((name) => name.includes(s)), `an endpoint for ${s}: ${services}`);
    }
  });

  test('services run in the compute subnets; Aurora and OpenSearch in the data subnets', () => {
    for (const [, service] of resourcesOfType(t.compute, 'AWS::ECS::Service')) {
      const subnets = JSON.stringify(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets);
      assert.match(subnets, /computeSubnet/);
      assert.doesNotMatch(subnets, /publicSubnet|dataSubnet/);
      assert.equal(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
    }
    const [[, domain]] = resourcesOfType(t.search, 'AWS::OpenSearchService::Domain');
    assert.match(JSON.stringify(domain.Properties.VPCOptions.SubnetIds), /dataSubnet/);
    assert.doesNotMatch(JSON.stringify(domain.Properties.VPCOptions.SubnetIds), /publicSubnet|computeSubnet/);
  });
});

describe('buckets', () => {
  test('every bucket blocks public access and enforces TLS in its policy', () => {
    const buckets = allResources(built).filter(([, , r]) => r.Type === 'AWS::S3::Bucket');
    assert.ok(buckets.length >= 3, 'ALB logs, site and its logs');
    for (const [stack, id, bucket] of buckets) {
      assert.deepEqual(
        bucket.Properties.PublicAccessBlockConfiguration,
        { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        `${stack}/${id}`,
      );
      assert.ok(bucket.Properties.BucketEncryption, `${stack}/${id} is encrypted`);
      const policies = resourcesOfType(built.templates[stack], 'AWS::S3::BucketPolicy').filter(
        ([, p]) => p.Properties.Bucket.Ref === id,
      );
      assert.equal(policies.length, 1, `${stack}/${id} has a policy`);
      assert.ok(deniesInsecureTransport(policies[0][1].Properties.PolicyDocument), `${stack}/${id} denies plain HTTP`);
    }
  });
});

describe('compute', () => {
  const resources = t.compute.toJSON().Resources;
  const roleId = (prefix: string) => Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === 'AWS::IAM::Role')!;
  const statementsOf = (role: string) =>
    Object.values(resources)
      .filter((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const actionsOf = (s: any) => [s.Action].flat();

  test('the API may RunTask only the ecs-tasks definition, in its cluster, and pass only its roles', () => {
    const statements = statementsOf(roleId('ApiTaskRole'));
    const runTask = statements.filter((s: any) => actionsOf(s).includes('ecs:RunTask'));
    assert.equal(runTask.length, 1);
    assert.match(JSON.stringify(runTask[0].Resource), /task-definition\/sluice-ecs-tasks:\*/);
    assert.ok(runTask[0].Condition.ArnEquals['ecs:cluster']);
    const pass = statements.filter((s: any) => actionsOf(s).includes('iam:PassRole'));
    assert.equal(pass.length, 1);
    const passed = JSON.stringify(pass[0].Resource);
    assert.match(passed, /EcsTasksTaskRole/);
    assert.match(passed, /EcsTasksTaskExecutionRole/);
    assert.doesNotMatch(passed, /ApiTask|WorkerTask/);
  });

  test('the API assumes only pivot roles with the configured name', () => {
    for (const role of ['ApiTaskRole', 'WorkerTaskRole', 'EcsTasksTaskRole']) {
      const assume = statementsOf(roleId(role)).filter((s: any) => actionsOf(s).includes('sts:AssumeRole'));
      assert.equal(assume.length, 1, role);
      assert.deepEqual([assume[0].Resource].flat().map((r: any) => JSON.stringify(r)), [
        JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/sluice-pivot-role']] }),
      ]);
    }
  });

  test('no service role has a wildcard action', () => {
    for (const role of ['ApiTaskRole', 'WorkerTaskRole', 'EcsTasksTaskRole', 'MigrationTaskRole']) {
      for (const s of statementsOf(roleId(role))) {
        for (const a of actionsOf(s)) assert.doesNotMatch(a, /(^\*$|:\*$)/, `${role}: ${a}`);
      }
    }
  });

  test('the load balancer listens on HTTPS only, behind WAF with AWS managed rules', () => {
    const listeners = resourcesOfType(t.compute, 'AWS::ElasticLoadBalancingV2::Listener');
    assert.equal(listeners.length, 1);
    assert.equal(listeners[0][1].Properties.Protocol, 'HTTPS');
    assert.equal(listeners[0][1].Properties.Port, 443);
    t.compute.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    t.compute.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
      ]),
    });
  });

  test('the API scales on CPU and requests; the worker on queue depth', () => {
    const policies = resourcesOfType(t.compute, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([, p]) => p.Properties);
    const metrics = policies.map((p) =>
      JSON.stringify(p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ?? p.PolicyType),
    );
    assert.ok(metrics.some((m) => m.includes('ECSServiceAverageCPUUtilization')));
    assert.ok(metrics.some((m) => m.includes('ALBRequestCountPerTarget')));
    t.compute.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
    });
  });

  test('the migration task runs before both services are updated', () => {
    const [[migrationId]] = resourcesOfType(t.compute, 'Custom::SluiceMigration');
    for (const [, service] of resourcesOfType(t.compute, 'AWS::ECS::Service')) {
      assert.ok([service.DependsOn].flat().includes(migrationId), `${service.Properties.ServiceName} waits for the migration`);
    }
    t.compute.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'sluice-migration',
      ContainerDefinitions: [Match.objectLike({ Command: ['sluice', 'migrate'] })],
    });
  });

  test('containers get the settings the binaries read, and credentials only as secrets', () => {
    const api = resourcesOfType(t.compute, 'AWS::ECS::TaskDefinition').find(([, d]) => d.Properties.Family === 'sluice-api')![1];
    const container = api.Properties.ContainerDefinitions[0];
    const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
    for (const [name, value] of Object.entries({
      SLUICE_QUEUE: 'sqs',
      SLUICE_LAUNCHER: 'ecs',
      SLUICE_ECS_TASK_DEFINITION: 'sluice-ecs-tasks',
      SLUICE_ECS_CONTAINER: 'ecs-tasks',
      SLUICE_DEV_ISSUER: 'false',
      SLUICE_AUTO_MIGRATE: 'false',
      SLUICE_PIVOT_ROLE_NAME: 'sluice-pivot-role',
      SLUICE_OPENSEARCH_AUTH: 'sigv4',
    })) {
      assert.equal(env[name], value, name);
    }
    for (const name of ['SLUICE_SQS_QUEUE_URL', 'SLUICE_SQS_DLQ_URL', 'SLUICE_AUTH_ISSUER', 'SLUICE_AUTH_CLIENT_ID', 'SLUICE_OPENSEARCH_URL', 'SLUICE_ECS_SUBNETS', 'SLUICE_ECS_SECURITY_GROUPS']) {
      assert.ok(env[name], `${name} is set`);
    }
    assert.deepEqual(
      container.Secrets.map((s: any) => s.Name).sort(),
      ['SLUICE_DB_HOST', 'SLUICE_DB_NAME', 'SLUICE_DB_PASSWORD', 'SLUICE_DB_PORT', 'SLUICE_DB_USER'],
    );
    assert.ok(!JSON.stringify(container.Environment).match(/password/i), 'no password in the environment');
    assert.equal(container.User, '10001:10001');
    assert.equal(container.ReadonlyRootFilesystem, true);
  });
});

describe('search', () => {
  test('OpenSearch is in the VPC, encrypted at rest and in transit, with fine-grained access control', () => {
    t.search.hasResourceProperties('AWS::OpenSearchService::Domain', {
      VPCOptions: Match.objectLike({ SubnetIds: Match.anyValue() }),
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: Match.anyValue() },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: Match.objectLike({ EnforceHTTPS: true }),
      AdvancedSecurityOptions: Match.objectLike({ Enabled: true, InternalUserDatabaseEnabled: false }),
      ClusterConfig: Match.objectLike({ ZoneAwarenessEnabled: true, DedicatedMasterEnabled: true }),
    });
  });
});

describe('identity', () => {
  test('the web client is public and uses the code flow (Cognito enforces PKCE for it)', () => {
    t.identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    t.identity.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    t.identity.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'DAAdministrators' });
    t.identity.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  test('SAML federation maps the IdP groups to custom:saml.groups', () => {
    const raw = rawConfig();
    raw.identity.federation = {
      type: 'SAML',
      name: 'CorpIdP',
      metadataUrl: 'https://idp.corp.example.com/metadata.xml',
      groupsAttribute: 'memberOf',
    };
    const federated = build(raw);
    federated.templates.identity.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderType: 'SAML',
      AttributeMapping: Match.objectLike({ 'custom:saml.groups': 'memberOf' }),
    });
    federated.templates.identity.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      SupportedIdentityProviders: Match.arrayWith(['CorpIdP']),
    });
  });
});

describe('frontend', () => {
  test('CloudFront reads the bucket through origin access control, with security headers and WAF', () => {
    const f = t.frontend;
    f.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    f.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: Match.anyValue(),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
      }),
    });
    f.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          ContentSecurityPolicy: Match.anyValue(),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
    f.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    assert.equal(built.stacks.frontend.region, 'us-east-1');
  });
});

describe('operations', () => {
  test('alarms on API 5xx, p99 latency, dead letters, Aurora CPU and connections, OpenSearch health and a failed redeploy after rotation go to SNS', () => {
    const alarms = resourcesOfType(t.operations, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const names = alarms.map((a) => a.AlarmName);
    for (const n of ['Api5xx', 'ApiLatencyP99', 'DeadLetters', 'AuroraCpu', 'AuroraConnections', 'SearchRed', 'RotationRedeployFailed']) {
      assert.ok(names.includes(`sluice-${n}`), `${n} alarm: ${names}`);
    }
    for (const a of alarms) assert.equal(a.AlarmActions.length, 1, a.AlarmName);
    assert.ok(alarms.find((a) => a.AlarmName === 'sluice-ApiLatencyP99').ExtendedStatistic === 'p99');
    t.operations.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('every log group has a retention', () => {
    const groups = allResources(built).filter(([, , r]) => r.Type === 'AWS::Logs::LogGroup');
    assert.ok(groups.length > 5);
    for (const [stack, id, g] of groups) assert.ok(g.Properties.RetentionInDays > 0, `${stack}/${id}`);
  });
});

describe('CI access', () => {
  test('GitHub Actions may assume the deploy role from one repository and branch only', () => {
    t.ci.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': 'repo:example-org/sluice:ref:refs/heads/main',
              },
            },
          }),
        ],
      },
    });
    const statements = resourcesOfType(t.ci, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    assert.deepEqual(statements.map((s: any) => s.Action), [['sts:AssumeRole', 'sts:TagSession']]);
  });
});

// The Fargate task definitions (api, worker, ecs-tasks, migration), their roles and settings.
// Each task gets only what its process does; see docs/deploy.md for the why of each grant.

import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { apiAuthEnvironment } from './identity';
import { acknowledge, nagArn, wildcard } from './nag';
import { CATALOG_INDEX_PREFIX, taskRoleName } from './search';

export const API_PORT = 8080;
/** The image's entrypoint: builds SLUICE_DATABASE_URL from the secret's fields, then runs its arguments. */
export const ENTRYPOINT = '/usr/local/bin/sluice-entrypoint';
export const ECS_TASKS_CONTAINER = 'ecs-tasks';

export interface TaskInputs {
  config: SluiceConfig;
  cluster: ecs.ICluster;
  repository: ecr.IRepository;
  dbSecret: secretsmanager.ISecret;
  dbKey: kms.IKey;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  queueKey: kms.IKey;
  search: opensearch.IDomain;
  searchDomainName: string;
  userPoolId: string;
  webClientId: string;
  issuer: string;
  /** Where long tasks run: the compute subnets, and ecs-tasks' own security group. */
  ecsTasksSubnets: ec2.SubnetSelection;
  ecsTasksSecurityGroup: ec2.ISecurityGroup;
  vpc: ec2.IVpc;
  /** The bus the worker puts every event on (SLUICE_EVENTBRIDGE_BUS); null: none. */
  eventBus: events.IEventBus | null;
}

export interface SluiceTasks {
  api: ecs.FargateTaskDefinition;
  worker: ecs.FargateTaskDefinition;
  ecsTasks: ecs.FargateTaskDefinition;
  migration: ecs.FargateTaskDefinition;
  logGroups: logs.LogGroup[];
}

type Service = 'api' | 'worker' | 'ecs-tasks' | 'migration';

export function sluiceTasks(scope: Construct, given: TaskInputs): SluiceTasks {
  const { config } = given;
  const stack = Stack.of(scope);
  // Referenced without their keys: a grant through a key in another stack writes the role into
  // that key's policy, and the stacks would depend on each other. The keys' policies delegate
  // to IAM, so the roles get their key permissions below, in their own policies.
  const inputs: TaskInputs = {
    ...given,
    dbSecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'DbSecret', given.dbSecret.secretArn),
    queue: sqs.Queue.fromQueueAttributes(scope, 'TaskQueue', {
      queueArn: given.queue.queueArn,
      queueUrl: given.queue.queueUrl,
    }),
    deadLetterQueue: sqs.Queue.fromQueueAttributes(scope, 'TaskDeadLetterQueue', {
      queueArn: given.deadLetterQueue.queueArn,
      queueUrl: given.deadLetterQueue.queueUrl,
    }),
  };
  const image = ecs.ContainerImage.fromEcrRepository(inputs.repository, config.image.tag);
  const logGroups: logs.LogGroup[] = [];

  const subnetIds = inputs.vpc.selectSubnets(inputs.ecsTasksSubnets).subnetIds;
  const ecsTasksFamily = `${config.prefix}-ecs-tasks`;
  // Read by every binary: the database (see ENTRYPOINT), logs, the account and pivot role.
  const common: Record<string, string> = {
    SLUICE_LOG_FORMAT: 'json',
    SLUICE_TRUST_ACCOUNT_ID: stack.account,
    SLUICE_PIVOT_ROLE_NAME: config.pivotRoleName,
    SLUICE_OPENSEARCH_URL: `https://${inputs.search.domainEndpoint}`,
    SLUICE_OPENSEARCH_AUTH: 'sigv4',
    // Written out (it is the binaries' default) because the domain's access control grants the
    // services this prefix's indexes only (lib/search-access.ts).
    SLUICE_OPENSEARCH_INDEX: CATALOG_INDEX_PREFIX,
  };
  const pipeline: Record<string, string> = {
    SLUICE_QUEUE: 'sqs',
    SLUICE_SQS_QUEUE_URL: inputs.queue.queueUrl,
    SLUICE_SQS_DLQ_URL: inputs.deadLetterQueue.queueUrl,
    SLUICE_LAUNCHER: 'ecs',
    SLUICE_ECS_CLUSTER: inputs.cluster.clusterName,
    SLUICE_ECS_TASK_DEFINITION: ecsTasksFamily,
    SLUICE_ECS_CONTAINER: ECS_TASKS_CONTAINER,
    SLUICE_ECS_SUBNETS: subnetIds.join(','),
    SLUICE_ECS_SECURITY_GROUPS: inputs.ecsTasksSecurityGroup.securityGroupId,
    SLUICE_ECS_ASSIGN_PUBLIC_IP: 'false',
  };
  const server: Record<string, string> = {
    SLUICE_BIND: `0.0.0.0:${API_PORT}`,
    SLUICE_PUBLIC_URL: `https://${config.domain.apiDomainName}`,
    SLUICE_AUTO_MIGRATE: 'false',
    SLUICE_EMBEDDED_WORKER: 'false',
    SLUICE_DEV_ISSUER: 'false',
    SLUICE_AUTH_ISSUER: inputs.issuer,
    SLUICE_AUTH_CLIENT_ID: inputs.webClientId,
    SLUICE_AUTH_TOKEN_USE: 'id',
    ...apiAuthEnvironment(config.identity),
    SLUICE_ADMIN_GROUP: config.identity.adminGroup,
  };
  // Credentials reach the container as ECS secrets (resolved by the agent at start, never in
  // the task definition); the entrypoint joins them into SLUICE_DATABASE_URL.
  const secrets: Record<string, ecs.Secret> = {
    SLUICE_DB_USER: ecs.Secret.fromSecretsManager(inputs.dbSecret, 'username'),
    SLUICE_DB_PASSWORD: ecs.Secret.fromSecretsManager(inputs.dbSecret, 'password'),
    SLUICE_DB_HOST: ecs.Secret.fromSecretsManager(inputs.dbSecret, 'host'),
    SLUICE_DB_PORT: ecs.Secret.fromSecretsManager(inputs.dbSecret, 'port'),
    SLUICE_DB_NAME: ecs.Secret.fromSecretsManager(inputs.dbSecret, 'dbname'),
  };

  const define = (
    service: Service,
    sizes: { cpu: number; memoryLimitMiB: number },
    command: string[],
    environment: Record<string, string>,
    port?: number,
  ) => {
    const taskRole = new iam.Role(scope, `${pascal(service)}TaskRole`, {
      roleName: taskRoleName(config, service),
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*' }) } },
      }),
      description: `Sluice ${service} containers`,
    });
    const definition = new ecs.FargateTaskDefinition(scope, `${pascal(service)}Task`, {
      family: `${config.prefix}-${service}`,
      cpu: sizes.cpu,
      memoryLimitMiB: sizes.memoryLimitMiB,
      taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const logGroup = new logs.LogGroup(scope, `${pascal(service)}Logs`, {
      logGroupName: `/${config.prefix}/${service}`,
      retention: config.sizes.logRetentionDays,
    });
    logGroups.push(logGroup);
    definition.addContainer(service, {
      containerName: service,
      image,
      entryPoint: service === 'ecs-tasks' ? [ENTRYPOINT, 'ecs-tasks'] : [ENTRYPOINT],
      command,
      environment,
      secrets,
      essential: true,
      readonlyRootFilesystem: true,
      user: '10001:10001',
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: service }),
      portMappings: port ? [{ containerPort: port, protocol: ecs.Protocol.TCP }] : undefined,
    });
    // The root filesystem is read-only; scratch files go to task-local storage.
    definition.addVolume({ name: 'tmp' });
    definition.defaultContainer!.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    return definition;
  };

  const sizes = config.sizes;
  const api = define(
    'api',
    { cpu: sizes.apiCpu, memoryLimitMiB: sizes.apiMemoryMiB },
    ['sluice', 'serve'],
    { ...common, ...pipeline, ...server },
    API_PORT,
  );
  // The worker prunes the activity trail when the config keeps it for a number of days.
  const retention: Record<string, string> =
    config.auditRetentionDays === null ? {} : { SLUICE_AUDIT_RETENTION_DAYS: String(config.auditRetentionDays) };
  // The worker's event relay puts every event on the bus, named by ARN so a bus in another
  // account works the same.
  const eventBus: Record<string, string> = inputs.eventBus ? { SLUICE_EVENTBRIDGE_BUS: inputs.eventBus.eventBusArn } : {};
  const worker = define(
    'worker',
    { cpu: sizes.workerCpu, memoryLimitMiB: sizes.workerMemoryMiB },
    ['sluice-worker'],
    { ...common, ...pipeline, ...retention, ...eventBus },
  );
  // Its command is each long task's arguments, set by RunTask; `health` is a harmless default.
  const ecsTasks = define(
    'ecs-tasks',
    { cpu: sizes.ecsTasksCpu, memoryLimitMiB: sizes.ecsTasksMemoryMiB },
    ['health'],
    { ...common },
  );
  const migration = define(
    'migration',
    { cpu: 256, memoryLimitMiB: 512 },
    ['sluice', 'migrate'],
    { ...common, ...pipeline, ...server },
  );

  // Publishing: the API's and the worker's dispatchers send outbox rows to the queue.
  for (const task of [api, worker]) {
    inputs.queue.grantSendMessages(task.taskRole);
    grantLongTasks(task.taskRole, inputs, ecsTasks, ecsTasksFamily);
    grantPivotRole(task.taskRole, config);
  }
  // Consuming, and dead-lettering a task that ran out of attempts.
  inputs.queue.grantConsumeMessages(worker.taskRole);
  inputs.deadLetterQueue.grantSendMessages(worker.taskRole);
  inputs.queue.grant(worker.taskRole, 'sqs:GetQueueAttributes');
  grantPivotRole(ecsTasks.taskRole, config);
  // PutEvents on that one bus, and nothing else of EventBridge.
  if (inputs.eventBus) {
    worker.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutEventsOnBus',
        actions: ['events:PutEvents'],
        resources: [inputs.eventBus.eventBusArn],
      }),
    );
  }
  for (const task of [api, worker]) {
    task.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TaskQueueKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [inputs.queueKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
  for (const task of [api, worker, ecsTasks, migration]) {
    task.obtainExecutionRole().addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DatabaseSecretKey',
        actions: ['kms:Decrypt'],
        resources: [inputs.dbKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
  }
  // The catalog index, through the domain's HTTP API; fine-grained access control maps these
  // three roles to the catalog's indexes (lib/search-access.ts).
  const searchIndexes = `domain/${inputs.searchDomainName}/*`;
  for (const task of [api, worker, ecsTasks]) {
    task.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CatalogSearch',
        actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'],
        resources: [stack.formatArn({ service: 'es', resource: searchIndexes })],
      }),
    );
  }

  const findings = {
    ecsTasksRevisions: wildcard(nagArn(stack, 'ecs', `task-definition/${ecsTasksFamily}:*`)),
    clusterTasks: wildcard(nagArn(stack, 'ecs', `task/${config.prefix}/*`)),
    pivotRoles: wildcard(`arn:<AWS::Partition>:iam::*:role/${config.pivotRoleName}`),
    searchIndexes: wildcard(nagArn(stack, 'es', searchIndexes)),
  };
  for (const task of [api, worker]) {
    acknowledge(task.taskRole, findings.ecsTasksRevisions, 'RunTask names the ecs-tasks family at any revision (a deploy makes a new one); the cluster condition pins where it runs.');
    acknowledge(task.taskRole, findings.clusterTasks, "Task ids are random: DescribeTasks and launch-time tagging reach any task, but only in Sluice's cluster.");
  }
  for (const task of [api, worker, ecsTasks]) {
    acknowledge(task.taskRole, findings.pivotRoles, 'The pivot role by its configured name in any account: which accounts is data (linked environments), checked with their ExternalId.');
    acknowledge(task.taskRole, findings.searchIndexes, "The catalog's indexes in Sluice's own domain; fine-grained access control checks each request.");
  }
  for (const task of [api, worker, ecsTasks, migration]) {
    acknowledge(task.obtainExecutionRole(), wildcard('*'), 'ecr:GetAuthorizationToken has no resource-level permissions; image pulls themselves are scoped to the repository.');
  }
  return { api, worker, ecsTasks, migration, logGroups };
}

/** RunTask on the ecs-tasks definition only, in this cluster only, and nothing else of ECS. */
function grantLongTasks(role: iam.IRole, inputs: TaskInputs, ecsTasks: ecs.FargateTaskDefinition, family: string) {
  const stack = Stack.of(ecsTasks);
  const onCluster = { ArnEquals: { 'ecs:cluster': inputs.cluster.clusterArn } };
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'RunEcsTasks',
      actions: ['ecs:RunTask'],
      resources: [stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` })],
      conditions: onCluster,
    }),
  );
  const tasksOfCluster = stack.formatArn({
    service: 'ecs',
    resource: 'task',
    // The name, not the cluster's token, so the policy reads (and nag reports) `task/<prefix>/*`.
    resourceName: `${inputs.config.prefix}/*`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'TrackEcsTasks',
      actions: ['ecs:DescribeTasks'],
      resources: [tasksOfCluster],
      conditions: onCluster,
    }),
  );
  // Launches tag the task with the Sluice task it runs.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'TagEcsTasksAtLaunch',
      actions: ['ecs:TagResource'],
      resources: [tasksOfCluster],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PassEcsTasksRoles',
      actions: ['iam:PassRole'],
      resources: [ecsTasks.taskRole.roleArn, ecsTasks.obtainExecutionRole().roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  );
}

/** The pivot role, by its configured name, in any account: linking decides which accounts. */
function grantPivotRole(role: iam.IRole, config: SluiceConfig) {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'AssumePivotRoles',
      actions: ['sts:AssumeRole'],
      resources: [`arn:${Stack.of(role).partition}:iam::*:role/${config.pivotRoleName}`],
    }),
  );
}

function pascal(service: Service): string {
  return service.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

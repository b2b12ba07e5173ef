// Runs the one-shot migration task (`sluice migrate`) during a deploy, before the services are
// updated: a custom resource starts the task whenever the image or its task definition changes
// and completes only when the task has exited 0. The services depend on it, so a failed
// migration fails the deploy and CloudFormation rolls back with the old tasks still serving.

import { CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { acknowledge, managedPolicy, nagArn, wildcard } from './nag';

// Inline (no bundling, so synth needs no Docker or network): the Node.js runtime ships the SDK.
const START = `
const { ECSClient, RunTaskCommand } = require('@aws-sdk/client-ecs');
exports.handler = async (event) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const p = event.ResourceProperties;
  const out = await new ECSClient({}).send(new RunTaskCommand({
    cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: 'FARGATE', count: 1,
    startedBy: 'sluice-migration',
    networkConfiguration: { awsvpcConfiguration: {
      subnets: p.Subnets, securityGroups: [p.SecurityGroup], assignPublicIp: 'DISABLED' } },
  }));
  if (out.failures && out.failures.length) throw new Error('RunTask failed: ' + JSON.stringify(out.failures));
  const taskArn = out.tasks[0].taskArn;
  console.log('migration task started', taskArn);
  return { PhysicalResourceId: 'sluice-migration', Data: { TaskArn: taskArn } };
};`;

const CHECK = `
const { ECSClient, DescribeTasksCommand } = require('@aws-sdk/client-ecs');
exports.handler = async (event) => {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const taskArn = event.Data.TaskArn;
  const out = await new ECSClient({}).send(new DescribeTasksCommand({
    cluster: event.ResourceProperties.Cluster, tasks: [taskArn] }));
  const task = out.tasks && out.tasks[0];
  if (!task) throw new Error('migration task ' + taskArn + ' not found');
  if (task.lastStatus !== 'STOPPED') return { IsComplete: false };
  const container = task.containers.find((c) => c.name === 'migration');
  if (container && container.exitCode === 0) return { IsComplete: true, Data: { TaskArn: taskArn } };
  throw new Error('migration task ' + taskArn + ' failed: exit ' + (container && container.exitCode) +
    ', ' + (task.stoppedReason || '') + '; see its logs');
};`;

export interface MigrationProps {
  config: SluiceConfig;
  cluster: ecs.ICluster;
  task: ecs.FargateTaskDefinition;
  subnets: string[];
  securityGroup: ec2.ISecurityGroup;
}

export class Migration extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MigrationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroups: logs.LogGroup[] = [];
    const fn = (name: string, code: string, statements: iam.PolicyStatement[]) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: props.config.sizes.logRetentionDays });
      const role = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.logGroupArn}:*`],
        }),
      );
      statements.forEach((s) => role.addToPolicy(s));
      logGroups.push(logGroup);
      return new lambda.Function(this, name, {
        runtime: lambda.determineLatestNodeRuntime(this),
        handler: 'index.handler',
        code: lambda.Code.fromInline(code),
        timeout: Duration.seconds(30),
        role,
        logGroup,
      });
    };
    const onCluster = { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } };
    const start = fn('Start', START, [
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [props.task.taskDefinitionArn],
        conditions: onCluster,
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [props.task.taskRole.roleArn, props.task.obtainExecutionRole().roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ]);
    const check = fn('Check', CHECK, [
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.config.prefix}/*` })],
        conditions: onCluster,
      }),
    ]);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: start,
      isCompleteHandler: check,
      queryInterval: Duration.seconds(15),
      totalTimeout: Duration.minutes(30),
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.config.sizes.logRetentionDays }),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'WaiterLogs', { retention: props.config.sizes.logRetentionDays }),
        level: sfn.LogLevel.ALL,
      },
    });
    this.resource = new CustomResource(this, 'Run', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SluiceMigration',
      properties: {
        Cluster: props.cluster.clusterArn,
        // A new revision (new image tag, new settings) changes this, so every such deploy migrates.
        TaskDefinition: props.task.taskDefinitionArn,
        ImageTag: props.config.image.tag,
        Subnets: props.subnets,
        SecurityGroup: props.securityGroup.securityGroupId,
      },
    });

    // cdk-nag names a resource by its logical id: `<LogicalId.Arn>`.
    const arnOf = (c: Construct) => `<${stack.getLogicalId(c.node.defaultChild as CfnResource)}.Arn>`;
    const framework = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']
      .map((id) => provider.node.tryFindChild(id))
      .filter((c): c is Construct => c !== undefined);
    acknowledge(
      provider,
      managedPolicy('service-role/AWSLambdaBasicExecutionRole'),
      "The custom-resource framework's own functions log through AWSLambdaBasicExecutionRole; it allows writing logs only.",
    );
    acknowledge(
      provider,
      [start, check, ...framework].map((f) => wildcard(`${arnOf(f)}:*`)),
      'The framework invokes its handler functions by any version (`<function arn>:*`), and nothing else.',
    );
    acknowledge(
      provider,
      wildcard('*'),
      "Step Functions' log delivery actions (logs:CreateLogDelivery and kin) have no resource-level permissions.",
    );
    acknowledge(
      provider,
      'AwsSolutions-SF2',
      "X-Ray tracing of the framework's waiter state machine adds nothing: each step is one DescribeTasks call, logged.",
    );
    acknowledge(
      this,
      wildcard(nagArn(stack, 'ecs', `task/${props.config.prefix}/*`)),
      "The migration task's id is random: the check may describe any task, but only in Sluice's cluster.",
    );
    acknowledge(
      this,
      logGroups.map((g) => wildcard(`${arnOf(g)}:*`)),
      'A function writes only to log streams (`<its log group>:*`) of its own log group.',
    );
  }
}

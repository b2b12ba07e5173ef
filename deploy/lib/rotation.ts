// Makes the database password's rotation safe without a human: when the secret gets a new current
// value, the api and worker services are redeployed.
//
// Why a redeploy and not the alternating-users rotation: the services log in as the cluster's
// owner user, and `sluice migrate` creates the schema as that user. The alternating-users
// function makes a `<user>_clone` login that is a member of the original one, so while the clone
// is current, a migration would create tables owned by the clone, which the original login cannot
// use once the rotation swaps back. Single-user rotation keeps one owner; the only gap is that ECS
// resolves the password when a task starts, so running tasks keep the old one for new
// connections. Replacing the tasks right after the rotation closes that gap (see docs/deploy.md).

import { Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceConfig } from './config';
import { acknowledge, wildcard } from './nag';

/** The handler's source, deployed inline (no bundling: synth needs no Docker or network). */
export const REDEPLOY_HANDLER = readFileSync(join(__dirname, '..', 'functions', 'redeploy-on-rotation.js'), 'utf8');

export interface RedeployOnRotationProps {
  config: SluiceConfig;
  /** The full ARN of the database secret (what its RotationSucceeded event names). */
  secretArn: string;
  cluster: ecs.ICluster;
  /** The services whose tasks hold the database password. */
  services: ecs.FargateService[];
}

export class RedeployOnRotation extends Construct {
  readonly function: lambda.Function;
  readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: RedeployOnRotationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.config.sizes.logRetentionDays });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Sluice: redeploy the services after the database secret changed',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:*`],
      }),
    );
    // Exactly these services: read when they were last deployed, and force a new deployment
    // (which keeps their task definition, so no iam:PassRole).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: props.services.map((s) => s.serviceArn),
      }),
    );

    this.function = new lambda.Function(this, 'Function', {
      description: 'Sluice: force new api and worker deployments after the database password rotated',
      runtime: lambda.determineLatestNodeRuntime(this),
      handler: 'index.handler',
      code: lambda.Code.fromInline(REDEPLOY_HANDLER),
      timeout: Duration.seconds(30),
      role,
      logGroup,
      environment: {
        CLUSTER: props.cluster.clusterName,
        SERVICES: props.services.map((s) => s.serviceName).join(','),
        SECRET_ARN: props.secretArn,
      },
    });

    // Two signals of one change, so a lost event does not leave old passwords running: Secrets
    // Manager's own "Secret Label Updated" (AWSCURRENT moved: the end of a rotation, or a manual
    // change; needs no CloudTrail), and CloudTrail's RotationSucceeded. The handler rolls each
    // service once per change, whichever arrives first.
    const target = new targets.LambdaFunction(this.function, { retryAttempts: 4, maxEventAge: Duration.hours(2) });
    this.rules = [
      new events.Rule(this, 'LabelRule', {
        description: 'The database secret has a new current value: replace the tasks that hold the old one',
        eventPattern: {
          source: ['aws.secretsmanager'],
          detailType: ['Secret Label Updated'],
          resources: [props.secretArn],
          detail: { labelUpdated: ['AWSCURRENT'] },
        },
        targets: [target],
      }),
      new events.Rule(this, 'RotationRule', {
        description: 'The database secret rotated: replace the tasks that hold the old password',
        eventPattern: {
          source: ['aws.secretsmanager'],
          detailType: ['AWS Service Event via CloudTrail'],
          detail: {
            eventSource: ['secretsmanager.amazonaws.com'],
            eventName: ['RotationSucceeded'],
            additionalEventData: { SecretId: [props.secretArn] },
          },
        },
        targets: [target],
      }),
    ];

    const logicalId = stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
    acknowledge(role, wildcard(`<${logicalId}.Arn>:*`), 'The function writes only to log streams (`<its log group>:*`) of its own log group.');
  }
}

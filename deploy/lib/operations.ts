import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';

export interface OperationsStackProps extends StackProps {
  loadBalancer: elbv2.ApplicationLoadBalancer;
  targetGroup: elbv2.ApplicationTargetGroup;
  deadLetterQueue: sqs.IQueue;
  database: rds.DatabaseCluster;
  search: opensearch.IDomain;
  /** Redeploys the services after the database password changed (lib/rotation.ts). */
  rotationRedeploy: lambda.IFunction;
}

/** Alarms on what breaks users, to one SNS topic. */
export class OperationsStack extends Stack {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, config: SluiceConfig, props: OperationsStackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'Key', {
      description: `${config.prefix} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarms to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      topicName: `${config.prefix}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods = 3) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: `${config.prefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      a.addOkAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };
    const minute = Duration.minutes(1);
    const alb = props.loadBalancer.metrics;
    alarm('Api5xx', 'The API answered 5xx (or the load balancer found no healthy task)',
      new cloudwatch.MathExpression({
        expression: 'target + elb',
        usingMetrics: {
          target: alb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: 'Sum' }),
          elb: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: minute, statistic: 'Sum' }),
        },
        period: minute,
      }), 10);
    alarm('ApiLatencyP99', 'p99 API response time above 2 s',
      alb.targetResponseTime({ period: minute, statistic: 'p99' }), 2);
    alarm('DeadLetters', 'Tasks were dead-lettered: they failed every attempt',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }), 1, 1);
    alarm('AuroraCpu', 'Aurora CPU above 80 %',
      props.database.metricCPUUtilization({ period: Duration.minutes(5) }), 80);
    alarm('AuroraConnections', 'Aurora connections near what the services may open',
      props.database.metricDatabaseConnections({ period: Duration.minutes(5), statistic: 'Maximum' }),
      0.8 * (config.sizes.apiMaxTasks + config.sizes.workerMaxTasks) * 10);
    alarm('SearchRed', 'OpenSearch cluster status red: some primary shards are unassigned',
      props.search.metricClusterStatusRed({ period: minute }), 1, 1);
    alarm('SearchYellow', 'OpenSearch cluster status yellow: some replicas are unassigned',
      props.search.metricClusterStatusYellow({ period: Duration.minutes(5) }), 1);
    alarm('RotationRedeployFailed', 'The services could not be redeployed after the database password changed: force a new deployment of both (docs/deploy.md)',
      props.rotationRedeploy.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, 1);
    alarm('SearchWritesBlocked', 'OpenSearch blocks writes (disk or memory pressure)',
      props.search.metricClusterIndexWritesBlocked({ period: Duration.minutes(5) }), 1, 1);
  }
}

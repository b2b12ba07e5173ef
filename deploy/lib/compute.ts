import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { Migration } from './migration';
import { acknowledge } from './nag';
import { SecurityGroups, SUBNETS } from './network';
import { RedeployOnRotation } from './rotation';
import { API_PORT, sluiceTasks } from './tasks';
import { managedRulesWebAcl } from './waf';

/**
 * Where the API serves `/metrics`: the task's loopback only. Containers of a Fargate task share
 * its network, so a collector sidecar added to the task can scrape it; nothing outside the task
 * can, and no load balancer rule or port mapping leads to it.
 */
export const METRICS_BIND = '127.0.0.1:9090';

export interface ComputeStackProps extends StackProps {
  vpc: ec2.IVpc;
  securityGroups: SecurityGroups;
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
}

export class ComputeStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly apiService: ecs.FargateService;
  readonly workerService: ecs.FargateService;
  readonly redeployOnRotation: RedeployOnRotation;
  /** The bus the worker puts every event on, when `eventBus` is set. */
  readonly eventBus: events.IEventBus | null;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: ComputeStackProps) {
    super(scope, id, props);
    const groups = props.securityGroups;
    const compute: ec2.SubnetSelection = { subnetGroupName: SUBNETS.compute };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: config.prefix,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    // Made here, beside the only role that uses it; an existing bus is referenced by its ARN.
    const busConfig = config.eventBus;
    this.eventBus = busConfig === null
      ? null
      : 'arn' in busConfig
        ? events.EventBus.fromEventBusArn(this, 'EventBus', busConfig.arn)
        : new events.EventBus(this, 'EventBus', {
            eventBusName: `${config.prefix}-events`,
            description: 'Sluice events (shares, datasets, stacks, environments): ids only, never data values',
          });

    const tasks = sluiceTasks(this, {
      config,
      cluster: this.cluster,
      repository: props.repository,
      dbSecret: props.dbSecret,
      dbKey: props.dbKey,
      queue: props.queue,
      deadLetterQueue: props.deadLetterQueue,
      queueKey: props.queueKey,
      search: props.search,
      searchDomainName: props.searchDomainName,
      userPoolId: props.userPoolId,
      webClientId: props.webClientId,
      issuer: props.issuer,
      ecsTasksSubnets: compute,
      ecsTasksSecurityGroup: groups.ecsTasks,
      vpc: props.vpc,
      eventBus: this.eventBus,
    });

    // What anonymous or hostile traffic can make the API do (docs/HARDENING.md): no
    // introspection, `/metrics` off every listener the load balancer reaches, and failed
    // sign-ins counted against the address the load balancer appended to X-Forwarded-For (its
    // security group admits the load balancer alone, so that entry is always the ALB's).
    const apiContainer = tasks.api.defaultContainer!;
    apiContainer.addEnvironment('SLUICE_GRAPHQL_INTROSPECTION', 'false');
    apiContainer.addEnvironment('SLUICE_METRICS_BIND', METRICS_BIND);
    apiContainer.addEnvironment('SLUICE_TRUSTED_PROXY_HOPS', '1');

    const migration = new Migration(this, 'Migration', {
      config,
      cluster: this.cluster,
      task: tasks.migration,
      subnets: props.vpc.selectSubnets(compute).subnetIds,
      securityGroup: groups.migration,
    });

    // --- The API behind an HTTPS-only load balancer with WAF ---
    const accessLogs = new s3.Bucket(this, 'AlbAccessLogs', {
      // ALB access logs support only S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(config.sizes.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'AwsSolutions-S1', 'This bucket is itself the access-log destination; logging it would recurse.');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: config.internetFacing,
      vpcSubnets: config.internetFacing ? { subnetGroupName: SUBNETS.public } : compute,
      securityGroup: groups.alb,
      deletionProtection: true,
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');

    let zone: route53.IHostedZone | undefined;
    if (config.domain.hostedZoneId && config.domain.hostedZoneName) {
      zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: config.domain.hostedZoneId,
        zoneName: config.domain.hostedZoneName,
      });
    }
    const certificate = config.domain.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', config.domain.certificateArn)
      : new acm.Certificate(this, 'Certificate', {
          domainName: config.domain.apiDomainName,
          // Without a hosted zone, the deploy waits until someone adds the CNAME ACM shows.
          validation: acm.CertificateValidation.fromDns(zone),
        });
    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    if (zone) {
      new route53.ARecord(this, 'ApiAlias', {
        zone,
        recordName: config.domain.apiDomainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
    const acl = managedRulesWebAcl(this, 'AlbWaf', 'REGIONAL', `${config.prefix}-api`);
    new wafv2.CfnWebACLAssociation(this, 'AlbWafAssociation', {
      resourceArn: this.loadBalancer.loadBalancerArn,
      webAclArn: acl.attrArn,
    });

    this.apiService = new ecs.FargateService(this, 'ApiService', {
      serviceName: `${config.prefix}-api`,
      cluster: this.cluster,
      taskDefinition: tasks.api,
      desiredCount: config.sizes.apiMinTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: compute,
      securityGroups: [groups.api],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });
    this.targetGroup = listener.addTargets('Api', {
      port: API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.apiService],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });
    const apiScaling = this.apiService.autoScaleTaskCount({
      minCapacity: config.sizes.apiMinTasks,
      maxCapacity: config.sizes.apiMaxTasks,
    });
    apiScaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    apiScaling.scaleOnRequestCount('Requests', { requestsPerTarget: 1000, targetGroup: this.targetGroup });

    // --- The worker, scaled on how many tasks wait in the queue ---
    this.workerService = new ecs.FargateService(this, 'WorkerService', {
      serviceName: `${config.prefix}-worker`,
      cluster: this.cluster,
      taskDefinition: tasks.worker,
      desiredCount: config.sizes.workerMinTasks,
      minHealthyPercent: 100,
      vpcSubnets: compute,
      securityGroups: [groups.worker],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
    });
    const workerScaling = this.workerService.autoScaleTaskCount({
      minCapacity: config.sizes.workerMinTasks,
      maxCapacity: config.sizes.workerMaxTasks,
    });
    workerScaling.scaleOnMetric('QueueDepth', {
      metric: props.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 100, change: +1 },
        { lower: 1000, change: +3 },
      ],
      cooldown: Duration.minutes(2),
    });

    for (const service of [this.apiService, this.workerService]) {
      service.node.addDependency(migration.resource);
    }

    // ecs-tasks and migration tasks are short-lived and read the secret when they start; the two
    // services run for weeks, so they are replaced when the password changes.
    this.redeployOnRotation = new RedeployOnRotation(this, 'RedeployOnRotation', {
      config,
      secretArn: props.dbSecret.secretArn,
      cluster: this.cluster,
      services: [this.apiService, this.workerService],
    });

    new CfnOutput(this, 'ApiUrl', { value: `https://${config.domain.apiDomainName}/graphql` });
    new CfnOutput(this, 'LoadBalancerDns', { value: this.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, 'EcsTasksTaskDefinition', { value: tasks.ecsTasks.family });
    if (this.eventBus) new CfnOutput(this, 'EventBusArn', { value: this.eventBus.eventBusArn });
    for (const [name, definition] of [
      ['Api', tasks.api],
      ['Worker', tasks.worker],
      ['EcsTasks', tasks.ecsTasks],
    ] as const) {
      new CfnOutput(this, `${name}TaskRoleArn`, { value: definition.taskRole.roleArn });
    }

    acknowledge(
      this,
      'AwsSolutions-ECS2',
      'Environment variables hold only non-secret settings (URLs, ids, names); database credentials arrive as ECS secrets from Secrets Manager.',
    );
  }
}

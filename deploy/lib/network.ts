import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { acknowledge } from './nag';

/** The security groups of every tier, made here so the rules between them need no cross-stack cycle. */
export interface SecurityGroups {
  alb: ec2.SecurityGroup;
  api: ec2.SecurityGroup;
  worker: ec2.SecurityGroup;
  ecsTasks: ec2.SecurityGroup;
  migration: ec2.SecurityGroup;
  database: ec2.SecurityGroup;
  search: ec2.SecurityGroup;
  /** The function that maps the services' roles in the search domain's access control. */
  searchAccess: ec2.SecurityGroup;
  rotation: ec2.SecurityGroup;
  endpoints: ec2.SecurityGroup;
}

/** Written out (not the VPC's token) so rules that name it read plainly, to people and to cdk-nag. */
export const VPC_CIDR = '10.40.0.0/16';

export const SUBNETS = {
  /** Only the internet-facing ALB and the NAT gateways. */
  public: 'public',
  /** Fargate tasks: egress through NAT to other accounts' AWS APIs. */
  compute: 'compute',
  /** Aurora and OpenSearch: no route out at all. */
  data: 'data',
} as const;

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly securityGroups: SecurityGroups;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: config.sizes.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: SUBNETS.compute, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    const compute = { subnetGroupName: SUBNETS.compute };
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [compute] });

    const sg = (name: string, description: string) =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound: false });
    const groups: SecurityGroups = {
      alb: sg('AlbSg', `${config.prefix} load balancer`),
      api: sg('ApiSg', `${config.prefix} api service`),
      worker: sg('WorkerSg', `${config.prefix} worker service`),
      ecsTasks: sg('EcsTasksSg', `${config.prefix} ecs-tasks (long tasks)`),
      migration: sg('MigrationSg', `${config.prefix} migration task`),
      database: sg('DatabaseSg', `${config.prefix} Aurora: only the Sluice services`),
      search: sg('SearchSg', `${config.prefix} OpenSearch: only the Sluice services`),
      searchAccess: sg('SearchAccessSg', `${config.prefix} search access mapping (custom resource)`),
      rotation: sg('RotationSg', `${config.prefix} database secret rotation`),
      endpoints: sg('EndpointsSg', `${config.prefix} interface endpoints`),
    };
    this.securityGroups = groups;

    for (const [name, service] of [
      ['SQS', ec2.InterfaceVpcEndpointAwsService.SQS],
      ['STS', ec2.InterfaceVpcEndpointAwsService.STS],
      ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
    ] as const) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: compute,
        securityGroups: [groups.endpoints],
        privateDnsEnabled: true,
        open: false,
      });
    }

    const https = ec2.Port.tcp(443);
    const postgres = ec2.Port.tcp(5432);
    const app = ec2.Port.tcp(8080);

    // The only ingress from outside the VPC: HTTPS to the load balancer. An internal ALB admits
    // the VPC's own range (peered or VPN-connected networks reach it through their routes).
    groups.alb.addIngressRule(
      config.internetFacing ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(VPC_CIDR),
      https,
      'HTTPS from clients',
    );
    if (config.internetFacing) {
      acknowledge(groups.alb, 'AwsSolutions-EC23', 'The internet-facing load balancer takes HTTPS (443 only) from anywhere; WAF and sign-in guard what is behind it.');
    }
    groups.alb.addEgressRule(groups.api, app, 'to the api tasks');
    groups.api.addIngressRule(groups.alb, app, 'from the load balancer');

    const services = [groups.api, groups.worker, groups.ecsTasks, groups.migration];
    for (const service of services) {
      groups.database.addIngressRule(service, postgres, 'Sluice services');
      service.addEgressRule(groups.database, postgres, 'metadata database');
      groups.endpoints.addIngressRule(service, https, 'Sluice services to AWS APIs');
      // AWS APIs of linked accounts (Glue, Lake Formation, CloudFormation, IAM) have no VPC
      // endpoint here; they are reached through the NAT gateways.
      service.addEgressRule(ec2.Peer.anyIpv4(), https, 'AWS APIs');
    }
    for (const service of [groups.api, groups.worker, groups.ecsTasks]) {
      groups.search.addIngressRule(service, https, 'Sluice services');
    }
    // Only the domain: the function signs with its own credentials and calls no AWS API.
    groups.search.addIngressRule(groups.searchAccess, https, 'search access mapping');
    groups.searchAccess.addEgressRule(groups.search, https, 'the search domain');
    groups.database.addIngressRule(groups.rotation, postgres, 'secret rotation');
    groups.rotation.addEgressRule(groups.database, postgres, 'rotate the password');
    groups.rotation.addEgressRule(ec2.Peer.anyIpv4(), https, 'Secrets Manager API');
    groups.endpoints.addIngressRule(groups.rotation, https, 'secret rotation to Secrets Manager');
  }
}

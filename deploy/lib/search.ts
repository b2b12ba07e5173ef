import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { acknowledge } from './nag';
import { SecurityGroups, SUBNETS } from './network';
import { SearchAccess, searchMasterRole } from './search-access';

/** The catalog index's name prefix (`SLUICE_OPENSEARCH_INDEX`); the schema version follows it. */
export const CATALOG_INDEX_PREFIX = 'sluice-catalog';

/** The services that read or write the catalog index. */
export const SEARCH_SERVICES = ['api', 'worker', 'ecs-tasks'] as const;

/** Task role names, fixed so the search domain can admit the roles before they exist. */
export function taskRoleName(config: SluiceConfig, service: 'api' | 'worker' | 'ecs-tasks' | 'migration'): string {
  return `${config.prefix}-${service}-task`;
}

export interface SearchStackProps extends StackProps {
  vpc: ec2.IVpc;
  securityGroups: SecurityGroups;
}

export class SearchStack extends Stack {
  readonly domain: opensearch.Domain;
  readonly domainName: string;
  readonly access: SearchAccess;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: SearchStackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'Key', {
      description: `${config.prefix} catalog search`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, { retention: config.sizes.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const slowSearch = logGroup('SlowSearchLogs');
    const slowIndex = logGroup('SlowIndexLogs');
    const app = logGroup('AppLogs');
    const audit = logGroup('AuditLogs');
    // Our own log-group policy instead of the one CDK adds through a Lambda-backed custom resource.
    const logsPolicy = new logs.ResourcePolicy(this, 'LogsPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          resources: [slowSearch, slowIndex, app, audit].map((g) => g.logGroupArn),
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      ],
    });

    // By name, not reference: the roles are made in the compute stack, which depends on this one.
    const serviceRoleArns = SEARCH_SERVICES.map((service) =>
      this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: taskRoleName(config, service) }),
    );
    const domainName = `${config.prefix}-catalog`;
    this.domainName = domainName;
    const masterRole = searchMasterRole(this, 'MasterRole', config);
    this.domain = new opensearch.Domain(this, 'Domain', {
      domainName,
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      vpc: props.vpc,
      vpcSubnets: [{ subnetGroupName: SUBNETS.data }],
      securityGroups: [props.securityGroups.search],
      zoneAwareness: { enabled: true, availabilityZoneCount: 3 },
      capacity: {
        dataNodes: config.sizes.searchDataNodes,
        dataNodeInstanceType: config.sizes.searchDataNodeType,
        masterNodes: 3,
        masterNodeInstanceType: config.sizes.searchMasterNodeType,
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: config.sizes.searchVolumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true, kmsKey: key },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      // A role of its own, so no service holds the master user's powers (lib/search-access.ts).
      fineGrainedAccessControl: { masterUserArn: masterRole.roleArn },
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: slowSearch,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: slowIndex,
        appLogEnabled: true,
        appLogGroup: app,
        auditLogEnabled: true,
        auditLogGroup: audit,
      },
      suppressLogsResourcePolicy: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain.node.addDependency(logsPolicy);
    this.access = new SearchAccess(this, 'Access', {
      config,
      domain: this.domain,
      domainName,
      masterRole,
      indexPatterns: [`${CATALOG_INDEX_PREFIX}-*`],
      backendRoles: serviceRoleArns,
      vpc: props.vpc,
      subnets: { subnetGroupName: SUBNETS.compute },
      securityGroup: props.securityGroups.searchAccess,
    });

    // IAM admits exactly the services that use the index, and the master role; fine-grained
    // access control then decides what each may do. The roles are named in a condition, not as
    // principals: CloudFormation makes this domain before the compute stack makes the task
    // roles, and AWS may refuse a policy whose principal does not exist yet; aws:PrincipalArn is
    // compared as text. Set on the resource itself: CDK's accessPolicies option would add a
    // Lambda-backed custom resource.
    acknowledge(this.domain, 'AwsSolutions-OS3', 'The domain is in private subnets with no route out; its security group admits only the Sluice services, and fine-grained access control checks every request.');
    const domainResource = this.domain.node.defaultChild as opensearch.CfnDomain;
    domainResource.accessPolicies = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          principals: [new iam.AccountRootPrincipal()],
          actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'],
          resources: [this.formatArn({ service: 'es', resource: 'domain', resourceName: `${domainName}/*` })],
          conditions: { ArnEquals: { 'aws:PrincipalArn': [...serviceRoleArns, masterRole.roleArn] } },
        }),
      ],
    }).toJSON();
  }
}

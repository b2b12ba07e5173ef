// Who may use the catalog search domain, set up in the deploy itself. Fine-grained access control
// admits an IAM role only once it is mapped to a role in the domain's security plugin, and only
// the master user can write that mapping. So the domain's master user is a role of its own, used
// only by a custom resource that, on every create or update, writes a `sluice_catalog` role
// (the catalog's indexes and nothing else) and maps the api, worker and ecs-tasks task roles to
// it. Before this, the worker was the master user and the others were mapped by hand.

import { CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceConfig } from './config';
import { acknowledge, managedPolicy, wildcard } from './nag';

/** The handler's source, deployed inline (no bundling: synth needs no Docker or network). */
export const SEARCH_ACCESS_HANDLER = readFileSync(join(__dirname, '..', 'functions', 'search-access.js'), 'utf8');

/** The security plugin role the services are mapped to. */
export const CATALOG_ROLE = 'sluice_catalog';

/** The security plugin API paths the master role may call, under the domain's ARN. */
export const SECURITY_PATHS = [`_plugins/_security/api/roles/${CATALOG_ROLE}`, `_plugins/_security/api/rolesmapping/${CATALOG_ROLE}`];

/**
 * The domain's master user, made before the domain (which names it) and used by nothing but
 * SearchAccess's function. Its permissions are added by SearchAccess, once the domain exists.
 */
export function searchMasterRole(scope: Construct, id: string, config: SluiceConfig): iam.Role {
  return new iam.Role(scope, id, {
    roleName: `${config.prefix}-search-admin`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: "Sluice: master user of the catalog search domain, used only to map the services' roles",
    // Network interfaces in the VPC, which the function needs to reach the domain.
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
  });
}

export interface SearchAccessProps {
  config: SluiceConfig;
  domain: opensearch.IDomain;
  /** The domain's name, written out so the role's policy reads plainly (to people and cdk-nag). */
  domainName: string;
  /** From searchMasterRole: the domain's master user. */
  masterRole: iam.Role;
  /** The catalog's index names: the services' role may do anything to these and nothing else. */
  indexPatterns: string[];
  /** The IAM roles to map: the services that read or write the index. */
  backendRoles: string[];
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroup: ec2.ISecurityGroup;
}

export class SearchAccess extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SearchAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.config.sizes.logRetentionDays });
    const masterRole = props.masterRole;
    masterRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:*`],
      }),
    );
    // However much fine-grained access control lets a master user do, IAM lets this role read
    // and write exactly the Sluice role and its mapping, in this domain.
    masterRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['es:ESHttpGet', 'es:ESHttpPut'],
        resources: SECURITY_PATHS.map((path) =>
          stack.formatArn({ service: 'es', resource: 'domain', resourceName: `${props.domainName}/${path}` }),
        ),
      }),
    );

    const fn = new lambda.Function(this, 'Function', {
      description: "Sluice: map the services' roles in the catalog search domain",
      runtime: lambda.determineLatestNodeRuntime(this),
      handler: 'index.handler',
      code: lambda.Code.fromInline(SEARCH_ACCESS_HANDLER),
      // A new domain's security index may take minutes to answer; the handler retries for 8.
      timeout: Duration.minutes(10),
      role: masterRole,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [props.securityGroup],
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: fn,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.config.sizes.logRetentionDays }),
    });
    this.resource = new CustomResource(this, 'Mapping', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SluiceSearchAccess',
      properties: {
        Endpoint: props.domain.domainEndpoint,
        RoleName: CATALOG_ROLE,
        RolePermissions: JSON.stringify({
          cluster_permissions: ['cluster_composite_ops', 'cluster_monitor'],
          index_permissions: [{ index_patterns: props.indexPatterns, allowed_actions: ['indices_all'] }],
        }),
        BackendRoles: props.backendRoles,
      },
    });

    // cdk-nag names a resource by its logical id: `<LogicalId.Arn>`.
    const arnOf = (c: Construct) => `<${stack.getLogicalId(c.node.defaultChild as CfnResource)}.Arn>`;
    const framework = provider.node.tryFindChild('framework-onEvent') as Construct;
    acknowledge(
      masterRole,
      managedPolicy('service-role/AWSLambdaVPCAccessExecutionRole'),
      'A function in a VPC must create and delete its network interfaces; this AWS policy allows only that (and logging), and those EC2 actions take no resource scope.',
    );
    acknowledge(masterRole, wildcard(`${arnOf(logGroup)}:*`), 'The function writes only to log streams (`<its log group>:*`) of its own log group.');
    acknowledge(
      provider,
      managedPolicy('service-role/AWSLambdaBasicExecutionRole'),
      "The custom-resource framework's own function logs through AWSLambdaBasicExecutionRole; it allows writing logs only.",
    );
    acknowledge(provider, [fn, framework].map((f) => wildcard(`${arnOf(f)}:*`)), 'The framework invokes its handler function by any version (`<function arn>:*`), and nothing else.');
  }
}

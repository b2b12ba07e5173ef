import { App, Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CiAccessStack } from './ci';
import { ComputeStack } from './compute';
import { SluiceConfig } from './config';
import { DataStack } from './data';
import { FrontendStack } from './frontend';
import { IdentityStack } from './identity';
import { NetworkStack } from './network';
import { OperationsStack } from './operations';
import { QueueStack } from './queue';
import { RegistryStack } from './registry';
import { SearchStack } from './search';

export interface SluiceStacks {
  registry: RegistryStack;
  network: NetworkStack;
  data: DataStack;
  queue: QueueStack;
  search: SearchStack;
  identity: IdentityStack;
  compute: ComputeStack;
  frontend: FrontendStack;
  operations: OperationsStack;
  ci: CiAccessStack;
}

/** Every stack of the platform, named `<prefix>-<part>`, with cdk-nag's AwsSolutions pack on the app. */
export function buildSluice(app: App, config: SluiceConfig): SluiceStacks {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const env: Environment = { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region };
  const name = (part: string) => `${config.prefix}-${part}`;
  const props = (part: string, description: string) => ({
    env,
    stackName: name(part),
    description: `Sluice ${description}`,
    terminationProtection: true,
  });

  const registry = new RegistryStack(app, 'Registry', config, props('registry', 'image repository'));
  const network = new NetworkStack(app, 'Network', config, props('network', 'VPC, endpoints and security groups'));
  const shared = { vpc: network.vpc, securityGroups: network.securityGroups };
  const data = new DataStack(app, 'Data', config, { ...props('data', 'metadata database'), ...shared });
  const queue = new QueueStack(app, 'Queue', config, props('queue', 'task queues'));
  const search = new SearchStack(app, 'Search', config, { ...props('search', 'catalog search'), ...shared });
  const identity = new IdentityStack(app, 'Identity', config, props('identity', 'user pool'));
  const compute = new ComputeStack(app, 'Compute', config, {
    ...props('compute', 'API, worker and long tasks'),
    ...shared,
    repository: registry.repository,
    dbSecret: data.secret,
    dbKey: data.key,
    queue: queue.queue,
    deadLetterQueue: queue.deadLetterQueue,
    queueKey: queue.key,
    search: search.domain,
    searchDomainName: search.domainName,
    userPoolId: identity.userPool.userPoolId,
    webClientId: identity.webClient.userPoolClientId,
    issuer: identity.issuer,
  });
  const frontend = new FrontendStack(app, 'Frontend', config, {
    ...props('frontend', 'web UI'),
    // CloudFront's web ACLs and certificates live in us-east-1.
    env: { account: env.account, region: 'us-east-1' },
  });
  const operations = new OperationsStack(app, 'Operations', config, {
    ...props('operations', 'alarms'),
    loadBalancer: compute.loadBalancer,
    targetGroup: compute.targetGroup,
    deadLetterQueue: queue.deadLetterQueue,
    database: data.cluster,
    search: search.domain,
    rotationRedeploy: compute.redeployOnRotation.function,
  });
  const ci = new CiAccessStack(app, 'CiAccess', config, props('ci-access', 'GitHub Actions deploy role'));

  Tags.of(app).add('sluice:prefix', config.prefix);
  return { registry, network, data, queue, search, identity, compute, frontend, operations, ci };
}

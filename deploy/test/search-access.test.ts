// Every Sluice service that reads or writes the catalog index can use the search domain right
// after a deploy: a custom resource, running as the domain's own master role, maps the api,
// worker and ecs-tasks task roles to a role limited to the catalog's indexes. No manual step.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { CATALOG_ROLE, SEARCH_ACCESS_HANDLER } from '../lib/search-access';
import { allResources, build, resourcesOfType } from './support';

const handler = require('../functions/search-access.js');

const built = build();
const t = built.templates;
const search = t.search.toJSON().Resources;
const compute = t.compute.toJSON().Resources;

const idOf = (resources: any, type: string, prefix: string) =>
  Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type === type)!;
/** `arn:<partition>:iam::<account>:role/<name>` as the search stack writes it. */
const roleArn = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/${name}`]],
});
const TASK_ROLES = ['sluice-api-task', 'sluice-worker-task', 'sluice-ecs-tasks-task'];
const masterRoleId = idOf(search, 'AWS::IAM::Role', 'MasterRole');
const [[, mapping]] = resourcesOfType(t.search, 'Custom::SluiceSearchAccess');
const [[domainId, domain]] = resourcesOfType(t.search, 'AWS::OpenSearchService::Domain');
const statementsOf = (resources: any, roleId: string) =>
  Object.values(resources)
    .filter((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
/** `arn:<partition>:es:<region>:<account>:domain/<rest>` as CDK's formatArn writes it. */
const domainArn = (rest: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':es:eu-west-1:', { Ref: 'AWS::AccountId' }, `:domain/${rest}`]],
});

describe('search access', () => {
  test('the mapping resource maps the api, worker and ecs-tasks task roles to the catalog role', () => {
    assert.equal(mapping.Properties.RoleName, CATALOG_ROLE);
    assert.deepEqual(mapping.Properties.BackendRoles, TASK_ROLES.map(roleArn));
    assert.deepEqual(mapping.Properties.Endpoint, { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] });
  });

  test('the roles it maps are the task roles the compute stack makes', () => {
    const names = ['ApiTaskRole', 'WorkerTaskRole', 'EcsTasksTaskRole'].map(
      (prefix) => compute[idOf(compute, 'AWS::IAM::Role', prefix)].Properties.RoleName,
    );
    assert.deepEqual(names, TASK_ROLES);
  });

  test("the catalog role reaches the services' index prefix and nothing else", () => {
    const permissions = JSON.parse(mapping.Properties.RolePermissions);
    assert.deepEqual(permissions.index_permissions, [{ index_patterns: ['sluice-catalog-*'], allowed_actions: ['indices_all'] }]);
    assert.deepEqual(permissions.cluster_permissions, ['cluster_composite_ops', 'cluster_monitor']);
    for (const family of ['sluice-api', 'sluice-worker', 'sluice-ecs-tasks']) {
      const [, definition] = resourcesOfType(t.compute, 'AWS::ECS::TaskDefinition').find(([, d]) => d.Properties.Family === family)!;
      const env = Object.fromEntries(definition.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
      assert.equal(env.SLUICE_OPENSEARCH_INDEX, 'sluice-catalog', family);
    }
  });

  test('the domain access policy admits exactly the three task roles and the master role', () => {
    const statements = domain.Properties.AccessPolicies.Statement;
    assert.equal(statements.length, 1);
    const [s] = statements;
    assert.equal(s.Effect, 'Allow');
    assert.deepEqual(s.Principal, { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
    assert.deepEqual(s.Condition, {
      ArnEquals: { 'aws:PrincipalArn': [...TASK_ROLES.map(roleArn), { 'Fn::GetAtt': [masterRoleId, 'Arn'] }] },
    });
    assert.ok([s.Action].flat().every((a: string) => /^es:ESHttp(Get|Head|Post|Put|Delete)$/.test(a)), String(s.Action));
    assert.deepEqual(s.Resource, domainArn('sluice-catalog/*'));
  });

  test('the master user is a role of its own, not a service', () => {
    assert.deepEqual(domain.Properties.AdvancedSecurityOptions.MasterUserOptions, {
      MasterUserARN: { 'Fn::GetAtt': [masterRoleId, 'Arn'] },
    });
    const role = search[masterRoleId].Properties;
    assert.equal(role.RoleName, 'sluice-search-admin');
    assert.deepEqual(role.AssumeRolePolicyDocument.Statement.map((s: any) => s.Principal), [{ Service: 'lambda.amazonaws.com' }]);
  });

  test('IAM lets the master role read and write only the catalog role and its mapping, in this domain', () => {
    const statements = statementsOf(search, masterRoleId);
    const es = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('es:')));
    assert.equal(es.length, 1);
    assert.deepEqual([es[0].Action].flat().sort(), ['es:ESHttpGet', 'es:ESHttpPut']);
    assert.deepEqual(es[0].Resource, [
      domainArn('sluice-catalog/_plugins/_security/api/roles/sluice_catalog'),
      domainArn('sluice-catalog/_plugins/_security/api/rolesmapping/sluice_catalog'),
    ]);
    const others = statements.filter((s: any) => !es.includes(s)).flatMap((s: any) => [s.Action].flat());
    assert.deepEqual([...new Set(others)].sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
    assert.deepEqual(JSON.stringify(search[masterRoleId].Properties.ManagedPolicyArns), JSON.stringify([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] },
    ]));
  });

  test('the mapping function runs the tested handler as the master role, in the compute subnets', () => {
    const fn = search[idOf(search, 'AWS::Lambda::Function', 'AccessFunction')].Properties;
    assert.equal(fn.Code.ZipFile, SEARCH_ACCESS_HANDLER);
    assert.deepEqual(fn.Role, { 'Fn::GetAtt': [masterRoleId, 'Arn'] });
    const vpc = JSON.stringify(fn.VpcConfig);
    assert.match(vpc, /computeSubnet/);
    assert.doesNotMatch(vpc, /publicSubnet|dataSubnet/);
    assert.match(vpc, /SearchAccessSg/);
  });

  test('the search domain admits the three services and the mapping function; that function reaches only the domain', () => {
    const network = t.network.toJSON().Resources;
    const searchSg = idOf(network, 'AWS::EC2::SecurityGroup', 'SearchSg');
    const accessSg = idOf(network, 'AWS::EC2::SecurityGroup', 'SearchAccessSg');
    const from = allResources(built)
      .filter(([, , r]) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties.GroupId).includes(searchSg))
      .map(([, , r]) => JSON.stringify(r.Properties.SourceSecurityGroupId).match(/"([A-Za-z]+Sg)[0-9A-F]{8}"/)![1])
      .sort();
    assert.deepEqual(from, ['ApiSg', 'EcsTasksSg', 'SearchAccessSg', 'WorkerSg']);
    const egress = allResources(built).filter(
      ([, , r]) => r.Type === 'AWS::EC2::SecurityGroupEgress' && JSON.stringify(r.Properties.GroupId).includes(accessSg),
    );
    assert.equal(egress.length, 1);
    assert.match(JSON.stringify(egress[0][2].Properties.DestinationSecurityGroupId), new RegExp(searchSg));
    assert.equal(egress[0][2].Properties.FromPort, 443);
    // No inline (CIDR) egress: the one rule above replaces the group's default allow-all.
    assert.equal(network[accessSg].Properties.SecurityGroupEgress, undefined);
  });
});

describe('the search access handler', () => {
  before(() => mock.method(console, 'log', () => undefined));
  after(() => mock.restoreAll());

  const API = 'arn:aws:iam::123456789012:role/sluice-api-task';
  const WORKER = 'arn:aws:iam::123456789012:role/sluice-worker-task';
  const TASKS = 'arn:aws:iam::123456789012:role/sluice-ecs-tasks-task';
  const PERMISSIONS = { cluster_permissions: ['cluster_monitor'], index_permissions: [{ index_patterns: ['sluice-catalog-*'], allowed_actions: ['indices_all'] }] };
  const properties = (backendRoles: string[]) => ({
    Endpoint: 'vpc-sluice-catalog-abc.eu-west-1.es.amazonaws.com',
    RoleName: 'sluice_catalog',
    RolePermissions: JSON.stringify(PERMISSIONS),
    BackendRoles: backendRoles,
  });

  /** A security API holding `mapping` (or none); records each request. */
  function fakeDomain(mapping?: any, status: Record<string, number> = {}) {
    const calls: { method: string; path: string; body: any }[] = [];
    const call = async (method: string, path: string, body?: any) => {
      calls.push({ method, path, body });
      const forced = status[`${method} ${path}`];
      if (forced) return { status: forced, body: '{"error":"nope"}' };
      if (method === 'GET') {
        return mapping ? { status: 200, body: JSON.stringify({ sluice_catalog: { reserved: false, hidden: false, and_backend_roles: [], ...mapping } }) } : { status: 404, body: '{"status":"NOT_FOUND"}' };
      }
      return { status: 200, body: '{"status":"OK"}' };
    };
    return { calls, call };
  }

  test('signs like AWS: the SigV4 test suite vector, and an OpenSearch PUT with a session token (checked with botocore)', () => {
    const now = new Date('2015-08-30T12:36:00Z');
    const vanilla = handler.sign(
      { method: 'GET', host: 'example.amazonaws.com', path: '/' },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      'us-east-1', 'service', now,
    );
    assert.equal(vanilla['x-amz-date'], '20150830T123600Z');
    assert.equal(
      vanilla.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    const put = handler.sign(
      {
        method: 'PUT',
        host: 'vpc-sluice-catalog-abc.eu-west-1.es.amazonaws.com',
        path: '/_plugins/_security/api/rolesmapping/sluice_catalog',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ backend_roles: [API], hosts: [], users: [] }),
      },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'SESSIONTOKEN/EXAMPLE==' },
      'eu-west-1', 'es', now,
    );
    assert.equal(put['x-amz-security-token'], 'SESSIONTOKEN/EXAMPLE==');
    assert.equal(
      put.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/es/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=569cc7a831b350aed9ed68eba76906bcb99b5e73b2075fed27fb505ae7065286',
    );
  });

  test('on create, writes the role, then maps exactly the three roles on a fresh domain', async () => {
    const domain = fakeDomain();
    const out = await handler.apply({ RequestType: 'Create', ResourceProperties: properties([API, WORKER, TASKS]) }, domain.call);
    assert.deepEqual(domain.calls, [
      { method: 'PUT', path: '/_plugins/_security/api/roles/sluice_catalog', body: PERMISSIONS },
      { method: 'GET', path: '/_plugins/_security/api/rolesmapping/sluice_catalog', body: undefined },
      { method: 'PUT', path: '/_plugins/_security/api/rolesmapping/sluice_catalog', body: { backend_roles: [API, WORKER, TASKS], hosts: [], users: [] } },
    ]);
    assert.equal(out.PhysicalResourceId, 'vpc-sluice-catalog-abc.eu-west-1.es.amazonaws.com/sluice_catalog');
  });

  test('is idempotent, and keeps what someone mapped by hand', async () => {
    const manual = 'arn:aws:iam::123456789012:role/analyst';
    const domain = fakeDomain({ backend_roles: [manual, API], users: ['dashboards-admin'], hosts: ['10.0.0.1'] });
    await handler.apply({ RequestType: 'Create', ResourceProperties: properties([API, WORKER, TASKS]) }, domain.call);
    assert.deepEqual(domain.calls[2].body, { backend_roles: [manual, API, WORKER, TASKS], users: ['dashboards-admin'], hosts: ['10.0.0.1'] });
  });

  test('on update, drops only the roles it mapped before and no longer wants', async () => {
    const manual = 'arn:aws:iam::123456789012:role/analyst';
    const old = 'arn:aws:iam::123456789012:role/old-prefix-api-task';
    const domain = fakeDomain({ backend_roles: [old, manual, WORKER], users: [], hosts: [] });
    await handler.apply(
      { RequestType: 'Update', ResourceProperties: properties([API, WORKER, TASKS]), OldResourceProperties: properties([old, WORKER]) },
      domain.call,
    );
    assert.deepEqual(domain.calls[2].body.backend_roles, [manual, WORKER, API, TASKS]);
  });

  test('on delete, changes nothing', async () => {
    const domain = fakeDomain({ backend_roles: [API] });
    const out = await handler.apply({ RequestType: 'Delete', PhysicalResourceId: 'x/sluice_catalog', ResourceProperties: properties([API]) }, domain.call);
    assert.equal(out.PhysicalResourceId, 'x/sluice_catalog');
    assert.deepEqual(domain.calls, []);
  });

  test('a refusal fails the deploy with what the domain said', async () => {
    const domain = fakeDomain(undefined, { 'PUT /_plugins/_security/api/roles/sluice_catalog': 400 });
    await assert.rejects(
      handler.apply({ RequestType: 'Create', ResourceProperties: properties([API]) }, domain.call),
      /writing the role: HTTP 400 \{"error":"nope"\}/,
    );
    assert.equal(domain.calls.length, 1, 'nothing after the refusal');
  });

  test('requests are signed each time and retried while the domain settles, but not on a bad request', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_REGION: 'eu-west-1' };
    const sent: any[] = [];
    const answers = [{ status: 503, body: '' }, { status: 403, body: '' }, { status: 200, body: '{}' }];
    const sleeps: number[] = [];
    const call = handler.signedCall('search.example', env, {
      send: async (options: any, body: string) => {
        sent.push({ options, body });
        return answers.shift();
      },
      sleep: async (ms: number) => void sleeps.push(ms),
    });
    const res = await call('PUT', '/_plugins/_security/api/rolesmapping/sluice_catalog', { backend_roles: [API] });
    assert.equal(res.status, 200);
    assert.equal(sent.length, 3);
    assert.equal(sleeps.length, 2);
    for (const { options, body } of sent) {
      assert.equal(options.host, 'search.example');
      assert.equal(options.method, 'PUT');
      assert.match(options.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, /);
      assert.equal(options.headers['content-length'], Buffer.byteLength(body));
      assert.equal(body, JSON.stringify({ backend_roles: [API] }));
    }

    const once: any[] = [];
    const bad = handler.signedCall('search.example', env, {
      send: async (options: any) => {
        once.push(options);
        return { status: 400, body: 'bad' };
      },
      sleep: async () => undefined,
    });
    assert.equal((await bad('GET', '/_plugins/_security/api/rolesmapping/sluice_catalog')).status, 400);
    assert.equal(once.length, 1);
    assert.equal(once[0].headers['content-type'], undefined, 'no body, no content type');

    const down = handler.signedCall('search.example', env, {
      budgetMs: 0,
      send: async () => { throw new Error('ECONNREFUSED'); },
      sleep: async () => undefined,
    });
    assert.deepEqual(await down('GET', '/'), { status: 0, body: 'ECONNREFUSED' });
  });
});

// The deployment's settings, read from the `sluice` key of cdk.json's context (or `-c
// sluice=<json>` on the command line) and checked before any construct is made, so a typo fails
// synth with the setting's name instead of deploying something unexpected.

export type Federation =
  | {
      /** A SAML 2.0 IdP (Entra ID, Okta, ADFS...) read from its metadata URL. */
      type: 'SAML';
      name: string;
      metadataUrl: string;
      /** The IdP's attribute that lists the user's groups; mapped to `custom:saml.groups`. */
      groupsAttribute: string;
    }
  | {
      type: 'OIDC';
      name: string;
      issuerUrl: string;
      clientId: string;
      /** A Secrets Manager secret (name or ARN) holding the client secret as plain text. */
      clientSecretName: string;
      groupsAttribute: string;
    };

export interface Sizes {
  auroraMinAcu: number;
  auroraMaxAcu: number;
  backupRetentionDays: number;
  apiCpu: number;
  apiMemoryMiB: number;
  apiMinTasks: number;
  apiMaxTasks: number;
  workerCpu: number;
  workerMemoryMiB: number;
  workerMinTasks: number;
  workerMaxTasks: number;
  ecsTasksCpu: number;
  ecsTasksMemoryMiB: number;
  searchDataNodeType: string;
  searchDataNodes: number;
  searchMasterNodeType: string;
  searchVolumeGiB: number;
  logRetentionDays: number;
}

/**
 * The EventBridge bus every event is also put on (SLUICE_EVENTBRIDGE_BUS): one this app makes,
 * named `<prefix>-events`, or an existing one by ARN (another account's too, if its policy lets
 * the worker's role in).
 */
export type EventBusConfig = { create: true } | { arn: string };

export interface SluiceConfig {
  /** Starts every named resource; lowercase letters and digits, so every service accepts it. */
  prefix: string;
  /** null: the account of the credentials `cdk deploy` runs with. */
  account: string | null;
  region: string;
  /** Three AZs of `region`: the VPC, Aurora and OpenSearch span them. */
  availabilityZones: string[];
  natGateways: number;
  /** true: the ALB is internet-facing in the public subnets; false: internal, private subnets. */
  internetFacing: boolean;
  domain: {
    /** The API's DNS name; the ALB's certificate covers it. */
    apiDomainName: string;
    /** An ACM certificate in `region` for apiDomainName; null: one is requested (DNS validation). */
    certificateArn: string | null;
    /** With hostedZoneName: Route 53 validates the certificate and gets an alias record. */
    hostedZoneId: string | null;
    hostedZoneName: string | null;
  };
  frontend: {
    /** The web UI's DNS name; null: CloudFront's own *.cloudfront.net name. */
    domainName: string | null;
    /** An ACM certificate in us-east-1 (CloudFront's region) for frontend.domainName. */
    certificateArn: string | null;
  };
  identity: {
    /** The Cognito hosted UI's domain prefix: unique in the region. */
    domainPrefix: string;
    callbackUrls: string[];
    logoutUrls: string[];
    adminGroup: string;
    groups: string[];
    federation: Federation | null;
  };
  image: {
    /** The tag pushed to the registry stack's repository (tags are immutable). */
    tag: string;
  };
  /** The pivot role's name in every linked account; the only role Sluice may assume there. */
  pivotRoleName: string;
  github: {
    /** owner/name */
    repository: string;
    branch: string;
    /** An existing token.actions.githubusercontent.com provider; null: this app creates it. */
    oidcProviderArn: string | null;
  };
  /** Subscribed to the alarm topic when set. */
  alarmEmail: string | null;
  /**
   * Days the activity trail keeps: the worker deletes older rows (SLUICE_AUDIT_RETENTION_DAYS).
   * null keeps every row.
   */
  auditRetentionDays: number | null;
  /**
   * `"create"`, an event bus ARN, or null (no bus): the worker puts every event on it and may
   * call events:PutEvents on that bus alone.
   */
  eventBus: EventBusConfig | null;
  sizes: Sizes;
}

export class ConfigError extends Error {}

type Json = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new ConfigError(`cdk.json context sluice.${path}: ${message}`);
}

function obj(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Json;
}

function str(o: Json, key: string, path: string, pattern?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) fail(`${path}${key}`, 'must be a non-empty string');
  if (pattern && !pattern.test(v)) fail(`${path}${key}`, `must match ${pattern}`);
  return v;
}

function optStr(o: Json, key: string, path: string, pattern?: RegExp): string | null {
  return o[key] === null || o[key] === undefined ? null : str(o, key, path, pattern);
}

function bool(o: Json, key: string, path: string): boolean {
  if (typeof o[key] !== 'boolean') fail(`${path}${key}`, 'must be true or false');
  return o[key] as boolean;
}

function num(o: Json, key: string, path: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !(v >= min && v <= max)) fail(`${path}${key}`, `must be a number from ${min} to ${max}`);
  return v;
}

/** A whole number of days, from one to a hundred years. */
function days(o: Json, key: string): number {
  const v = num(o, key, '', 1, 36500);
  if (!Number.isInteger(v)) fail(key, 'must be a whole number of days');
  return v;
}

function strList(o: Json, key: string, path: string, pattern?: RegExp): string[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${path}${key}`, 'must be a list of strings');
  return v.map((_, i) => str(v as unknown as Json, String(i), `${path}${key}.`, pattern));
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const HTTPS_URL = /^https:\/\/[^\s]+$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384];

function federation(value: unknown): Federation | null {
  if (value === null || value === undefined) return null;
  const f = obj(value, 'identity.federation');
  const p = 'identity.federation.';
  const name = str(f, 'name', p, /^[\w.-]{1,32}$/);
  const groupsAttribute = str(f, 'groupsAttribute', p);
  switch (f.type) {
    case 'SAML':
      return { type: 'SAML', name, groupsAttribute, metadataUrl: str(f, 'metadataUrl', p, HTTPS_URL) };
    case 'OIDC':
      return {
        type: 'OIDC',
        name,
        groupsAttribute,
        issuerUrl: str(f, 'issuerUrl', p, HTTPS_URL),
        clientId: str(f, 'clientId', p),
        clientSecretName: str(f, 'clientSecretName', p),
      };
    default:
      return fail(`${p}type`, 'must be SAML or OIDC');
  }
}

const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\/-]{1,255}$/;

function eventBus(value: unknown): EventBusConfig | null {
  if (value === null || value === undefined) return null;
  if (value === 'create') return { create: true };
  if (typeof value === 'string' && EVENT_BUS_ARN.test(value)) return { arn: value };
  return fail('eventBus', 'must be null, "create", or an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)');
}

function sizes(value: unknown): Sizes {
  const s = obj(value, 'sizes');
  const p = 'sizes.';
  const cpu = (key: string) => {
    const v = num(s, key, p, 256, 16384);
    if (!FARGATE_CPU.includes(v)) fail(`${p}${key}`, `must be one of Fargate's CPU sizes ${FARGATE_CPU.join(', ')}`);
    return v;
  };
  const result: Sizes = {
    auroraMinAcu: num(s, 'auroraMinAcu', p, 0, 256),
    auroraMaxAcu: num(s, 'auroraMaxAcu', p, 1, 256),
    backupRetentionDays: num(s, 'backupRetentionDays', p, 1, 35),
    apiCpu: cpu('apiCpu'),
    apiMemoryMiB: num(s, 'apiMemoryMiB', p, 512, 122880),
    apiMinTasks: num(s, 'apiMinTasks', p, 1, 100),
    apiMaxTasks: num(s, 'apiMaxTasks', p, 1, 100),
    workerCpu: cpu('workerCpu'),
    workerMemoryMiB: num(s, 'workerMemoryMiB', p, 512, 122880),
    workerMinTasks: num(s, 'workerMinTasks', p, 1, 100),
    workerMaxTasks: num(s, 'workerMaxTasks', p, 1, 100),
    ecsTasksCpu: cpu('ecsTasksCpu'),
    ecsTasksMemoryMiB: num(s, 'ecsTasksMemoryMiB', p, 512, 122880),
    searchDataNodeType: str(s, 'searchDataNodeType', p, /\.search$/),
    searchDataNodes: num(s, 'searchDataNodes', p, 3, 80),
    searchMasterNodeType: str(s, 'searchMasterNodeType', p, /\.search$/),
    searchVolumeGiB: num(s, 'searchVolumeGiB', p, 10, 16384),
    logRetentionDays: num(s, 'logRetentionDays', p, 1, 3653),
  };
  if (result.auroraMinAcu > result.auroraMaxAcu) fail(`${p}auroraMinAcu`, 'must not exceed auroraMaxAcu');
  if (result.apiMinTasks > result.apiMaxTasks) fail(`${p}apiMinTasks`, 'must not exceed apiMaxTasks');
  if (result.workerMinTasks > result.workerMaxTasks) fail(`${p}workerMinTasks`, 'must not exceed workerMaxTasks');
  if (result.searchDataNodes % 3 !== 0) fail(`${p}searchDataNodes`, 'must be a multiple of 3 (one per AZ)');
  return result;
}

/** Checks and types the `sluice` context value. */
export function parseConfig(raw: unknown): SluiceConfig {
  const c = obj(raw, '(root)');
  const domain = obj(c.domain, 'domain');
  const frontend = obj(c.frontend, 'frontend');
  const identity = obj(c.identity, 'identity');
  const github = obj(c.github, 'github');
  const image = obj(c.image, 'image');
  const config: SluiceConfig = {
    prefix: str(c, 'prefix', '', /^[a-z][a-z0-9]{1,19}$/),
    account: optStr(c, 'account', '', ACCOUNT),
    region: str(c, 'region', '', REGION),
    availabilityZones: strList(c, 'availabilityZones', ''),
    natGateways: num(c, 'natGateways', '', 1, 3),
    internetFacing: bool(c, 'internetFacing', ''),
    domain: {
      apiDomainName: str(domain, 'apiDomainName', 'domain.', DNS_NAME),
      certificateArn: optStr(domain, 'certificateArn', 'domain.', ACM_ARN),
      hostedZoneId: optStr(domain, 'hostedZoneId', 'domain.', /^Z[A-Z0-9]+$/),
      hostedZoneName: optStr(domain, 'hostedZoneName', 'domain.', DNS_NAME),
    },
    frontend: {
      domainName: optStr(frontend, 'domainName', 'frontend.', DNS_NAME),
      certificateArn: optStr(frontend, 'certificateArn', 'frontend.', ACM_ARN),
    },
    identity: {
      domainPrefix: str(identity, 'domainPrefix', 'identity.', /^[a-z0-9](-?[a-z0-9])*$/),
      callbackUrls: strList(identity, 'callbackUrls', 'identity.', HTTPS_URL),
      logoutUrls: strList(identity, 'logoutUrls', 'identity.', HTTPS_URL),
      adminGroup: str(identity, 'adminGroup', 'identity.'),
      groups: strList(identity, 'groups', 'identity.'),
      federation: federation(identity.federation),
    },
    image: { tag: str(image, 'tag', 'image.', /^[\w][\w.-]{0,127}$/) },
    pivotRoleName: str(c, 'pivotRoleName', '', /^[\w+=,.@-]{1,64}$/),
    github: {
      repository: str(github, 'repository', 'github.', /^[\w.-]+\/[\w.-]+$/),
      branch: str(github, 'branch', 'github.', /^[^\s*]+$/),
      oidcProviderArn: optStr(github, 'oidcProviderArn', 'github.', /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/),
    },
    alarmEmail: optStr(c, 'alarmEmail', '', /^[^@\s]+@[^@\s]+$/),
    auditRetentionDays: c.auditRetentionDays === null || c.auditRetentionDays === undefined ? null : days(c, 'auditRetentionDays'),
    eventBus: eventBus(c.eventBus),
    sizes: sizes(c.sizes),
  };
  if (config.availabilityZones.length !== 3) fail('availabilityZones', 'must name exactly three AZs');
  for (const az of config.availabilityZones) {
    if (!az.startsWith(config.region)) fail('availabilityZones', `${az} is not in ${config.region}`);
  }
  if ((config.domain.hostedZoneId === null) !== (config.domain.hostedZoneName === null)) {
    fail('domain.hostedZoneId', 'and domain.hostedZoneName go together');
  }
  if ((config.frontend.domainName === null) !== (config.frontend.certificateArn === null)) {
    fail('frontend.domainName', 'and frontend.certificateArn go together');
  }
  if (config.frontend.certificateArn && !config.frontend.certificateArn.includes(':us-east-1:')) {
    fail('frontend.certificateArn', 'must be in us-east-1, where CloudFront reads certificates');
  }
  if (!config.identity.groups.includes(config.identity.adminGroup)) {
    config.identity.groups = [config.identity.adminGroup, ...config.identity.groups];
  }
  return config;
}

// Lambda handler for the Custom::SluiceSearchAccess resource (lib/search-access.ts): gives the
// Sluice services' IAM roles access to the catalog index through the search domain's
// fine-grained access control, so no one has to map them by hand after a deploy. It runs as the
// domain's master role and signs its requests with SigV4 itself: the runtime's AWS SDK has no
// public signer for arbitrary HTTP, and a bundled one would need a build step at synth.
// test/search-access.test.ts runs `apply` and `sign`.
'use strict';

const crypto = require('crypto');
const https = require('https');

const SECURITY_API = '/_plugins/_security/api';

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();

/** RFC 3986 encoding of each path segment, as SigV4's canonical URI wants it. */
function canonicalPath(path) {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * The headers of a SigV4-signed request (no query string): `headers` plus host, x-amz-date, the
 * session token when there is one, and authorization.
 */
function sign({ method, host, path, headers = {}, body = '' }, credentials, region, service, now) {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const all = { ...headers, host, 'x-amz-date': amzDate };
  if (credentials.sessionToken) all['x-amz-security-token'] = credentials.sessionToken;
  const lower = {};
  for (const [name, value] of Object.entries(all)) lower[name.toLowerCase()] = String(value).trim().replace(/\s+/g, ' ');
  const names = Object.keys(lower).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    method,
    canonicalPath(path),
    '',
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    signedHeaders,
    sha256(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = crypto.createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...all,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/**
 * The role mapping to write: what is there now (users and hosts kept, and backend roles someone
 * added by hand), plus `wanted`, minus the roles this resource mapped before (`previous`) and no
 * longer wants. Never removes a mapping it did not make.
 */
function mergedMapping(current, wanted, previous) {
  const dropped = new Set(previous.filter((r) => !wanted.includes(r)));
  const kept = (current.backend_roles || []).filter((r) => !dropped.has(r));
  return {
    backend_roles: [...new Set([...kept, ...wanted])],
    hosts: current.hosts || [],
    users: current.users || [],
  };
}

/**
 * Creates or updates the Sluice role and its mapping. `call(method, path, body)` sends one signed
 * request and answers `{status, body}`. Delete does nothing: the domain outlives the stack, and
 * taking access away from running services is not a clean-up step.
 */
async function apply(event, call) {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const p = event.ResourceProperties;
  const previous = event.RequestType === 'Update' ? (event.OldResourceProperties || {}).BackendRoles || [] : [];
  const role = encodeURIComponent(p.RoleName);
  const expect = (what, res, ok) => {
    if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.body}`);
    return res.body ? JSON.parse(res.body) : {};
  };

  expect('writing the role', await call('PUT', `${SECURITY_API}/roles/${role}`, JSON.parse(p.RolePermissions)), [200, 201]);
  const found = await call('GET', `${SECURITY_API}/rolesmapping/${role}`);
  const current = found.status === 404 ? {} : expect('reading the role mapping', found, [200])[p.RoleName] || {};
  const mapping = mergedMapping(current, p.BackendRoles, previous);
  expect('writing the role mapping', await call('PUT', `${SECURITY_API}/rolesmapping/${role}`, mapping), [200, 201]);
  console.log('mapped', p.RoleName, 'to', mapping.backend_roles.join(', '));
  return { PhysicalResourceId: `${p.Endpoint}/${p.RoleName}`, Data: { BackendRoles: mapping.backend_roles.join(',') } };
}

/**
 * `call` for `apply`: signs with the function's own role, and retries what a new domain or a
 * new role answers for a while (unreachable, 5xx, 429, and 401/403 until the security index and
 * IAM settle) for up to `budgetMs`.
 */
function signedCall(endpoint, env, { budgetMs = 8 * 60 * 1000, send = httpsSend, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = {}) {
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN,
  };
  return async (method, path, json) => {
    const body = json === undefined ? '' : JSON.stringify(json);
    const deadline = Date.now() + budgetMs;
    for (let attempt = 1; ; attempt++) {
      const headers = sign(
        { method, host: endpoint, path, body, headers: json === undefined ? {} : { 'content-type': 'application/json' } },
        credentials,
        env.AWS_REGION,
        'es',
        new Date(),
      );
      let res;
      try {
        // Sent with its length (not chunked); the length need not be signed.
        res = await send({ host: endpoint, path, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, body);
      } catch (e) {
        res = { status: 0, body: e.message };
      }
      const transient = res.status === 0 || res.status >= 500 || [401, 403, 429].includes(res.status);
      if (!transient || Date.now() >= deadline) return res;
      console.log(`${method} ${path}: HTTP ${res.status}, retrying (attempt ${attempt})`);
      await sleep(Math.min(30000, 2000 * 2 ** attempt));
    }
  };
}

function httpsSend(options, body) {
  return new Promise((resolve, reject) => {
    const req = https.request({ ...options, timeout: 15000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

exports.sign = sign;
exports.mergedMapping = mergedMapping;
exports.apply = apply;
exports.signedCall = signedCall;
exports.handler = (event) => apply(event, signedCall(event.ResourceProperties.Endpoint, process.env));

// deploy/docker/entrypoint.sh, run by /bin/sh as the image runs it (the image itself is not
// built in CI: no Docker there).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEPLOY_DIR } from './support';

const ENTRYPOINT = join(DEPLOY_DIR, 'docker', 'entrypoint.sh');

function run(env: Record<string, string>, script: string) {
  const r = spawnSync('/bin/sh', [ENTRYPOINT, '/bin/sh', '-c', script], { env: { PATH: process.env.PATH ?? '', ...env } });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const secretFields = {
  SLUICE_DB_USER: 'sluice',
  SLUICE_DB_PASSWORD: 'Abc-123_xyz',
  SLUICE_DB_HOST: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
  SLUICE_DB_PORT: '5432',
  SLUICE_DB_NAME: 'sluice',
};

test('joins the secret fields into SLUICE_DATABASE_URL with TLS required, and drops the password variable', () => {
  const r = run(secretFields, 'printf "%s|%s" "$SLUICE_DATABASE_URL" "${SLUICE_DB_PASSWORD-unset}"');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    'postgres://sluice:Abc-123_xyz@db.cluster-abc.eu-west-1.rds.amazonaws.com:5432/sluice?sslmode=require|unset',
  );
});

test('percent-encodes characters a URL would misread', () => {
  const r = run({ ...secretFields, SLUICE_DB_USER: 'app user', SLUICE_DB_PASSWORD: 'p@ss:w/rd%#?' }, 'printf %s "$SLUICE_DATABASE_URL"');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^postgres:\/\/app%20user:p%40ss%3Aw%2Frd%25%23%3F@db\./);
});

test('an explicit SLUICE_DATABASE_URL wins, and without database fields nothing is set', () => {
  const explicit = run({ ...secretFields, SLUICE_DATABASE_URL: 'postgres://other/db' }, 'printf %s "$SLUICE_DATABASE_URL"');
  assert.equal(explicit.stdout, 'postgres://other/db');
  const embedded = run({}, 'printf %s "${SLUICE_DATABASE_URL-unset}"');
  assert.equal(embedded.stdout, 'unset');
});

test('a host without credentials fails, naming the variable', () => {
  const r = run({ SLUICE_DB_HOST: 'db' }, 'true');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /SLUICE_DB_USER/);
});

test('runs its arguments with their exit status', () => {
  assert.equal(run({}, 'exit 7').status, 7);
});

// Issue 23, hole 3: no signed-in user may write an attribute that grants something. A user
// writes their own attributes with UpdateUserAttributes, which takes an access token with the
// `aws.cognito.signin.user.admin` scope and may write the issuing client's WriteAttributes
// (every mutable attribute when that list is unset). These tests read the synthesized pool and
// clients, and the API's settings; moto has no hosted UI and checks neither scopes nor
// WriteAttributes, so this is where the rules can be shown.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SAML_GROUPS_CLAIM } from '../lib/identity';
import { build, Built, rawConfig, resourcesOfType } from './support';

const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';
/** Any attribute whose name says group, in any case: `custom:saml.groups`, `custom:Groups`... */
const GROUP_ATTRIBUTE = /group/i;

function clients(built: Built): [string, any][] {
  return resourcesOfType(built.templates.identity, 'AWS::Cognito::UserPoolClient');
}

/** The API task's environment, as a name → value map. */
function apiEnvironment(built: Built): Record<string, string> {
  const definitions = resourcesOfType(built.templates.compute, 'AWS::ECS::TaskDefinition');
  const api = definitions.find(([, d]) => JSON.stringify(d.Properties.Family).includes('-api'));
  assert.ok(api, 'an api task definition');
  const container = api[1].Properties.ContainerDefinitions[0];
  return Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
}

/** A client can hand a user a token that writes attributes only through these doors. */
function assertIssuesNoWritingToken(id: string, client: any) {
  const p = client.Properties;
  assert.ok(!(p.AllowedOAuthScopes ?? []).includes(ADMIN_SCOPE), `${id}: OAuth scopes ${p.AllowedOAuthScopes}`);
  // Unset would mean Cognito's default, which includes SRP and custom auth; tokens from any
  // InitiateAuth sign-in carry the admin scope whatever the client's OAuth scopes say.
  assert.deepEqual(p.ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH'], `${id}: explicit auth flows`);
}

function federated(type: 'SAML' | 'OIDC'): Record<string, any> {
  const raw = rawConfig();
  raw.identity.federation =
    type === 'SAML'
      ? {
          type,
          name: 'CorpIdP',
          metadataUrl: 'https://idp.corp.example.com/metadata.xml',
          groupsAttribute: 'http://schemas.xmlsoap.org/claims/Group',
        }
      : {
          type,
          name: 'Okta',
          issuerUrl: 'https://corp.okta.com',
          clientId: 'sluice',
          clientSecretName: 'sluice/okta-client-secret',
          groupsAttribute: 'groups',
        };
  return raw;
}

describe('without federation', () => {
  const built = build();

  test('every app client lists its WriteAttributes, and none is a group attribute or the e-mail', () => {
    const all = clients(built);
    assert.ok(all.length > 0, 'the pool has an app client');
    for (const [id, client] of all) {
      const write: string[] = client.Properties.WriteAttributes;
      assert.ok(Array.isArray(write) && write.length > 0, `${id}: WriteAttributes must be explicit and non-empty`);
      for (const attribute of write) {
        assert.doesNotMatch(attribute, GROUP_ATTRIBUTE, `${id} lets users write ${attribute}`);
        assert.ok(!attribute.startsWith('custom:'), `${id} lets users write ${attribute}`);
      }
      assert.ok(!write.includes('email') && !write.includes('email_verified'), `${id}: ${write}`);
    }
  });

  test('no app client hands out a token that can write attributes', () => {
    for (const [id, client] of clients(built)) assertIssuesNoWritingToken(id, client);
  });

  test("tokens carry no custom:saml.groups, and the API reads none and names users by cognito:username", () => {
    for (const [id, client] of clients(built)) {
      assert.ok(!client.Properties.ReadAttributes.includes(SAML_GROUPS_CLAIM), `${id} reads ${SAML_GROUPS_CLAIM}`);
    }
    const env = apiEnvironment(built);
    assert.equal(env.SLUICE_AUTH_SAML_GROUPS_CLAIM, undefined);
    assert.equal(env.SLUICE_AUTH_SAML_GROUPS_PROVIDERS, undefined);
    assert.equal(env.SLUICE_AUTH_USERNAME_CLAIM, 'cognito:username');
    assert.equal(env.SLUICE_AUTH_GROUPS_CLAIM, undefined, 'the default, cognito:groups, which only admins set');
  });

  test('the pool itself lets no one sign up', () => {
    const [[, pool]] = resourcesOfType(built.templates.identity, 'AWS::Cognito::UserPool');
    assert.equal(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly, true);
  });
});

for (const type of ['SAML', 'OIDC'] as const) {
  describe(`with ${type} federation`, () => {
    const built = build(federated(type));
    const name = built.config.identity.federation!.name;

    test('the client writes exactly what the IdP mapping writes, so federated sign-in works', () => {
      const [[, idp]] = resourcesOfType(built.templates.identity, 'AWS::Cognito::UserPoolIdentityProvider');
      const mapped = Object.keys(idp.Properties.AttributeMapping).sort();
      assert.deepEqual(mapped, ['custom:saml.groups', 'email']);
      for (const [id, client] of clients(built)) {
        assert.deepEqual([...client.Properties.WriteAttributes].sort(), mapped, id);
      }
    });

    test('so a client that may write the group attribute hands out no token that can write it', () => {
      const writers = clients(built).filter(([, c]) => c.Properties.WriteAttributes.some((a: string) => GROUP_ATTRIBUTE.test(a)));
      assert.ok(writers.length > 0, 'the mapping needs a writer');
      for (const [id, client] of writers) assertIssuesNoWritingToken(id, client);
    });

    test("the API reads the IdP's groups for that IdP's users only", () => {
      const env = apiEnvironment(built);
      assert.equal(env.SLUICE_AUTH_SAML_GROUPS_CLAIM, SAML_GROUPS_CLAIM);
      assert.equal(env.SLUICE_AUTH_SAML_GROUPS_PROVIDERS, name);
      assert.equal(env.SLUICE_AUTH_USERNAME_CLAIM, 'cognito:username');
    });
  });
}

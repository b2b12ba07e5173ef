import { Duration, RemovalPolicy, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';

/** Where federated users' groups land (data.all's name); Sluice reads it besides cognito:groups, for them only. */
export const SAML_GROUPS_ATTRIBUTE = 'saml.groups';
export const SAML_GROUPS_CLAIM = `custom:${SAML_GROUPS_ATTRIBUTE}`;

/**
 * The API's settings for reading this pool's tokens beyond issuer and client: which claim names
 * the user, and whether (and for whose users) the IdP's groups claim counts. Without federation
 * the API reads no `custom:saml.groups` at all; with it, only for users whose token says they
 * signed in through that IdP (Cognito's own `identities` claim), never for the pool's own users.
 */
export function apiAuthEnvironment(identity: SluiceConfig['identity']): Record<string, string> {
  const env: Record<string, string> = { SLUICE_AUTH_USERNAME_CLAIM: 'cognito:username' };
  if (identity.federation) {
    env.SLUICE_AUTH_SAML_GROUPS_CLAIM = SAML_GROUPS_CLAIM;
    env.SLUICE_AUTH_SAML_GROUPS_PROVIDERS = identity.federation.name;
  }
  return env;
}

export class IdentityStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${config.prefix}-users`,
      // Accounts are made by admins or arrive through federation.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { [SAML_GROUPS_ATTRIBUTE]: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const group of config.identity.groups) {
      new cognito.CfnUserPoolGroup(this, `Group${group.replace(/[^A-Za-z0-9]/g, '')}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: group === config.identity.adminGroup ? 'Sluice platform administrators' : `Sluice team ${group}`,
      });
    }

    const providers: cognito.UserPoolClientIdentityProvider[] = [cognito.UserPoolClientIdentityProvider.COGNITO];
    const federation = config.identity.federation;
    let idp: cognito.IUserPoolIdentityProvider | undefined;
    if (federation) {
      const attributeMapping: cognito.AttributeMapping = {
        email: cognito.ProviderAttribute.other('email'),
        custom: { [SAML_GROUPS_CLAIM]: cognito.ProviderAttribute.other(federation.groupsAttribute) },
      };
      idp =
        federation.type === 'SAML'
          ? new cognito.UserPoolIdentityProviderSaml(this, 'Federation', {
              userPool: this.userPool,
              name: federation.name,
              metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(federation.metadataUrl),
              idpSignout: true,
              attributeMapping,
            })
          : new cognito.UserPoolIdentityProviderOidc(this, 'Federation', {
              userPool: this.userPool,
              name: federation.name,
              issuerUrl: federation.issuerUrl,
              clientId: federation.clientId,
              // A dynamic reference: CloudFormation reads the secret at deploy; it is never in the template.
              clientSecret: SecretValue.secretsManager(federation.clientSecretName).unsafeUnwrap(),
              scopes: ['openid', 'email', 'profile'],
              attributeMapping,
            });
      providers.push(cognito.UserPoolClientIdentityProvider.custom(federation.name));
    }

    // The web UI: a public client (no secret, it lives in a browser) using the authorization
    // code grant, for which Cognito requires PKCE from public clients.
    //
    // No user may write an attribute that grants something (issue 23). A user changes their own
    // attributes with UpdateUserAttributes, which needs an access token carrying the
    // `aws.cognito.signin.user.admin` scope, and may then write exactly the client's
    // WriteAttributes (every mutable attribute, custom ones included, when the list is unset).
    // Cognito also requires a client that federated users sign in through to list every
    // attribute the IdP mapping writes (it updates them at each sign-in, and the sign-in fails
    // otherwise), so with federation `custom:saml.groups` must be writable by this client. Hence
    // three locks; the first and the last are each enough alone:
    // - the client hands out no token that can write: its OAuth scopes leave out
    //   `aws.cognito.signin.user.admin`, and no InitiateAuth sign-in flow (SRP, password,
    //   custom, choice-based) is allowed, since tokens from those always carry that scope; only
    //   refresh, which keeps the scopes of the hosted-UI sign-in it refreshes;
    // - WriteAttributes is explicit: without federation, preferences Sluice never reads (an
    //   empty list may read as unset, the writable default); with it, exactly what the IdP
    //   mapping writes;
    // - the API reads `custom:saml.groups` only when federation is configured, and then only
    //   for users whose token says they signed in through the IdP (apiAuthEnvironment).
    // Hosted-UI sign-in goes through the OAuth endpoints, not InitiateAuth, so it needs none of
    // those flows (the classic hosted UI, this domain's default; managed login's newer pages
    // offer the methods the client's flows allow, so moving to them needs this revisited). A
    // CLI signing in with USER_PASSWORD_AUTH needs a client of its own, and the same rules.
    const writeAttributes = federation
      ? new cognito.ClientAttributes().withStandardAttributes({ email: true }).withCustomAttributes(SAML_GROUPS_ATTRIBUTE)
      : new cognito.ClientAttributes().withStandardAttributes({ locale: true, timezone: true });
    let readAttributes = new cognito.ClientAttributes().withStandardAttributes({ email: true, emailVerified: true });
    if (federation) readAttributes = readAttributes.withCustomAttributes(SAML_GROUPS_ATTRIBUTE);
    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: `${config.prefix}-web`,
      generateSecret: false,
      // Any key makes CDK write the list (refresh is always added); none would leave Cognito's
      // default, which includes SRP and custom auth.
      authFlows: { userSrp: false, userPassword: false, custom: false, user: false, adminUserPassword: false },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      supportedIdentityProviders: providers,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: config.identity.callbackUrls,
        logoutUrls: config.identity.logoutUrls,
      },
      readAttributes,
      writeAttributes,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    if (idp) this.webClient.node.addDependency(idp);

    this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: config.identity.domainPrefix },
    });
  }

  /** The `iss` of this pool's tokens, which the API checks. */
  get issuer(): string {
    return `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.userPool.userPoolId}`;
  }
}

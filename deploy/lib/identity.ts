import { Duration, RemovalPolicy, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';

/** Where federated users' groups land; Sluice reads it besides cognito:groups (data.all's name). */
export const SAML_GROUPS_ATTRIBUTE = 'saml.groups';

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
        custom: { [`custom:${SAML_GROUPS_ATTRIBUTE}`]: cognito.ProviderAttribute.other(federation.groupsAttribute) },
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
    this.webClient = this.userPool.addClient('WebClient', {
      userPoolClientName: `${config.prefix}-web`,
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      supportedIdentityProviders: providers,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: config.identity.callbackUrls,
        logoutUrls: config.identity.logoutUrls,
      },
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

import { CfnOutput, Duration, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { acknowledge, nagArn, wildcard } from './nag';

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/**
 * A role GitHub Actions assumes through OIDC to run `cdk deploy`: only workflows of one
 * repository on one branch, and it may do nothing but assume the CDK bootstrap roles (which
 * hold the deploy permissions, as `cdk bootstrap` made them).
 */
export class CiAccessStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);
    const providerArn =
      config.github.oidcProviderArn ??
      new iam.OidcProviderNative(this, 'GitHubOidc', {
        url: `https://${GITHUB_ISSUER}`,
        clientIds: ['sts.amazonaws.com'],
      }).oidcProviderArn;

    this.role = new iam.Role(this, 'DeployRole', {
      roleName: `${config.prefix}-github-deploy`,
      description: `GitHub Actions of ${config.github.repository}@${config.github.branch} deploying Sluice`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.FederatedPrincipal(
        providerArn,
        {
          StringEquals: {
            [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_ISSUER}:sub`]: `repo:${config.github.repository}:ref:refs/heads/${config.github.branch}`,
          },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseCdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind) =>
          this.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `cdk-hnb659fds-${kind}-role-${this.account}-*`,
          }),
        ),
      }),
    );
    acknowledge(
      this.role,
      ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind) =>
        wildcard(nagArn(this, 'iam', `role/cdk-hnb659fds-${kind}-role-${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}-*`, '')),
      ),
      "CDK's bootstrap roles end in the region they serve; the role may assume those four kinds in this account only.",
    );
    new CfnOutput(this, 'DeployRoleArn', { value: this.role.roleArn });
  }
}

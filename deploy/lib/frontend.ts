import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { acknowledge } from './nag';
import { managedRulesWebAcl } from './waf';

/**
 * The web UI: a private bucket read only by CloudFront (origin access control). Deployed in
 * us-east-1, where CloudFront's web ACLs and certificates must live.
 */
export class FrontendStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL, which needs this ownership mode.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.sizes.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(logs, 'AwsSolutions-S1', 'This bucket is itself the access-log destination; logging it would recurse.');

    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${config.prefix}-web-security-headers`,
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' https://${config.domain.apiDomainName} https://*.amazoncognito.com https://cognito-idp.${config.region}.amazonaws.com`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self' https://*.amazoncognito.com",
            "object-src 'none'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    const acl = managedRulesWebAcl(this, 'Waf', 'CLOUDFRONT', `${config.prefix}-web`);
    const custom = config.frontend.domainName && config.frontend.certificateArn;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${config.prefix} web UI`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      // The UI routes in the browser: unknown paths get the app, which shows its own 404.
      errorResponses: [403, 404].map((status) => ({
        httpStatus: status,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.minutes(1),
      })),
      domainNames: custom ? [config.frontend.domainName!] : undefined,
      certificate: custom ? acm.Certificate.fromCertificateArn(this, 'Certificate', config.frontend.certificateArn!) : undefined,
      // Only with a certificate of our own: CloudFront's default *.cloudfront.net certificate
      // comes with a minimum protocol AWS fixes at TLSv1, and nothing here can raise it.
      minimumProtocolVersion: custom ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: acl.attrArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    if (!custom) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose minimum protocol AWS fixes at TLSv1 and no setting can raise; set frontend.domainName and certificateArn (us-east-1) for TLS 1.2+.",
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Users sign in from wherever the company works; geography is not an access rule here, Cognito and WAF are.',
    );

    new CfnOutput(this, 'SiteBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'WebUrl', { value: `https://${config.frontend.domainName ?? this.distribution.distributionDomainName}` });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    // Where frontend.domainName's DNS record (CNAME, or a Route 53 alias) points.
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName });
  }
}

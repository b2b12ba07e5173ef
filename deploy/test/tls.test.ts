// TLS 1.2 or newer wherever the deploy decides it. The one place it cannot: CloudFront without a
// custom domain serves its *.cloudfront.net certificate, whose minimum protocol AWS fixes at
// TLSv1 and no setting changes; a custom domain with an ACM certificate in us-east-1 is the fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Validations } from 'aws-cdk-lib';
import { build, Built, rawConfig, resourcesOfType } from './support';

const WEB_CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-666666666666';

function withWebDomain(): Built {
  const raw = rawConfig();
  raw.frontend = { domainName: 'data.corp.example.com', certificateArn: WEB_CERTIFICATE };
  return build(raw);
}

const distributionOf = (b: Built) => resourcesOfType(b.templates.frontend, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;

/** The cdk-nag rules acknowledged on the frontend stack's constructs: id → reason. */
function acknowledged(b: Built): Record<string, string> {
  const out: Record<string, string> = {};
  for (const node of b.stacks.frontend.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) Object.assign(out, entry.data);
    }
  }
  return out;
}

describe('TLS', () => {
  test('with a custom domain, CloudFront serves its ACM certificate (SNI) with TLS 1.2 or newer only', () => {
    const b = withWebDomain();
    const config = distributionOf(b);
    assert.deepEqual(config.Aliases, ['data.corp.example.com']);
    assert.deepEqual(config.ViewerCertificate, {
      AcmCertificateArn: WEB_CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    assert.equal(acknowledged(b)['AwsSolutions::AwsSolutions-CFR4'], undefined, 'nothing to excuse: CFR4 holds');
    b.templates.frontend.hasOutput('WebUrl', { Value: 'https://data.corp.example.com' });
  });

  test('without one, CloudFront keeps its default certificate, and the TLSv1 floor is acknowledged with the fix', () => {
    const b = build();
    const config = distributionOf(b);
    assert.equal(config.ViewerCertificate, undefined, "CloudFront's *.cloudfront.net certificate");
    assert.equal(config.Aliases, undefined);
    const reason = acknowledged(b)['AwsSolutions::AwsSolutions-CFR4'];
    assert.match(reason, /fixes at TLSv1/);
    assert.match(reason, /frontend\.domainName and certificateArn \(us-east-1\) for TLS 1\.2/);
    assert.ok(b.templates.frontend.toJSON().Outputs.DistributionDomainName, 'where a custom name would point');
  });

  test('the API load balancer and the search domain accept TLS 1.2 or newer only', () => {
    const b = build();
    const [[, listener]] = resourcesOfType(b.templates.compute, 'AWS::ElasticLoadBalancingV2::Listener');
    assert.equal(listener.Properties.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    const [[, domain]] = resourcesOfType(b.templates.search, 'AWS::OpenSearchService::Domain');
    assert.equal(domain.Properties.DomainEndpointOptions.TLSSecurityPolicy, 'Policy-Min-TLS-1-2-2019-07');
  });
});

import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS managed rule groups every Sluice web ACL carries, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

/** A web ACL that allows by default and blocks what AWS's managed rules match, plus a rate limit. */
export function managedRulesWebAcl(
  scope: Construct,
  id: string,
  scopeName: 'REGIONAL' | 'CLOUDFRONT',
  metricName: string,
): wafv2.CfnWebACL {
  const visibility = (name: string) => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricName}-${name}`,
  });
  const rules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
    name,
    priority,
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    overrideAction: { none: {} },
    visibilityConfig: visibility(name),
  }));
  rules.push({
    name: 'RateLimitPerIp',
    priority: rules.length,
    // Requests per 5 minutes from one address.
    statement: { rateBasedStatement: { limit: 3000, aggregateKeyType: 'IP' } },
    action: { block: {} },
    visibilityConfig: visibility('rate'),
  });
  return new wafv2.CfnWebACL(scope, id, {
    scope: scopeName,
    defaultAction: { allow: {} },
    visibilityConfig: visibility('acl'),
    rules,
  });
}

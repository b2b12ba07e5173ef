import { Stack, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Accepts cdk-nag findings of the AwsSolutions pack on `scope` and everything under it. Each id
 * is a rule (`AwsSolutions-EC23`) or one finding of it (`AwsSolutions-IAM5[Resource::*]`), as
 * synth prints them; a finding must be named exactly, so a new wildcard still fails synth.
 * Every call says why: the reason goes into the synthesized validation report.
 */
export function acknowledge(scope: IConstruct, ids: string | string[], reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledging ${ids}: say why, in a sentence`);
  for (const id of typeof ids === 'string' ? [ids] : ids) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
  }
}

/** The id of an IAM5 (wildcard) finding on one resource, as cdk-nag renders it. */
export function wildcard(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/** The id of an IAM4 finding for an AWS managed policy (its name after `policy/`). */
export function managedPolicy(name: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`;
}

/**
 * An ARN in this stack's region and account as cdk-nag prints it (unresolved parts as
 * `<AWS::...>`), for naming a wildcard finding on it.
 */
export function nagArn(stack: Stack, service: string, resource: string, region: string = stack.region): string {
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}

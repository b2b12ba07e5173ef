// Shared by the tests: the app built from cdk.json's settings (or a variant), synthesized
// offline, as assertion Templates.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSluice, SluiceStacks } from '../lib/app';
import { parseConfig, SluiceConfig } from '../lib/config';

export const DEPLOY_DIR = join(__dirname, '..');

/** The `sluice` context of cdk.json, as a fresh object to change per test. */
export function rawConfig(): Record<string, any> {
  const cdkJson = JSON.parse(readFileSync(join(DEPLOY_DIR, 'cdk.json'), 'utf8'));
  return structuredClone(cdkJson.context.sluice);
}

export interface Built {
  app: App;
  config: SluiceConfig;
  stacks: SluiceStacks;
  templates: Record<string, Template>;
}

const cache = new Map<string, Built>();

/** Builds and synthesizes (cdk-nag included) the app for `raw`; the same settings build once. */
export function build(raw: Record<string, any> = rawConfig()): Built {
  const key = JSON.stringify(raw);
  const hit = cache.get(key);
  if (hit) return hit;
  const cdkJson = JSON.parse(readFileSync(join(DEPLOY_DIR, 'cdk.json'), 'utf8'));
  const context = { ...cdkJson.context, sluice: raw };
  const app = new App({ context });
  const config = parseConfig(raw);
  const stacks = buildSluice(app, config);
  try {
    app.synth();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${findings(app.outdir)}`);
  }
  const templates: Record<string, Template> = {};
  for (const [name, stack] of Object.entries(stacks) as [string, Stack][]) {
    templates[name] = Template.fromStack(stack);
  }
  const built = { app, config, stacks, templates };
  cache.set(key, built);
  return built;
}

/** Every resource of every stack: [stack name, logical id, resource]. */
export function allResources(built: Built): [string, string, any][] {
  return Object.entries(built.templates).flatMap(([stack, t]) =>
    Object.entries(t.toJSON().Resources ?? {}).map(([id, r]) => [stack, id, r] as [string, string, any]),
  );
}

export function resourcesOfType(template: Template, type: string): [string, any][] {
  return Object.entries(template.findResources(type));
}

/** The failing rules of a validation report, one per line, for a readable test failure. */
function findings(outdir: string): string {
  try {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    return report.pluginReports
      .flatMap((p: any) => p.violations ?? [])
      .flatMap((v: any) => (v.violatingConstructs ?? []).map((c: any) => `${v.ruleName} at ${c.constructPath}: ${v.description}`))
      .join('\n');
  } catch {
    return '(no validation report)';
  }
}

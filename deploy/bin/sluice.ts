// `cdk synth` / `cdk deploy` entry point: settings from cdk.json's `sluice` context.
import { App } from 'aws-cdk-lib';
import { buildSluice } from '../lib/app';
import { ConfigError, parseConfig } from '../lib/config';

const app = new App();
try {
  buildSluice(app, parseConfig(app.node.tryGetContext('sluice')));
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

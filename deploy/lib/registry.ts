import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';

/** The image repository, in its own stack: it must exist (and hold the image) before the services. */
export class RegistryStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: config.prefix,
      imageScanOnPush: true,
      // A tag names one image forever, so a rollback to a tag runs what was tested under it.
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.KMS,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ description: 'untagged layers', tagStatus: ecr.TagStatus.UNTAGGED, maxImageCount: 10 }],
    });
  }
}

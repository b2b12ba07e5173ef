import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';

/**
 * The worker's lease on a message (SLUICE_TASK_VISIBILITY_MS): it renews at a third of it
 * while a handler runs, so this only matters when a worker dies mid-task.
 */
export const VISIBILITY = Duration.seconds(60);
/** The worker dead-letters a task itself after SLUICE_TASK_MAX_ATTEMPTS (5) runs. */
export const TASK_MAX_ATTEMPTS = 5;

export class QueueStack extends Stack {
  readonly key: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: StackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'Key', {
      description: `${config.prefix} task queues`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${config.prefix}-tasks-dlq.fifo`,
      fifo: true,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      // The longest SQS keeps anything: time to look at a failed task and redrive it.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${config.prefix}-tasks.fifo`,
      fifo: true,
      // The dispatcher sets a deduplication id per outbox row; the body alone is not identity.
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      visibilityTimeout: VISIBILITY,
      retentionPeriod: Duration.days(4),
      receiveMessageWaitTime: Duration.seconds(20),
      // A backstop only: a worker that crashes on a message every time never gets to count
      // its attempts, so SQS moves it after twice the worker's own limit.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: TASK_MAX_ATTEMPTS * 2 },
    });
  }
}

import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SluiceConfig } from './config';
import { SecurityGroups, SUBNETS } from './network';
import { acknowledge } from './nag';

/** The database name, and its master user (the services' login). */
export const DATABASE_NAME = 'sluice';
export const DATABASE_USER = 'sluice';
/**
 * Left out of generated passwords: the services build a postgres:// URL from the secret (see
 * docker/entrypoint.sh), and these would need escaping in it or in a shell.
 */
export const PASSWORD_EXCLUDED = ` %+~\`#$&*()|[]{}:;<>?!'/@"\\^=,.`;

export interface DataStackProps extends StackProps {
  vpc: ec2.IVpc;
  securityGroups: SecurityGroups;
}

export class DataStack extends Stack {
  readonly key: kms.Key;
  readonly cluster: rds.DatabaseCluster;
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, config: SluiceConfig, props: DataStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'Key', {
      description: `${config.prefix} metadata database and its secret`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const clusterIdentifier = `${config.prefix}-metadata`;
    // Made here, with its retention, before RDS would make it without one (CDK's
    // cloudwatchLogsRetention option does the same through a Lambda-backed custom resource).
    const postgresLogs = new logs.LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: config.sizes.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const insights = { enablePerformanceInsights: true, performanceInsightEncryptionKey: this.key };
    this.cluster = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_13 }),
      defaultDatabaseName: DATABASE_NAME,
      port: 5432,
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER, {
        encryptionKey: this.key,
        excludeCharacters: PASSWORD_EXCLUDED,
      }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false, ...insights }),
      // A reader in another AZ that scales with the writer: failover target, i.e. Multi-AZ.
      readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true, publiclyAccessible: false, ...insights })],
      serverlessV2MinCapacity: config.sizes.auroraMinAcu,
      serverlessV2MaxCapacity: config.sizes.auroraMaxAcu,
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: SUBNETS.data },
      securityGroups: [props.securityGroups.database],
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      iamAuthentication: true,
      backup: { retention: Duration.days(config.sizes.backupRetentionDays), preferredWindow: '02:00-03:00' },
      preferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      clusterIdentifier,
      cloudwatchLogsExports: ['postgresql'],
      parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '1000' },
    });
    this.cluster.node.addDependency(postgresLogs);
    this.secret = this.cluster.secret!;

    // AWS's hosted rotation function, in the compute subnets; the security groups (Network
    // stack) already let it reach the database and Secrets Manager. Single-user on purpose: the
    // services and migrations share one owner login (why, and how running tasks get the new
    // password: lib/rotation.ts).
    this.secret.addRotationSchedule('Rotation', {
      automaticallyAfter: Duration.days(30),
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
        functionName: `${config.prefix}-db-secret-rotation`,
        vpc: props.vpc,
        vpcSubnets: { subnetGroupName: SUBNETS.compute },
        securityGroups: [props.securityGroups.rotation],
        excludeCharacters: PASSWORD_EXCLUDED,
      }),
    });

    acknowledge(this.cluster, 'AwsSolutions-RDS11', 'The port is not a security control here: the security group admits only the Sluice services, and the default port keeps Postgres tooling working unchanged.');
  }
}

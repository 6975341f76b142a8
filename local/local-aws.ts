import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_STAGE, type Resources, resources as resourcesFor } from "#config";
import { routeBucket } from "#trading";
import { type LocalAudit, localAudit } from "./audit.ts";
import { createLocalClients, type LocalClients, type LocalEndpoints } from "./clients.ts";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import { type Emulator, startDynamoDb, startSqsSns } from "./emulators.ts";
import { type Provisioned, provision } from "./provision.ts";

export interface LocalAwsOptions {
  /** Stage whose resource names to create (default `dev`). */
  stage?: string;
  region?: string;
  /** Persist DynamoDB, SQS/SNS and S3 state in this folder between runs; in memory when absent. */
  dataDir?: string;
}

/** The embedded AWS: endpoints, ready clients, the created resources, and the environment a Lambda would see. */
export interface LocalAws extends Provisioned {
  readonly region: string;
  readonly resources: Resources;
  readonly endpoints: LocalEndpoints;
  readonly clients: LocalClients;
  /**
   * The variables a deployed handler gets from its stack, plus the SDK's standard
   * `AWS_ENDPOINT_URL_<SERVICE>` variables pointing at the emulators.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The decision audit every run on this instance records to (local/audit.ts). */
  readonly audit: LocalAudit;
  /** With `dataDir`: the pid of a dead process whose lock on it this instance took over. */
  readonly tookOverFrom?: number;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB (dynalite) and SQS/SNS/S3 (fauxqs) in-process on 127.0.0.1 with random ports,
 * creates the stage's resources from the shared resource module, and returns clients for them.
 * Instances are independent, so tests may start several at once (of different stages, when
 * in-process handlers read the data bucket: it is routed by its stage-named bucket).
 *
 * @example
 * const aws = await startLocalAws();
 * try {
 *   await aws.clients.dynamodb.send(new ListTablesCommand({}));
 * } finally {
 *   await aws.stop();
 * }
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? "us-east-1";
  const resources = resourcesFor(options.stage ?? DEFAULT_STAGE);
  const started: Emulator[] = [];
  let lock: DataDirLock | undefined;
  try {
    if (options.dataDir) {
      await mkdir(options.dataDir, { recursive: true });
      // One process per data directory: the emulators' files are not shared safely.
      lock = await lockDataDir(options.dataDir);
      await mkdir(join(options.dataDir, "dynamodb"), { recursive: true });
      await mkdir(join(options.dataDir, "sqs"), { recursive: true });
      await mkdir(join(options.dataDir, "s3"), { recursive: true });
    }
    const dynamo = await startDynamoDb(options.dataDir && join(options.dataDir, "dynamodb"));
    started.push(dynamo);
    // S3 objects as files under <dataDir>/s3 (inspectable; day files stay out of SQLite).
    const sqsSns = await startSqsSns(
      options.dataDir && join(options.dataDir, "sqs"),
      region,
      options.dataDir && join(options.dataDir, "s3"),
    );
    started.push(sqsSns);
    const endpoints = {
      dynamodb: dynamo.endpoint,
      sqs: sqsSns.endpoint,
      sns: sqsSns.endpoint,
      s3: sqsSns.endpoint,
    };
    const clients = createLocalClients(endpoints, region);
    const provisioned = await provision(clients, resources);
    // Handlers run in-process read `s3://<data bucket>/…` through this instance's S3, as a
    // Lambda does through AWS_ENDPOINT_URL_S3 (trading store: storeFor).
    const unroute = routeBucket(resources.dataBucket.name, clients.s3);
    const env = {
      AWS_REGION: region,
      SWITCHYARD_STAGE: resources.stage,
      CHECKPOINT_TABLE: resources.checkpointTable.name,
      REQUESTS_QUEUE_URL: provisioned.queueUrls[resources.requestsQueue.name] ?? "",
      REQUESTS_DLQ_URL: provisioned.queueUrls[resources.requestsQueue.deadLetter?.name ?? ""] ?? "",
      FAILED_RUNS_QUEUE_URL: provisioned.queueUrls[resources.failedRunsQueue.name] ?? "",
      ALERTS_TOPIC_ARN: provisioned.topicArns[resources.alertsTopic.name] ?? "",
      NOTIFICATIONS_TOPIC_ARN: provisioned.topicArns[resources.notificationsTopic.name] ?? "",
      DATA_BUCKET: resources.dataBucket.name,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SNS: endpoints.sns,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
    };
    const audit = await localAudit(clients.dynamodb, resources.checkpointTable.name, options.dataDir);
    return {
      region,
      resources,
      endpoints,
      clients,
      env,
      audit,
      ...(lock?.takenFrom === undefined ? {} : { tookOverFrom: lock.takenFrom }),
      ...provisioned,
      stop: async () => {
        unroute();
        for (const client of Object.values(clients)) client.destroy();
        await stopAll(started);
        await lock?.release();
      },
    };
  } catch (err) {
    await stopAll(started);
    await lock?.release();
    throw err;
  }
}

async function stopAll(emulators: Emulator[]): Promise<void> {
  await Promise.allSettled(emulators.reverse().map((e) => e.stop()));
}

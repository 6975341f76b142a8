/**
 * The one list of Switchyard's AWS resources: names and settings shared by the CDK stacks
 * (`lib/`) and the embedded AWS (`local/`), so local runs create exactly what a deploy creates.
 *
 * Names carry the stage so several stages can share an account. The physical names are what
 * handlers receive through their environment (see `#config` env), never hard-coded elsewhere.
 *
 * @example
 * const r = resources("dev");
 * r.checkpointTable.name; // "switchyard-dev-checkpoints"
 */
export interface TableSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Epoch-seconds attribute DynamoDB TTL expires items by. */
  readonly ttlAttribute: string;
  readonly pointInTimeRecovery: boolean;
}

export interface QueueSpec {
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionDays: number;
  /** Dead-letter queue receiving messages after `maxReceiveCount` failed receives. */
  readonly deadLetter?: {
    readonly name: string;
    readonly maxReceiveCount: number;
    readonly retentionDays: number;
  };
}

/** A table keyed by one string attribute (Powertools idempotency's layout: `id`, TTL on `expiration`). */
export interface IdempotencyTableSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly ttlAttribute: string;
  readonly pointInTimeRecovery: boolean;
  /** How long a key is remembered: a repeat within this window returns the first run id. */
  readonly ttlSeconds: number;
}

/**
 * A recurring run, created as an EventBridge Scheduler schedule that puts a run request on the
 * requests queue (`source: "schedule"`).
 */
export interface ScheduleSpec {
  /** Schedule name suffix, unique in the stage (`<prefix>-<name>`). */
  readonly name: string;
  readonly workflow: string;
  /** A Scheduler expression: `cron(min hour dom month dow year)`, `rate(...)` or `at(...)`. */
  readonly expression: string;
  /** IANA time zone the expression is read in (daylight saving followed). */
  readonly timeZone: string;
  /** The workflow's input, as its own schema expects. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly description: string;
}

export interface TopicSpec {
  readonly name: string;
}

/**
 * The S3 bucket of trading data: files arrive under `incomingPrefix` (one folder per day, e.g.
 * `incoming/2026-11-24/`), and an object created there starts `arrivalWorkflow` on its folder;
 * runs write what they produce under `outputPrefix` (`runs/<runId>/`).
 */
export interface BucketSpec {
  readonly name: string;
  /** Where arriving data lands; ends in '/'. */
  readonly incomingPrefix: string;
  /** Where runs write their outputs; ends in '/'. */
  readonly outputPrefix: string;
  /** Where a run that names no data writes the synthetic day it generates (shared by runs); ends in '/'. */
  readonly generatedPrefix: string;
  /** The workflow an object created under `incomingPrefix` starts, with `{ data: { uri: <its folder> } }`. */
  readonly arrivalWorkflow: string;
  /** Days a replaced or deleted object's old version is kept (the bucket is versioned), then expired. */
  readonly noncurrentVersionDays: number;
  /** Days before an unfinished multipart upload is aborted and its parts deleted. */
  readonly abortIncompleteUploadDays: number;
  /**
   * The engine's own objects: Distributed Map task lists and results (functions/engine/task-list.ts
   * writes them under this prefix), expired this many days after they are written.
   */
  readonly engineObjects: { readonly prefix: string; readonly expireDays: number };
}

export interface Resources {
  readonly stage: string;
  readonly prefix: string;
  readonly checkpointTable: TableSpec;
  /** Run requests from the API, schedules and MSK; consumed by the dispatcher Lambda. */
  readonly requestsQueue: QueueSpec;
  /** Executions that ended FAILED / TIMED_OUT / ABORTED, with what is needed to resume them. */
  readonly failedRunsQueue: QueueSpec;
  readonly alertsTopic: TopicSpec;
  /** Alert grouping windows (alert key + window → count), read and written by the notifier. */
  readonly alertsTable: TableSpec;
  /** Grouped notifications for people: email subscriptions; the notifier publishes here. */
  readonly notificationsTopic: TopicSpec;
  /** Trading data: `incoming/` (what arrives; starts a reconciliation) and `runs/` (what runs write). */
  readonly dataBucket: BucketSpec;
  /** Secrets Manager secret holding the Slack incoming-webhook URL (locally: `SLACK_WEBHOOK_URL`). */
  readonly slackWebhookSecret: { readonly name: string };
  /** Idempotency-Key records of the REST API (`functions/api`). */
  readonly idempotencyTable: IdempotencyTableSpec;
  /** Recurring runs (EventBridge Scheduler → requests queue). */
  readonly schedules: readonly ScheduleSpec[];
  /** Where a schedule's request lands when Scheduler cannot deliver it after its retries. */
  readonly schedulesDeadLetterQueue: { readonly name: string; readonly retentionDays: number };
  /** Scheduler's own retry policy for delivering to the requests queue. */
  readonly scheduleRetry: { readonly maximumEventAgeSeconds: number; readonly maximumRetryAttempts: number };
}

/** Dispatcher Lambda timeout; the requests queue's visibility is 6x this, as AWS recommends for SQS sources. */
export const DISPATCHER_TIMEOUT_SECONDS = 30;

export const DEFAULT_STAGE = "dev";

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

export function resources(stage: string = DEFAULT_STAGE): Resources {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(
      `Invalid stage "${stage}": lower-case letters, digits and '-', starting with a letter, ≤ 20.`,
    );
  }
  const prefix = `switchyard-${stage}`;
  return {
    stage,
    prefix,
    checkpointTable: {
      name: `${prefix}-checkpoints`,
      partitionKey: "pk",
      sortKey: "sk",
      ttlAttribute: "expiresAt",
      pointInTimeRecovery: true,
    },
    requestsQueue: {
      name: `${prefix}-requests`,
      visibilityTimeoutSeconds: 6 * DISPATCHER_TIMEOUT_SECONDS,
      retentionDays: 4,
      deadLetter: { name: `${prefix}-requests-dlq`, maxReceiveCount: 5, retentionDays: 14 },
    },
    failedRunsQueue: {
      name: `${prefix}-failed-runs`,
      visibilityTimeoutSeconds: 60,
      retentionDays: 14,
    },
    alertsTopic: { name: `${prefix}-alerts` },
    alertsTable: {
      name: `${prefix}-alerts`,
      partitionKey: "pk",
      sortKey: "sk",
      ttlAttribute: "expiresAt",
      pointInTimeRecovery: true,
    },
    notificationsTopic: { name: `${prefix}-notifications` },
    dataBucket: {
      name: `${prefix}-data`,
      incomingPrefix: "incoming/",
      outputPrefix: "runs/",
      generatedPrefix: "generated/",
      arrivalWorkflow: "reconciliation",
      noncurrentVersionDays: 90,
      abortIncompleteUploadDays: 7,
      // A task list and its Map results are read only within the execution running that
      // superstep (at most the definition's TimeoutSeconds, 3,600 s by default; resume and
      // recover write new lists), so 30 days is hundreds of times the longest run, and longer
      // than the failed-runs queue and requests DLQ keep a failure (14 days) for whoever
      // investigates it to still find the FAILED results.
      engineObjects: { prefix: "engine/", expireDays: 30 },
    },
    slackWebhookSecret: { name: `${prefix}/slack-webhook` },
    idempotencyTable: {
      name: `${prefix}-idempotency`,
      partitionKey: "id",
      ttlAttribute: "expiration",
      pointInTimeRecovery: true,
      ttlSeconds: 24 * 3600,
    },
    schedules: [
      {
        name: "eod-reconciliation",
        workflow: "reconciliation",
        // 18:00 New York time, Monday to Friday: after the US close, whatever the DST offset.
        expression: "cron(0 18 ? * MON-FRI *)",
        timeZone: "America/New_York",
        // The day's folder in the data bucket; {businessDate} is the New York date of the run.
        input: { data: { uri: `s3://${prefix}-data/incoming/{businessDate}/` } },
        description:
          "End-of-day trade reconciliation after the US close, on the day's files in the data bucket",
      },
    ],
    schedulesDeadLetterQueue: { name: `${prefix}-schedules-dlq`, retentionDays: 14 },
    // A missed end-of-day run is still worth running within the evening, not the next morning.
    scheduleRetry: { maximumEventAgeSeconds: 4 * 3600, maximumRetryAttempts: 10 },
  };
}

/**
 * The Step Functions state machine of a workflow: named here because the stack creates it and
 * the dispatcher, the CLI and the API find it by this name.
 *
 * @example
 * stateMachineName(resources("prod"), "triage"); // "switchyard-prod-triage"
 */
export function stateMachineName(r: Pick<Resources, "prefix">, workflow: string): string {
  return `${r.prefix}-${workflow}`;
}

/** Every queue the resources declare, dead-letter queues included, dead letters first (they must exist first). */
export function allQueues(r: Resources): { name: string; retentionDays: number; spec?: QueueSpec }[] {
  const out: { name: string; retentionDays: number; spec?: QueueSpec }[] = [];
  for (const q of [r.requestsQueue, r.failedRunsQueue]) {
    if (q.deadLetter) out.push({ name: q.deadLetter.name, retentionDays: q.deadLetter.retentionDays });
    out.push({ name: q.name, retentionDays: q.retentionDays, spec: q });
  }
  return out;
}

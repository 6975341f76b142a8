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

export interface TopicSpec {
  readonly name: string;
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

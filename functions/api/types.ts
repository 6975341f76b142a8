import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { RecordedFailures, WorkflowDefinition } from "#engine";
import type { RunRequest } from "#ingress";
import type { DataRef } from "#trading";
import type { AuditPort } from "./audit-trail.ts";

/**
 * The API Gateway REST (v1) Lambda proxy event, reduced to what the api handler reads. Typed
 * here rather than through `@types/aws-lambda`, which the project does not depend on.
 */
export interface ProxyEvent {
  readonly httpMethod: string;
  readonly path: string;
  readonly resource: string;
  readonly headers: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly queryStringParameters: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueQueryStringParameters: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly pathParameters: Readonly<Record<string, string | undefined>> | null;
  readonly stageVariables: Readonly<Record<string, string | undefined>> | null;
  readonly requestContext: {
    readonly requestId?: string;
    readonly domainName?: string;
    readonly identity?: {
      readonly caller?: string | null;
      readonly userArn?: string | null;
      readonly sourceIp?: string | null;
    };
    readonly authorizer?: { readonly claims?: Readonly<Record<string, string>> } | null;
  };
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

export interface ProxyResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string | number | boolean>;
  readonly multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  readonly body: string;
  readonly isBase64Encoded?: boolean;
}

/** The part of the Lambda context the API uses: the time left bounds an in-progress idempotency lock. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
  readonly functionName?: string;
}

/** Puts a run request on the requests queue (SQS `SendMessage` in AWS and locally). */
export interface RunQueuePort {
  enqueue(request: RunRequest): Promise<void>;
}

/** Which dead letters a route acts on; every field narrows the selection. */
export interface DeadLetterSelection {
  readonly workflow?: string;
  /** Case-insensitive substring of the error (code or message). */
  readonly error?: string;
  /** Only letters at least this old (e.g. 3600: leave the last hour alone while it is investigated). */
  readonly minAgeSeconds?: number;
  /** Only these run ids or message ids. */
  readonly ids?: readonly string[];
}

/** A message of the requests DLQ as `GET /dead-letters` lists it. */
export interface DeadLetterView {
  /** The SQS message id (a redrive's `ids` accepts it, or the run id). */
  readonly id: string;
  readonly queue: string;
  /** A run request that could not be started, a failed-run record, or a body nothing can read. */
  readonly kind: "run-request" | "failed-run" | "unreadable";
  readonly runId?: string;
  readonly workflow?: string;
  /** Why it is here, as far as the message tells. */
  readonly error?: string;
  readonly receiveCount: number;
  readonly sentAt: string;
  /** What redriving it re-executes. */
  readonly reexecutes: string;
  readonly bodyBytes: number;
  /** The message body (parsed when JSON), only when small: a listing must stay a listing. */
  readonly body?: unknown;
}

export interface RedriveOptions {
  /** Report what would move without moving anything. */
  readonly dryRun: boolean;
  /** At most this many messages. */
  readonly max: number;
  readonly filter: DeadLetterSelection;
}

export interface RedriveReport {
  readonly dryRun: boolean;
  /** Letters the selection matched. */
  readonly matched: number;
  /** Letters sent back to the requests queue (0 on a dry run). */
  readonly redriven: number;
  readonly entries: readonly {
    readonly id: string;
    readonly runId?: string;
    readonly workflow?: string;
    /** `skipped`: unreadable, so redriving it would only send it back here. */
    readonly action: "redriven" | "would-redrive" | "skipped";
    readonly reexecutes: string;
  }[];
}

/**
 * The requests DLQ, listed and redriven by the ops module (`#ops` `peekDeadLetters`,
 * `redriveDeadLetters`); the API only adapts to it (`sqsDeadLetters`).
 */
export interface DeadLettersPort {
  list(options: { filter: DeadLetterSelection; limit: number }): Promise<readonly DeadLetterView[]>;
  redrive(options: RedriveOptions): Promise<RedriveReport>;
}

/**
 * The failure recorded beside a run's checkpoints (`#checkpoint` ThreadLeases, the lease item the
 * engine and the failed-run handler write): one item read, on AWS and locally alike. Answers what
 * the checkpoint cannot: an execution that stopped (timeout, abort, an engine Lambda failing)
 * without recording a task error.
 */
export type FailedRunsPort = RecordedFailures;

/** Everything the API needs from its surroundings; the Lambda binds AWS, `npm run serve` the embedded AWS. */
export interface ApiPorts {
  readonly queue: RunQueuePort;
  /** The checkpoint saver: run status and history are read from the checkpoints, never written. */
  readonly saver: BaseCheckpointSaver;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  readonly deadLetters: DeadLettersPort;
  /** Absent: status comes from the checkpoint alone. */
  readonly failedRuns?: FailedRunsPort;
  /** Checks a run's data reference names a readable day (`checkDataRef`); absent: not checked. */
  readonly checkData?: (ref: DataRef) => Promise<unknown>;
  /** Throws a `TradingDataError` for a location a run may not name (`out`, `breaksUri`); absent: any. */
  readonly allowUri?: (uri: string) => void;
  /** The decision audit (`GET /runs/{id}/audit`); absent: that route answers 404 `Switchyard.NoAudit`. */
  readonly audit?: AuditPort;
  /** Clock and id source, injectable so tests are deterministic. */
  readonly now?: () => Date;
  readonly newId?: () => string;
}

import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { WorkflowDefinition } from "#engine";
import type { RunRequest } from "#ops";

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

/** A message that could not be delivered or processed, as the dead-letter port lists it. */
export interface DeadLetter {
  readonly id: string;
  readonly queue: string;
  readonly body: unknown;
  readonly receiveCount?: number;
  readonly sentAt?: string;
  readonly reason?: string;
}

export interface RedriveOptions {
  /** Report what would move without moving anything. */
  readonly dryRun: boolean;
  /** At most this many messages. */
  readonly max: number;
  /** Only requests for this workflow. */
  readonly workflow?: string;
}

export interface RedriveReport {
  readonly dryRun: boolean;
  readonly matched: number;
  readonly redriven: number;
  readonly ids: readonly string[];
}

/**
 * Dead-letter listing and redrive, implemented by the ops module (`#ops`); the API only
 * adapts to it. Absent, the dead-letter routes answer 501 after validating the request.
 */
export interface DeadLettersPort {
  list(options: { limit: number }): Promise<readonly DeadLetter[]>;
  redrive(options: RedriveOptions): Promise<RedriveReport>;
}

/** Everything the API needs from its surroundings; the Lambda binds AWS, `npm run serve` the embedded AWS. */
export interface ApiPorts {
  readonly queue: RunQueuePort;
  /** The checkpoint saver: run status and history are read from the checkpoints, never written. */
  readonly saver: BaseCheckpointSaver;
  readonly workflowNamed: (name: string) => WorkflowDefinition;
  readonly deadLetters?: DeadLettersPort;
  /** Clock and id source, injectable so tests are deterministic. */
  readonly now?: () => Date;
  readonly newId?: () => string;
}

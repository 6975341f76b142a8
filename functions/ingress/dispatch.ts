import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { context } from "@opentelemetry/api";
import { fieldIssues, issueSummary } from "#core";
import { contextFromAttributes, DEAD_LETTER_QUEUES, type Metrics, recordDeadLetter } from "#telemetry";
import { datedInput } from "./dated-input.ts";
import { InvalidRunRequestError } from "./errors.ts";
import type { SqsBatchResponse, SqsEvent, SqsRecord } from "./events.ts";
import { decodeMessageBody, sdkAttributes, traceparentOf } from "./messages.ts";
import { type RunRequest, RunRequestSchema } from "./run-request.ts";

/**
 * The dispatcher: turns run requests from the requests queue into Step Functions executions
 * named by run id. Starting is idempotent by construction — a second StartExecution with the
 * same name is refused by Step Functions (`ExecutionAlreadyExists`), which the dispatcher counts
 * as done — so a duplicate or redelivered request never runs twice.
 *
 * ```
 * requests queue ─batch─▶ dispatchBatch ─per record─▶ parse ─▶ startExecution(name = runId)
 *   failed records go back (partial batch failure); after maxReceiveCount, to the requests DLQ
 *   the record's `traceparent` attribute ─▶ the execution's X-Ray trace header
 * ```
 */

/** The state machine's input: what the engine's `start` handler reads. */
export interface ExecutionInput {
  readonly workflow: string;
  readonly threadId: string;
  readonly runId: string;
  readonly input?: unknown;
  readonly resume?: unknown;
  readonly recover?: true;
  readonly recursionLimit?: number;
  /** Who asked for a new run (the request's `requestedBy`). */
  readonly requestedBy?: string;
}

export interface StartExecutionRequest {
  /** The execution's name: the run id. */
  readonly name: string;
  readonly workflow: string;
  readonly input: ExecutionInput;
  /** W3C trace context to continue in the execution. */
  readonly traceparent?: string;
}

/**
 * Starts an execution; throws an error named `ExecutionAlreadyExists` when one of that name
 * exists (as Step Functions does). AWS: `sfnStartExecution`; locally, the executions registry.
 */
export type StartExecution = (request: StartExecutionRequest) => Promise<{ executionArn?: string }>;

export interface DispatchDeps {
  readonly startExecution: StartExecution;
  /** Refuses requests for workflows that are not deployed (they would fail at StartExecution anyway). */
  readonly isKnownWorkflow?: (workflow: string) => boolean;
  /** Counts records that fail their last delivery (`DeadLetters`, Queue `requests-dlq`). */
  readonly metrics?: Metrics;
  /** The requests queue's `maxReceiveCount`: a record failing this delivery goes to the DLQ. */
  readonly maxReceiveCount?: number;
}

export interface DispatchOutcome {
  readonly runId: string;
  readonly workflow: string;
  readonly outcome: "started" | "duplicate";
  readonly executionArn?: string;
}

/**
 * Parses a requests-queue message body against THE run-request schema.
 *
 * @example
 * parseRunRequest('{"runId":"run-0001","workflow":"triage","source":"api","requestedAt":"2025-01-02T03:04:05Z"}');
 */
export function parseRunRequest(body: string): RunRequest {
  let json: unknown;
  try {
    json = decodeMessageBody(body);
  } catch {
    throw new InvalidRunRequestError("the message body is not JSON.");
  }
  const parsed = RunRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRunRequestError(issueSummary(fieldIssues(parsed.error)));
  }
  return parsed.data;
}

/**
 * The execution input for a request: new input, the answer to an interrupt, or a recovery.
 *
 * @example
 * executionInputFor({ runId: "run-0001", workflow: "triage", input: {}, ... }); // { workflow, threadId: "run-0001", runId, input: {} }
 */
export function executionInputFor(request: RunRequest): ExecutionInput {
  const base = {
    workflow: request.workflow,
    threadId: request.threadId ?? request.runId,
    runId: request.runId,
    ...(request.recursionLimit === undefined || request.recover
      ? {}
      : { recursionLimit: request.recursionLimit }),
  };
  if (request.recover) return { ...base, recover: true };
  if (request.resume !== undefined) return { ...base, resume: request.resume };
  return {
    ...base,
    input: datedInput(request) ?? {},
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
  };
}

/**
 * Starts the execution of one request. A duplicate is success: the run it names already exists.
 *
 * @example
 * await dispatchRunRequest(request, { startExecution }); // { outcome: "started", ... }
 */
export async function dispatchRunRequest(request: RunRequest, deps: DispatchDeps): Promise<DispatchOutcome> {
  if (deps.isKnownWorkflow && !deps.isKnownWorkflow(request.workflow)) {
    throw new InvalidRunRequestError(`workflow "${request.workflow}" is not deployed.`);
  }
  const base = { runId: request.runId, workflow: request.workflow };
  try {
    const started = await deps.startExecution({
      name: request.runId,
      workflow: request.workflow,
      input: executionInputFor(request),
      ...(request.traceparent ? { traceparent: request.traceparent } : {}),
    });
    return {
      ...base,
      outcome: "started",
      ...(started.executionArn ? { executionArn: started.executionArn } : {}),
    };
  } catch (err) {
    if ((err as { name?: string }).name === "ExecutionAlreadyExists")
      return { ...base, outcome: "duplicate" };
    throw err;
  }
}

/**
 * The dispatcher Lambda's whole job over one SQS batch (Powertools batch processing): each
 * record is parsed and dispatched; the ones that fail are reported as `batchItemFailures`, so
 * only they are delivered again, and after `maxReceiveCount` deliveries land in the DLQ.
 *
 * @example
 * export const handler = (event: SqsEvent) => dispatchBatch(event, { startExecution });
 */
export async function dispatchBatch(
  event: SqsEvent,
  deps: DispatchDeps & { onOutcome?: (outcome: DispatchOutcome) => void },
): Promise<SqsBatchResponse> {
  const record = async (r: SqsRecord) => {
    try {
      const request = parseRunRequest(r.body);
      // The producer's trace travels in the message attributes; the body's field is a fallback.
      const traceparent = request.traceparent ?? traceparentOf(r.messageAttributes);
      const producer = contextFromAttributes(sdkAttributes(r.messageAttributes)) ?? context.active();
      const outcome = await context.with(producer, () =>
        dispatchRunRequest(traceparent ? { ...request, traceparent } : request, deps),
      );
      deps.onOutcome?.(outcome);
      return outcome;
    } catch (err) {
      // SQS moves the record to the DLQ itself; this is the one place that sees it happen.
      if (deps.metrics && isLastDelivery(r, deps.maxReceiveCount)) {
        recordDeadLetter(deps.metrics, DEAD_LETTER_QUEUES.requests);
      }
      throw err;
    }
  };
  // One processor per batch: it holds the batch's state, and local runs dispatch batches concurrently.
  const processor = new BatchProcessor(EventType.SQS);
  // A whole failed batch is reported, not thrown: same redelivery, without an error per batch in the logs.
  return processPartialResponse(event as never, record as never, processor, {
    throwOnFullBatchFailure: false,
  }) as Promise<SqsBatchResponse>;
}

function isLastDelivery(r: SqsRecord, maxReceiveCount: number | undefined): boolean {
  const received = Number(r.attributes?.ApproximateReceiveCount ?? 0);
  return maxReceiveCount !== undefined && received >= maxReceiveCount;
}

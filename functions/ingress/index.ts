/**
 * Switchyard ingress: what takes a run in and starts it — run requests and their queue messages,
 * the dispatcher (requests queue → Step Functions `StartExecution`), data arrivals (S3 → run
 * request), the MSK trade-events consumer, dated inputs for schedules. Ops (`#ops`) sits above it:
 * dead letters and failed runs are run requests again.
 */
export {
  arrivalFolder,
  arrivalRunId,
  type DataArrivalOptions,
  type DataArrivalOutcome,
  decodeEventKey,
  InvalidObjectCreatedEventError,
  type ObjectCreatedEvent,
  ObjectCreatedEventSchema,
  parseObjectCreatedEvent,
  runRequestForArrival,
  type StartRunOnArrivalDeps,
  startRunOnArrival,
} from "./data-arrival.ts";
export { BUSINESS_DATE_TOKEN, datedInput, localDate } from "./dated-input.ts";
export {
  type DispatchDeps,
  type DispatchOutcome,
  dispatchBatch,
  dispatchRunRequest,
  type ExecutionInput,
  executionInputFor,
  parseRunRequest,
  type StartExecution,
  type StartExecutionRequest,
} from "./dispatch.ts";
export * from "./errors.ts";
export type {
  KafkaBatchResponse,
  KafkaEvent,
  KafkaRecord,
  SqsBatchResponse,
  SqsEvent,
  SqsRecord,
} from "./events.ts";
export { KafkaEventSchema } from "./events.ts";
export {
  decodeMessageBody,
  encodeMessageBody,
  type RunRequestMessage,
  runRequestMessage,
  sdkAttributes,
  traceContextAttributes,
  traceparentOf,
} from "./messages.ts";
export { RUN_ID_PATTERN, type RunRequest, RunRequestSchema } from "./run-request.ts";
export { sfnStartExecution, traceHeaderFrom } from "./sfn-start.ts";
export {
  type ConsumeTradeEventsDeps,
  consumeTradeEvents,
  DEFAULT_TRADE_EVENT_ROUTES,
  decodeTradeEvent,
  runRequestForTradeEvent,
  type TradeEvent,
  type TradeEventOutcome,
  TradeEventSchema,
  tradeEventRunId,
} from "./trade-events.ts";

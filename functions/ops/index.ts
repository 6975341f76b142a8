export { type AlertGroup, AlertWindows, type AlertWindowsOptions } from "./alert-windows.ts";
export {
  ALERTS_TOPIC_CHANNEL,
  type Alert,
  AlertSchema,
  alertForFailedRun,
  alertFromSns,
  snsAlertPublisher,
} from "./alerts.ts";
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
  type DeadLetter,
  type DeadLetterFilter,
  describeLetter,
  matches,
  peekDeadLetters,
  type RedriveEntry,
  type RedriveOptions,
  readDeadLetter,
  redriveDeadLetters,
  type SweepOptions,
  startBulkRedrive,
} from "./dead-letters.ts";
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
  ExecutionStatusChangeEvent,
  KafkaBatchResponse,
  KafkaEvent,
  KafkaRecord,
  SnsEvent,
  SnsMessage,
  SqsBatchResponse,
  SqsEvent,
  SqsRecord,
} from "./events.ts";
export { ExecutionStatusChangeEventSchema, KafkaEventSchema } from "./events.ts";
export {
  type CloudWatchLogsEvent,
  EXPRESS_FAILURE_FILTER,
  EXPRESS_FAILURE_TYPES,
  type ExpressLogEvent,
  expressLogEvents,
  isCloudWatchLogsEvent,
  recordExpressFailures,
  statusChangeFromExpressLog,
} from "./express-logs.ts";
export {
  FAILED_STATUSES,
  type FailedRun,
  FailedRunSchema,
  failedRunFromEvent,
  type LookupThread,
  type RecordFailedRunDeps,
  readFailedRun,
  recordFailedRun,
  resumeRequestFor,
  resumeRunId,
  type ThreadFailure,
} from "./failed-runs.ts";
export { FaultInjectionCallbacks, faultCallbacksFromEnv } from "./fault-callbacks.ts";
export {
  type FaultKind,
  type FaultMode,
  type FaultSpec,
  Faults,
  faultError,
  type InjectedFault,
  parseFaults,
  withFaults,
} from "./faults.ts";
export {
  decodeMessageBody,
  encodeMessageBody,
  type RunRequestMessage,
  runRequestMessage,
  sdkAttributes,
  traceContextAttributes,
  traceparentOf,
} from "./messages.ts";
export {
  type Channel,
  emailChannel,
  flushNotifications,
  formatNotification,
  type Notification,
  type NotifierDeps,
  notify,
  slackChannel,
} from "./notify.ts";
export { DEAD_LETTER_QUEUES, queueLabel } from "./queue-labels.ts";
export { type ResumeFailedRunsOptions, resumeFailedRuns } from "./resume.ts";
export { RUN_ID_PATTERN, type RunRequest, RunRequestSchema } from "./run-request.ts";
export { sfnStartExecution, traceHeaderFrom } from "./sfn-start.ts";
export { checkpointLookup } from "./thread-lookup.ts";
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

/**
 * Switchyard ops: what happens after a run fails or a message dies — dead letters and their
 * redrive, failed runs and their resume, alerts, alert windows and notifications, Express
 * execution logs. Run requests and their messages come from ingress (`#ingress`), below.
 */
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
export * from "./errors.ts";
export type { ExecutionStatusChangeEvent, SnsEvent, SnsMessage } from "./events.ts";
export { ExecutionStatusChangeEventSchema } from "./events.ts";
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
export { type ResumeFailedRunsOptions, resumeFailedRuns } from "./resume.ts";
export { checkpointLookup } from "./thread-lookup.ts";

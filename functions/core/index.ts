/** The bottom of the house: what every other module may import, and which imports nothing of ours. */
export { canonicalJson } from "./canonical-json.ts";
export { now, setClock } from "./clock.ts";
export { SwitchyardError } from "./errors.ts";
export { type FieldIssue, fieldIssues, type IssueScope, issueSummary, MAX_ISSUES, nameOf } from "./issues.ts";
export { lazily } from "./lazily.ts";
export { mergeById } from "./reducers.ts";
export {
  backoffDelay,
  classifyError,
  DEFAULT_RETRY_POLICY,
  type ErrorClass,
  isRetryable,
  type RetryPolicy,
  withRetry,
} from "./retry.ts";

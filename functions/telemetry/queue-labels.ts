/**
 * The `Queue` dimension of the dead-letter metrics (`DeadLetters`, `Redrives`): the queue's role,
 * not its stage-qualified name, so one alarm per role covers every stage's dashboard alike
 * (`lib/constructs/observability.ts` alarms on `requests-dlq` and `failed-runs`).
 */
export const DEAD_LETTER_QUEUES = {
  /** Run requests the dispatcher could not start `maxReceiveCount` times. */
  requests: "requests-dlq",
  /** Failed executions awaiting resume. */
  failedRuns: "failed-runs",
  /** Kafka records the MSK consumer gave up on (the event source's on-failure destination). */
  tradeEvents: "trade-events-dlq",
} as const;

const LABELS: readonly string[] = Object.values(DEAD_LETTER_QUEUES);

/**
 * The metric label of a queue, from its URL or name: its role when the name ends in one
 * (`switchyard-dev-requests-dlq` → `requests-dlq`), else the bare name.
 *
 * @example
 * queueLabel("https://sqs.eu-west-1.amazonaws.com/123456789012/switchyard-prod-failed-runs"); // "failed-runs"
 */
export function queueLabel(urlOrName: string): string {
  const name = urlOrName.split("/").pop() ?? urlOrName;
  return LABELS.find((label) => name === label || name.endsWith(`-${label}`)) ?? name;
}
